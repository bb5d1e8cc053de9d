package lds

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"motcua/cardreader/cccd"
	"motcua/cardreader/tlv"
)

// TD1 geometry: three lines of 30 characters (ICAO 9303 Part 5).
const (
	TD1LineLen = 30
	TD1Len     = 3 * TD1LineLen
)

// MRZ field names used in MRZError.
const (
	FieldDocumentNumber = "document number"
	FieldDateOfBirth    = "date of birth"
	FieldDateOfExpiry   = "date of expiry"
	FieldOptionalData   = "optional data"
	FieldComposite      = "composite"
	FieldLayout         = "layout"
)

// ErrMRZ matches every MRZ error with errors.Is.
var ErrMRZ = errors.New("lds: invalid MRZ")

// ErrCheckDigit matches check-digit failures.
var ErrCheckDigit = errors.New("check digit mismatch")

// MRZError reports which MRZ field is wrong. It never carries the field's value.
type MRZError struct {
	Field string
	Err   error
}

// Error names the field and the problem.
func (e *MRZError) Error() string { return "lds: MRZ " + e.Field + ": " + e.Err.Error() }

// Unwrap returns ErrMRZ and the specific error.
func (e *MRZError) Unwrap() []error { return []error{ErrMRZ, e.Err} }

var errBadChar = errors.New("character outside A-Z 0-9 <")

// MRZ is a TD1 machine readable zone as the CCCD writes it: the document
// number holds the last 9 digits of the ID and the optional data the full
// 12-digit ID. Fields keep their MRZ spelling ('<' filler included).
type MRZ struct {
	DocumentCode   string // "ID"
	IssuingState   string // "VNM"
	DocumentNumber string // 9 characters
	DocumentCheck  byte
	OptionalData1  string // 15 characters: ID12 + "<<" + check digit of the ID
	DateOfBirth    string // YYMMDD; "YY<<<<" when only the year is known
	BirthCheck     byte
	Sex            byte   // 'M', 'F' or '<'
	DateOfExpiry   string // YYMMDD; NoExpiryMRZ (991231) for a card that does not expire
	ExpiryCheck    byte
	Nationality    string // "VNM"
	OptionalData2  string // 11 characters
	Composite      byte
	Name           string // line 3: SURNAME<<GIVEN<NAMES, filled to 30
}

// NoExpiryMRZ is the expiry a card that does not expire ("Không thời hạn")
// prints in its MRZ, with its normal check digit, as real cards of holders
// past 60 show.
const NoExpiryMRZ = "991231"

// FillerDate is a date of fillers only (check digit '<'): how ICAO writes
// an absent date, read as "no expiry" too in case a card uses it.
const FillerDate = "<<<<<<"

// CheckDigit computes the ICAO 9303 Part 3 §4.9 check digit of s: weights
// 7, 3, 1 repeating; digits count as themselves, A-Z as 10-35, '<' (and
// anything else) as 0; the sum modulo 10. It is the one copy: bac uses it.
func CheckDigit(s string) byte {
	w := [3]int{7, 3, 1}
	sum := 0
	for i := 0; i < len(s); i++ {
		sum += charValue(s[i]) * w[i%3]
	}
	return byte('0' + sum%10)
}

// FieldCheck is the check digit of an MRZ field, except that a field of
// nothing but fillers gets a filler as its check digit (ICAO practice for
// absent data): how an expiry of fillers is written, and read back.
func FieldCheck(s string) byte {
	if strings.Trim(s, "<") == "" {
		return '<'
	}
	return CheckDigit(s)
}

func charValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return 0
}

func validMRZChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c == '<') {
			return false
		}
	}
	return true
}

// checkField verifies a field's check digit. A field of fillers only may
// carry '<' as its check digit (ICAO practice for absent data).
func checkField(field, value string, cd byte) error {
	if strings.Trim(value, "<") == "" && cd == '<' {
		return nil
	}
	if CheckDigit(value) != cd {
		return &MRZError{field, ErrCheckDigit}
	}
	return nil
}

// ParseTD1 reads a TD1 MRZ (90 characters; line breaks are ignored) and
// verifies every check digit, including the composite and, when the optional
// data holds a 12-digit ID, the ID's own check digit.
func ParseTD1(s string) (*MRZ, error) {
	s = strings.NewReplacer("\n", "", "\r", "").Replace(s)
	if len(s) != TD1Len {
		return nil, &MRZError{FieldLayout, fmt.Errorf("%d characters, want %d", len(s), TD1Len)}
	}
	if !validMRZChars(s) {
		return nil, &MRZError{FieldLayout, errBadChar}
	}
	l1, l2, l3 := s[0:30], s[30:60], s[60:90]
	m := &MRZ{
		DocumentCode:   strings.TrimRight(l1[0:2], "<"),
		IssuingState:   l1[2:5],
		DocumentNumber: l1[5:14],
		DocumentCheck:  l1[14],
		OptionalData1:  l1[15:30],
		DateOfBirth:    l2[0:6],
		BirthCheck:     l2[6],
		Sex:            l2[7],
		DateOfExpiry:   l2[8:14],
		ExpiryCheck:    l2[14],
		Nationality:    l2[15:18],
		OptionalData2:  l2[18:29],
		Composite:      l2[29],
		Name:           l3,
	}
	if err := checkField(FieldDocumentNumber, m.DocumentNumber, m.DocumentCheck); err != nil {
		return nil, err
	}
	if err := checkField(FieldDateOfBirth, m.DateOfBirth, m.BirthCheck); err != nil {
		return nil, err
	}
	if err := checkField(FieldDateOfExpiry, m.DateOfExpiry, m.ExpiryCheck); err != nil {
		return nil, err
	}
	if m.Sex != 'M' && m.Sex != 'F' && m.Sex != '<' {
		return nil, &MRZError{"sex", errBadChar}
	}
	composite := l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
	if CheckDigit(composite) != m.Composite {
		return nil, &MRZError{FieldComposite, ErrCheckDigit}
	}
	if id := m.ID(); id != "" && m.OptionalData1[12:14] == "<<" && m.OptionalData1[14] != CheckDigit(id) {
		return nil, &MRZError{FieldOptionalData, ErrCheckDigit}
	}
	return m, nil
}

// ID returns the 12-digit personal ID from the optional data, or "" when the
// optional data does not start with 12 digits.
func (m *MRZ) ID() string {
	if len(m.OptionalData1) < 12 {
		return ""
	}
	id := m.OptionalData1[:12]
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return ""
		}
	}
	return id
}

// BACKeySeedInput returns the MRZ information BAC hashes into its key seed:
// document number, date of birth and date of expiry, each with its check
// digit (ICAO 9303 Part 11 §9.7.2).
func (m *MRZ) BACKeySeedInput() string {
	return m.DocumentNumber + string(m.DocumentCheck) + m.DateOfBirth + string(m.BirthCheck) + m.DateOfExpiry + string(m.ExpiryCheck)
}

// String returns the three lines joined by newlines.
func (m *MRZ) String() string {
	l := m.Lines()
	return l[0] + "\n" + l[1] + "\n" + l[2]
}

// Lines returns the three 30-character lines.
func (m *MRZ) Lines() [3]string {
	l1 := pad(m.DocumentCode, 2) + m.IssuingState + pad(m.DocumentNumber, 9) + string(m.DocumentCheck) + pad(m.OptionalData1, 15)
	l2 := m.DateOfBirth + string(m.BirthCheck) + string(m.Sex) + m.DateOfExpiry + string(m.ExpiryCheck) + pad(m.Nationality, 3) + pad(m.OptionalData2, 11) + string(m.Composite)
	return [3]string{l1, l2, pad(m.Name, 30)}
}

func pad(s string, n int) string {
	if len(s) >= n {
		return s[:n]
	}
	return s + strings.Repeat("<", n-len(s))
}

// BirthDate decodes the date of birth. The century comes from the ID's
// century digit when the optional data holds an ID; otherwise a two-digit
// year above pivotYY is taken as 19YY.
func (m *MRZ) BirthDate(pivotYY int) (cccd.Date, error) {
	century := -1
	if id := m.ID(); id != "" {
		century = (int(id[3]-'0')/2 + 19) * 100
	}
	return mrzDate(m.DateOfBirth, century, pivotYY, FieldDateOfBirth)
}

// ExpiryDate decodes the date of expiry (always 20YY); ok is false for a
// card that does not expire (991231, or fillers only).
func (m *MRZ) ExpiryDate() (d cccd.Date, ok bool, err error) {
	if m.DateOfExpiry == NoExpiryMRZ || strings.Trim(m.DateOfExpiry, "<") == "" {
		return cccd.Date{}, false, nil
	}
	d, err = mrzDate(m.DateOfExpiry, 2000, 0, FieldDateOfExpiry)
	return d, err == nil, err
}

func mrzDate(s string, century, pivotYY int, field string) (cccd.Date, error) {
	if len(s) != 6 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return cccd.Date{}, &MRZError{field, cccd.ErrBadDate}
	}
	yy := int(s[0]-'0')*10 + int(s[1]-'0')
	if century < 0 {
		century = 2000
		if yy > pivotYY {
			century = 1900
		}
	}
	if s[2:] == "<<<<" {
		return cccd.Date{Year: century + yy}, nil
	}
	if s[4:] == "<<" {
		d, err := cccd.ParseDMY(s[2:4] + "/" + fmt.Sprintf("%04d", century+yy))
		if err != nil {
			return cccd.Date{}, &MRZError{field, cccd.ErrBadDate}
		}
		return d, nil
	}
	d, err := cccd.ParseDMY(s[4:6] + s[2:4] + fmt.Sprintf("%04d", century+yy))
	if err != nil {
		return cccd.Date{}, &MRZError{field, cccd.ErrBadDate}
	}
	return d, nil
}

// NameParts splits line 3 into surname and given names, with spaces for '<'.
func (m *MRZ) NameParts() (surname, given string) {
	n := strings.TrimRight(m.Name, "<")
	sur, giv, _ := strings.Cut(n, "<<")
	return strings.ReplaceAll(sur, "<", " "), strings.TrimSpace(strings.ReplaceAll(giv, "<", " "))
}

// MRZFromCitizen builds the TD1 MRZ a CCCD carries for c.
func MRZFromCitizen(c cccd.Citizen) *MRZ {
	m := &MRZ{
		DocumentCode:   "ID",
		IssuingState:   "VNM",
		DocumentNumber: pad(cccd.DocumentNumber(c.ID), 9),
		OptionalData1:  pad(c.ID+"<<"+string(CheckDigit(c.ID)), 15),
		Sex:            c.Sex.MRZ(),
		Nationality:    "VNM",
		OptionalData2:  strings.Repeat("<", 11),
		Name:           pad(TransliterateName(c.FullName), 30),
	}
	m.DateOfBirth = MRZDate(c.DateOfBirth)
	if c.NoExpiry || c.ExpiryDate.IsZero() {
		m.DateOfExpiry = NoExpiryMRZ
	} else {
		m.DateOfExpiry = MRZDate(c.ExpiryDate)
	}
	m.DocumentCheck = CheckDigit(m.DocumentNumber)
	m.BirthCheck = CheckDigit(m.DateOfBirth)
	m.SetExpiry(m.DateOfExpiry)
	return m
}

// SetExpiry writes the expiry field, its check digit ('<' for fillers
// only) and the composite check digit.
func (m *MRZ) SetExpiry(yymmdd string) {
	m.DateOfExpiry = yymmdd
	m.ExpiryCheck = FieldCheck(yymmdd)
	l := m.Lines()
	m.Composite = CheckDigit(l[0][5:30] + l[1][0:7] + l[1][8:15] + l[1][18:29])
}

// MRZDate writes a date as YYMMDD; a partial date fills its unknown parts
// with '<' (ICAO 9303 Part 3 §4.6): YY<<<<, YYMM<<; a zero date is
// fillers only.
func MRZDate(d cccd.Date) string {
	switch {
	case d.IsZero():
		return FillerDate
	case d.YearOnly():
		return fmt.Sprintf("%02d<<<<", d.Year%100)
	case d.MonthYear():
		return fmt.Sprintf("%02d%02d<<", d.Year%100, d.Month)
	}
	return fmt.Sprintf("%02d%02d%02d", d.Year%100, d.Month, d.Day)
}

// TransliterateName writes a Vietnamese full name (family name first) in
// MRZ form: diacritics removed, Đ as D, apostrophes dropped, upper case, the
// family name and the rest separated by "<<", other spaces and punctuation
// by "<". It may exceed 30 characters; MRZFromCitizen truncates.
func TransliterateName(full string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	plain, _, err := transform.String(t, full)
	if err != nil {
		plain = full
	}
	var b strings.Builder
	for _, r := range strings.ToUpper(plain) {
		switch {
		case r == 'Đ':
			b.WriteByte('D')
		case r == '\'' || r == '’':
			// ICAO 9303 Part 3 §6.A: apostrophes are omitted (H'MÔNG → HMONG).
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	if len(words) == 0 {
		return ""
	}
	return words[0] + "<<" + strings.Join(words[1:], "<")
}

// ParseDG1 decodes DG1 (61 { 5F1F MRZ }) and its TD1 MRZ.
func ParseDG1(b []byte) (*MRZ, error) {
	v, err := tlv.FindPath(b, TagDG1, 0x5F1F)
	if err != nil {
		return nil, malformed("DG1", "MRZ data object", err)
	}
	return ParseTD1(string(v))
}

// EncodeDG1 builds DG1 around m.
func EncodeDG1(m *MRZ) []byte {
	l := m.Lines()
	return tlv.Nest(TagDG1, tlv.Encode(0x5F1F, []byte(l[0]+l[1]+l[2])))
}

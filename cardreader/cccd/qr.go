package cccd

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// QRData is the payload of the QR code printed on the front of the 2021
// chip CCCD: ID|oldID|name|DDMMYYYY|sex|address|issueDDMMYYYY
// (docs/reference/cccd-tech.md §3.1). It is unsigned: anyone can print one, so it
// is unverified data until a chip it opens agrees with it.
type QRData struct {
	ID          string // 12-digit personal ID number
	OldID       string // former 9- or 12-digit CMND; empty when none
	FullName    string
	DateOfBirth Date // may be year-only
	Sex         Sex
	Address     string // nơi thường trú
	IssueDate   Date
	// Extra holds fields after the seventh, as read (NFC). The 2024 Căn
	// cước card carries more after the same seven: public parsers of real
	// cards read the father's name at position 8 and the mother's at 9
	// (Father and Mother below); the rest are kept so String round-trips.
	Extra []string
	// Father and Mother are positions 8 and 9 of a 2024 card's QR ("" when
	// absent), labels and noise removed.
	Father, Mother string
	// Repaired names the repair made to mojibake text ("" when none).
	Repaired Repair
	// Warnings are disagreements that do not refuse the payload: the ID
	// number's century/sex digit or year digits against the QR's sex or
	// birth date (the ID stays for life while birth data gets corrected;
	// the chip decides).
	Warnings []IDProblem
}

// QRFields is the number of fields of the 2021 payload.
const QRFields = 7

// QRProblem names what is wrong with a QR payload.
type QRProblem int

const (
	QREmpty      QRProblem = iota + 1 // nothing but white space and noise
	QRFieldCount                      // fewer than seven '|'-separated fields
	QRBadID                           // field 1 is not a valid ID number (Err says why)
	QRBadOldID                        // field 2 is neither empty nor 9 or 12 digits
	QRBadName                         // field 3 is empty or not text
	QRBadBirth                        // field 4 is not a date
	QRBadSex                          // field 5 is not Nam/Nữ
	QRBadIssue                        // field 7 is not a date, or precedes the birth date
	QRNotText                         // the payload is not valid UTF-8
	QRGarbled                         // mojibake that no re-decoding turns into valid UTF-8
)

var qrProblemText = map[QRProblem]string{
	QREmpty:      "payload is empty",
	QRFieldCount: "wrong number of fields",
	QRBadID:      "invalid ID number",
	QRBadOldID:   "old ID number must be empty or 9 or 12 digits",
	QRBadName:    "full name is missing",
	QRBadBirth:   "invalid date of birth",
	QRBadSex:     "sex must be Nam or Nữ",
	QRBadIssue:   "invalid issue date",
	QRNotText:    "payload is not UTF-8 text",
	QRGarbled:    "text is garbled by the scanner (wrong character set) and cannot be repaired: set the scanner to UTF-8 or scan with the camera",
}

// ErrQR matches every QRError with errors.Is.
var ErrQR = errors.New("cccd: invalid QR payload")

// QRError reports why a QR payload was refused. It never holds the payload
// or any of its values, only the problem and counts.
type QRError struct {
	Problem QRProblem
	Fields  int   // for QRFieldCount: how many fields were found
	Err     error // underlying rule error (e.g. an *IDError, ErrBadDate), may be nil
}

func (e *QRError) Error() string {
	msg := "cccd: QR payload: " + qrProblemText[e.Problem]
	if e.Problem == QRFieldCount {
		msg += fmt.Sprintf(" (found %d, need %d)", e.Fields, QRFields)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap exposes ErrQR and the underlying rule error.
func (e *QRError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrQR}
	}
	return []error{ErrQR, e.Err}
}

// Is matches a *QRError with the same Problem, so
// errors.Is(err, &QRError{Problem: QRBadSex}) works.
func (e *QRError) Is(target error) bool {
	t, ok := target.(*QRError)
	return ok && t.Problem == e.Problem
}

// ParseQR reads a CCCD QR payload as a camera decoder or a keyboard-wedge
// scanner delivers it. It tolerates: an empty old ID; fields after the
// seventh (kept in Extra; positions 8 and 9 of the 2024 card are the
// parents); decomposed (NFD) text, which it turns into NFC; stray white
// space, CR and LF around fields; DD/MM/YYYY as well as DDMMYYYY dates
// and partial dates; scanner noise before the ID (an AIM identifier such
// as "]Q1", a label such as "CCCD:"); labels before any field ("Họ tên:",
// "Ngày sinh:"); and UTF-8 read as Windows-1252 or Big5, which it repairs
// when the re-decoding is valid UTF-8 (else QRGarbled). An ID number
// whose digits disagree with the sex or birth year is a warning, not a
// refusal. Everything else is refused with a *QRError naming the problem.
func ParseQR(s string) (QRData, error) {
	if !utf8.ValidString(s) {
		return QRData{}, &QRError{Problem: QRNotText}
	}
	s, how, ok := RepairMojibake(s)
	if !ok {
		return QRData{}, &QRError{Problem: QRGarbled}
	}
	s = norm.NFC.String(strings.TrimFunc(s, isNoise))
	if s == "" {
		return QRData{}, &QRError{Problem: QREmpty}
	}
	f := strings.Split(s, "|")
	if len(f) < QRFields {
		return QRData{}, &QRError{Problem: QRFieldCount, Fields: len(f)}
	}
	for i := range f {
		f[i] = strings.TrimFunc(f[i], isNoise)
	}
	q := QRData{Repaired: how}
	q.ID = stripPrefixNoise(f[0])
	if _, err := ParseID(q.ID); err != nil {
		return QRData{}, &QRError{Problem: QRBadID, Err: err}
	}
	q.OldID = stripLabel(f[1])
	if q.OldID != "" && !isOldID(q.OldID) {
		return QRData{}, &QRError{Problem: QRBadOldID}
	}
	q.FullName = NormalizeText(stripKnownLabel(f[2]))
	if q.FullName == "" {
		return QRData{}, &QRError{Problem: QRBadName}
	}
	var err error
	if q.DateOfBirth, err = ParseDMY(stripLabel(f[3])); err != nil {
		return QRData{}, &QRError{Problem: QRBadBirth, Err: err}
	}
	if q.Sex, ok = ParseSex(stripLabel(f[4])); !ok {
		return QRData{}, &QRError{Problem: QRBadSex}
	}
	q.Address = NormalizeText(stripKnownLabel(f[5]))
	if q.IssueDate, err = ParseDMY(stripLabel(f[6])); err != nil {
		return QRData{}, &QRError{Problem: QRBadIssue, Err: err}
	}
	if q.IssueDate.Partial() || q.IssueDate.Before(q.DateOfBirth) {
		return QRData{}, &QRError{Problem: QRBadIssue, Err: ErrBadDate}
	}
	// The sex and the birth year are checked apart, so each disagreement
	// is its own warning.
	if _, err := CheckID(q.ID, q.Sex, Date{}); err != nil {
		q.Warnings = append(q.Warnings, IDSexMismatch)
	}
	if _, err := CheckID(q.ID, SexUnknown, q.DateOfBirth); err != nil {
		q.Warnings = append(q.Warnings, IDYearMismatch)
	}
	if len(f) > QRFields {
		q.Extra = append([]string(nil), f[QRFields:]...)
		// A scanner's trailing separator is not a field.
		if len(q.Extra) == 1 && q.Extra[0] == "" {
			q.Extra = nil
		}
	}
	for _, row := range CardFields {
		if row.QR > QRFields && row.QR-QRFields <= len(q.Extra) && row.text != nil {
			v := NormalizeText(stripKnownLabel(q.Extra[row.QR-QRFields-1]))
			switch row.Path {
			case "citizen.father":
				q.Father = v
			case "citizen.mother":
				q.Mother = v
			}
		}
	}
	return q, nil
}

// Fields is the number of fields the payload had.
func (q QRData) Fields() int { return QRFields + len(q.Extra) }

// isNoise is white space, control characters (CR, LF, tab, scanner framing
// such as STX/ETX/GS) and the byte-order mark.
func isNoise(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || r == '\uFEFF'
}

// stripPrefixNoise drops whatever precedes the 12 ID digits at the end of
// the first field: an AIM symbology identifier, a label, scanner junk.
func stripPrefixNoise(s string) string {
	end := len(s)
	start := end
	for start > 0 && s[start-1] >= '0' && s[start-1] <= '9' {
		start--
	}
	if end-start >= 12 {
		return s[end-12:]
	}
	return s // left as is: ParseID says what is wrong
}

// stripLabel drops a leading "LABEL:" a scanner may add to a field
// ("CMND: 123456789").
func stripLabel(s string) string {
	if i := strings.IndexByte(s, ':'); i >= 0 && i <= 16 {
		label := s[:i]
		if strings.IndexFunc(label, func(r rune) bool { return !unicode.IsLetter(r) && r != ' ' && r != '.' }) < 0 {
			return strings.TrimFunc(s[i+1:], isNoise)
		}
	}
	return s
}

// qrLabels are the labels scanners and apps put before QR fields, folded
// (Fold): only these are taken off a free-text field, whose value may
// itself hold a colon.
var qrLabels = []string{
	"ho ten", "ho va ten", "ten", "ngay sinh", "gioi tinh", "noi thuong tru", "noi cu tru", "dia chi",
	"ngay cap", "ngay cap cccd", "so cmnd", "cmnd", "so cccd", "cccd", "so dinh danh", "ho ten cha", "ho ten me",
	"cha", "me", "name", "full name", "date of birth", "dob", "sex", "gender", "address", "issue date",
	"father", "mother",
}

// stripKnownLabel drops a leading "LABEL:" when LABEL is a known label.
func stripKnownLabel(s string) string {
	if i := strings.IndexByte(s, ':'); i >= 0 && i <= 24 {
		label := Fold(s[:i])
		for _, l := range qrLabels {
			if label == l {
				return strings.TrimFunc(s[i+1:], isNoise)
			}
		}
	}
	return s
}

// String formats the payload as the card prints it, so ParseQR(q.String())
// gives q back. Dates are DDMMYYYY (a year-only date is 0000YYYY).
func (q QRData) String() string {
	fields := []string{q.ID, q.OldID, q.FullName, dmy(q.DateOfBirth), q.Sex.Vietnamese(), q.Address, dmy(q.IssueDate)}
	fields = append(fields, q.Extra...)
	return strings.Join(fields, "|")
}

func dmy(d Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d%02d%04d", d.Day, d.Month, d.Year)
}

// Citizen returns the fields the QR carries as a Citizen (the rest empty).
func (q QRData) Citizen() Citizen {
	return Citizen{
		ID:               q.ID,
		OldID:            q.OldID,
		FullName:         q.FullName,
		DateOfBirth:      q.DateOfBirth,
		Sex:              q.Sex,
		PlaceOfResidence: q.Address,
		IssueDate:        q.IssueDate,
		Father:           q.Father,
		Mother:           q.Mother,
	}
}

// Generation is the card generation the QR's issue date gives.
func (q QRData) Generation() Generation { return GenerationOn(q.IssueDate) }

// QRFromCitizen is the QR payload a 2021 card printed for c would carry.
func QRFromCitizen(c Citizen) QRData {
	return QRData{
		ID:          c.ID,
		OldID:       c.OldID,
		FullName:    c.FullName,
		DateOfBirth: c.DateOfBirth,
		Sex:         c.Sex,
		Address:     c.PlaceOfResidence,
		IssueDate:   c.IssueDate,
	}
}

package cccd

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"motcua/cardreader/tlv"
)

// DG13 field numbers (the INTEGER that opens each field's SEQUENCE), as
// public parsers of real cards agree (docs/reference/cccd-tech.md §1.2).
const (
	DG13ID               = 1
	DG13FullName         = 2
	DG13DateOfBirth      = 3
	DG13Sex              = 4
	DG13Nationality      = 5
	DG13Ethnicity        = 6
	DG13Religion         = 7
	DG13PlaceOfOrigin    = 8
	DG13PlaceOfResidence = 9
	DG13IdentifyingMarks = 10
	DG13IssueDate        = 11
	DG13ExpiryDate       = 12
	DG13Parents          = 13
	DG13Spouse           = 14
	DG13OldID            = 15
	DG13Field16          = 16 // meaning unconfirmed: opaque, or the old ID on some cards
)

// NoExpiryText is what field 12 holds on a card that does not expire.
const NoExpiryText = "Không thời hạn"

// DG13 tags and the OID that labels the content as UTF-8 (ISO/IEC 10646).
const (
	tagDG13      = 0x6D
	tagSequence  = 0x30
	tagSet       = 0x31
	tagInteger   = 0x02
	tagOID       = 0x06
	tagUTF8      = 0x0C
	tagPrintable = 0x13
	tagIA5       = 0x16
	dg13Version  = 1
)

var oidUTF8Level = []byte{0x28, 0xD3, 0x16, 0x01, 0x00, 0x08} // 1.0.10646.1.0.8

// ErrDG13 matches every DG13 parsing error with errors.Is.
var ErrDG13 = errors.New("cccd: malformed DG13")

// DG13Error reports what is wrong with a DG13 file, and in which field (0
// for the container). It never carries the field's value.
type DG13Error struct {
	Field  int    // 1-16, or 0 for the container
	Reason string // what is wrong, without the value
	Err    error  // underlying error (e.g. a tlv sentinel), may be nil
}

// Error names the field and the problem, never the value.
func (e *DG13Error) Error() string {
	s := "cccd: DG13"
	if e.Field != 0 {
		s += " field " + strconv.Itoa(e.Field)
	}
	s += ": " + e.Reason
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns both ErrDG13 and the underlying error, so errors.Is matches
// either.
func (e *DG13Error) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrDG13, e.Err}
	}
	return []error{ErrDG13}
}

func dg13Err(field int, reason string, err error) error {
	return &DG13Error{Field: field, Reason: reason, Err: err}
}

// ParseDG13 decodes the Vietnamese DG13 file (starting with tag 6D):
//
//	6D { SEQUENCE { INTEGER 1, OID 1.0.10646.1.0.8, SET { SEQUENCE { INTEGER n, value } … } } }
//
// Fields are keyed by their INTEGER, in any order; any may be missing.
// Field 13 (parents) may hold its two names in separate SEQUENCEs or one
// nested SEQUENCE: the first string found depth-first is the father, the
// second the mother. A 9- or 12-digit field 16 is taken as the old ID when
// field 15 is absent. Text comes back in NFC.
func ParseDG13(b []byte) (Citizen, error) {
	var c Citizen
	fields, err := dg13Fields(b)
	if err != nil {
		return c, err
	}
	text := func(n int) (string, bool, error) {
		v, ok := fields[n]
		if !ok {
			return "", false, nil
		}
		s, err := firstString(v)
		if err != nil {
			return "", true, dg13Err(n, "bad value", err)
		}
		return s, true, nil
	}
	for _, f := range []struct {
		n   int
		dst *string
	}{
		{DG13ID, &c.ID}, {DG13FullName, &c.FullName}, {DG13Nationality, &c.Nationality},
		{DG13Ethnicity, &c.Ethnicity}, {DG13Religion, &c.Religion}, {DG13PlaceOfOrigin, &c.PlaceOfOrigin},
		{DG13PlaceOfResidence, &c.PlaceOfResidence}, {DG13IdentifyingMarks, &c.IdentifyingMarks},
		{DG13OldID, &c.OldID},
	} {
		s, _, err := text(f.n)
		if err != nil {
			return Citizen{}, err
		}
		*f.dst = s
	}
	if s, ok, err := text(DG13Field16); err != nil {
		return Citizen{}, err
	} else if ok && c.OldID == "" && isOldID(s) {
		c.OldID = s
	}
	for _, f := range []struct {
		n   int
		dst *Date
	}{{DG13DateOfBirth, &c.DateOfBirth}, {DG13IssueDate, &c.IssueDate}} {
		s, _, err := text(f.n)
		if err != nil {
			return Citizen{}, err
		}
		if s == "" {
			continue
		}
		d, err := ParseDMY(s)
		if err != nil {
			return Citizen{}, dg13Err(f.n, "not a date", ErrBadDate)
		}
		*f.dst = d
	}
	if s, _, err := text(DG13ExpiryDate); err != nil {
		return Citizen{}, err
	} else if s != "" {
		if strings.EqualFold(s, NoExpiryText) {
			c.NoExpiry = true
		} else if d, err := ParseDMY(s); err == nil {
			c.ExpiryDate = d
		} else {
			return Citizen{}, dg13Err(DG13ExpiryDate, "neither a date nor the no-expiry text", ErrBadDate)
		}
	}
	if s, _, err := text(DG13Sex); err != nil {
		return Citizen{}, err
	} else if s != "" {
		sex, ok := ParseSex(s)
		if !ok {
			return Citizen{}, dg13Err(DG13Sex, "unknown sex value", ErrBadSex)
		}
		c.Sex = sex
	}
	if v, ok := fields[DG13Parents]; ok {
		names, err := allStrings(v)
		if err != nil {
			return Citizen{}, dg13Err(DG13Parents, "bad value", err)
		}
		if len(names) > 0 {
			c.Father = names[0]
		}
		if len(names) > 1 {
			c.Mother = names[1]
		}
	}
	if s, _, err := text(DG13Spouse); err != nil {
		return Citizen{}, err
	} else {
		c.Spouse = s
	}
	return c, nil
}

func isOldID(s string) bool {
	if len(s) != 9 && len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// dg13Fields walks the container and returns each field's content after its
// INTEGER, keyed by field number.
func dg13Fields(b []byte) (map[int][]byte, error) {
	body, _, err := tlv.Expect(b, tagDG13)
	if err != nil {
		return nil, dg13Err(0, "no 6D container", err)
	}
	seq, _, err := tlv.Expect(body, tagSequence)
	if err != nil {
		return nil, dg13Err(0, "no SEQUENCE", err)
	}
	items, err := tlv.DecodeAll(seq)
	if err != nil {
		return nil, dg13Err(0, "bad SEQUENCE", err)
	}
	var set []byte
	found := false
	for _, it := range items {
		switch it.Tag {
		case tagOID:
			if !bytes.Equal(it.Value, oidUTF8Level) {
				return nil, dg13Err(0, "unknown encoding OID", nil)
			}
		case tagSet:
			if found {
				return nil, dg13Err(0, "two field SETs", nil)
			}
			set, found = it.Value, true
		}
	}
	if !found {
		return nil, dg13Err(0, "no field SET", nil)
	}
	entries, err := tlv.DecodeAll(set)
	if err != nil {
		return nil, dg13Err(0, "bad field SET", err)
	}
	fields := make(map[int][]byte, len(entries))
	for _, e := range entries {
		if e.Tag != tagSequence {
			return nil, dg13Err(0, fmt.Sprintf("field entry with tag %X", e.Tag), nil)
		}
		nv, rest, err := tlv.Expect(e.Value, tagInteger)
		if err != nil {
			return nil, dg13Err(0, "field without number", err)
		}
		n, ok := smallInt(nv)
		if !ok {
			return nil, dg13Err(0, "bad field number", nil)
		}
		if _, dup := fields[n]; dup {
			return nil, dg13Err(n, "appears twice", nil)
		}
		fields[n] = rest
	}
	return fields, nil
}

// smallInt decodes a non-negative DER INTEGER of at most two bytes.
func smallInt(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 2 || b[0]&0x80 != 0 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		n = n<<8 | int(c)
	}
	return n, true
}

// firstString returns the first string found depth-first in b, or "".
func firstString(b []byte) (string, error) {
	var out []string
	if err := walkStrings(b, &out, 1, 0); err != nil {
		return "", err
	}
	if len(out) == 0 {
		return "", nil
	}
	return out[0], nil
}

// allStrings returns every string found depth-first in b.
func allStrings(b []byte) ([]string, error) {
	var out []string
	err := walkStrings(b, &out, -1, 0)
	return out, err
}

// errNotText reports a string value that is not valid text for its type.
var errNotText = errors.New("invalid text encoding")

// errTooDeep reports nesting deeper than any real DG13 has.
var errTooDeep = errors.New("nesting too deep")

func walkStrings(b []byte, out *[]string, limit, depth int) error {
	if depth > 8 {
		return errTooDeep
	}
	for len(b) > 0 {
		if limit >= 0 && len(*out) >= limit {
			return nil
		}
		t, rest, err := tlv.Decode(b)
		if err != nil {
			return err
		}
		b = rest
		switch {
		case t.Tag == tagUTF8 || t.Tag == tagPrintable || t.Tag == tagIA5:
			if !utf8.Valid(t.Value) || (t.Tag != tagUTF8 && !isASCII(t.Value)) {
				return errNotText
			}
			*out = append(*out, NormalizeText(string(t.Value)))
		case t.Constructed():
			if err := walkStrings(t.Value, out, limit, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// DG13Option changes how EncodeDG13 lays out the file, so tests and fixtures
// can produce every shape real cards are reported to use.
type DG13Option func(*dg13Config)

type dg13Config struct {
	nestedParents bool
	oldIDIn16     bool
	field16       string
	order         []int
	omit          map[int]bool
	nfd           bool
	yearOnlyZeros bool
}

// WithNestedParents writes field 13 as one nested SEQUENCE holding both
// names, instead of one SEQUENCE per parent.
func WithNestedParents() DG13Option { return func(c *dg13Config) { c.nestedParents = true } }

// WithOldIDInField16 writes the old ID in field 16 instead of field 15.
func WithOldIDInField16() DG13Option { return func(c *dg13Config) { c.oldIDIn16 = true } }

// WithField16 writes s (an opaque PrintableString) as field 16.
func WithField16(s string) DG13Option { return func(c *dg13Config) { c.field16 = s } }

// WithFieldOrder writes the fields in the given order; fields not listed
// follow in ascending order.
func WithFieldOrder(order ...int) DG13Option { return func(c *dg13Config) { c.order = order } }

// WithoutFields leaves the given fields out entirely.
func WithoutFields(fields ...int) DG13Option {
	return func(c *dg13Config) {
		if c.omit == nil {
			c.omit = map[int]bool{}
		}
		for _, f := range fields {
			c.omit[f] = true
		}
	}
}

// WithDecomposedText writes text in NFD, as some encoders do; ParseDG13
// returns NFC either way.
func WithDecomposedText() DG13Option { return func(c *dg13Config) { c.nfd = true } }

// WithYearOnlyAsZeros writes a year-only date as 00/00/YYYY instead of YYYY.
func WithYearOnlyAsZeros() DG13Option { return func(c *dg13Config) { c.yearOnlyZeros = true } }

// EncodeDG13 builds a DG13 file for c in the layout ParseDG13 reads. Field
// 14 is the empty SEQUENCE {INTEGER 14} when there is no spouse; field 15 is
// present only with an old ID. Lengths take the long form when needed.
func EncodeDG13(c Citizen, opts ...DG13Option) []byte {
	var cfg dg13Config
	for _, o := range opts {
		o(&cfg)
	}
	txt := func(s string) string {
		if cfg.nfd {
			return norm.NFD.String(s)
		}
		return s
	}
	utf := func(s string) []byte { return tlv.Encode(tagUTF8, []byte(txt(s))) }
	prn := func(s string) []byte {
		if !isASCII([]byte(s)) { // not printable: keep the text rather than corrupt it
			return tlv.Encode(tagUTF8, []byte(s))
		}
		return tlv.Encode(tagPrintable, []byte(s))
	}
	date := func(d Date) string {
		if d.YearOnly() && cfg.yearOnlyZeros {
			return "00/00/" + d.String()
		}
		return d.String()
	}
	expiry := date(c.ExpiryDate)
	if c.NoExpiry {
		expiry = NoExpiryText
	}
	values := map[int][][]byte{
		DG13ID:               {prn(c.ID)},
		DG13FullName:         {utf(c.FullName)},
		DG13DateOfBirth:      {prn(date(c.DateOfBirth))},
		DG13Sex:              {utf(c.Sex.Vietnamese())},
		DG13Nationality:      {utf(c.Nationality)},
		DG13Ethnicity:        {utf(c.Ethnicity)},
		DG13Religion:         {utf(c.Religion)},
		DG13PlaceOfOrigin:    {utf(c.PlaceOfOrigin)},
		DG13PlaceOfResidence: {utf(c.PlaceOfResidence)},
		DG13IdentifyingMarks: {utf(c.IdentifyingMarks)},
		DG13IssueDate:        {prn(date(c.IssueDate))},
		DG13ExpiryDate:       {utf(expiry)},
		DG13Spouse:           nil,
	}
	if cfg.nestedParents {
		values[DG13Parents] = [][]byte{tlv.Nest(tagSequence, tlv.Nest(tagSequence, utf(c.Father)), tlv.Nest(tagSequence, utf(c.Mother)))}
	} else {
		values[DG13Parents] = [][]byte{tlv.Nest(tagSequence, utf(c.Father)), tlv.Nest(tagSequence, utf(c.Mother))}
	}
	if c.Spouse != "" {
		values[DG13Spouse] = [][]byte{tlv.Nest(tagSequence, utf(c.Spouse))}
	}
	if c.OldID != "" {
		if cfg.oldIDIn16 {
			values[DG13Field16] = [][]byte{prn(c.OldID)}
		} else {
			values[DG13OldID] = [][]byte{prn(c.OldID)}
		}
	}
	if cfg.field16 != "" && !cfg.oldIDIn16 {
		values[DG13Field16] = [][]byte{prn(cfg.field16)}
	}
	order := append([]int(nil), cfg.order...)
	listed := map[int]bool{}
	for _, n := range order {
		listed[n] = true
	}
	for n := 1; n <= 16; n++ {
		if !listed[n] {
			order = append(order, n)
		}
	}
	var set []byte
	for _, n := range order {
		v, ok := values[n]
		if !ok || cfg.omit[n] {
			continue
		}
		parts := append([][]byte{tlv.Encode(tagInteger, []byte{byte(n)})}, v...)
		set = append(set, tlv.Nest(tagSequence, parts...)...)
	}
	return tlv.Nest(tagDG13, tlv.Nest(tagSequence,
		tlv.Encode(tagInteger, []byte{dg13Version}),
		tlv.Encode(tagOID, oidUTF8Level),
		tlv.Nest(tagSet, set)))
}

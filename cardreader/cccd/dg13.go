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

// DG13 is a decoded DG13 file: the citizen, the file's version and what
// was odd about it without stopping the read.
type DG13 struct {
	// Version is the INTEGER before the encoding OID (1 on every card seen).
	Version int
	// Citizen holds the fields read; those that could not be are in
	// Citizen.Unparsed with their reason and raw text.
	Citizen Citizen
	// Unknown lists field numbers no row of the card field table describes
	// (field 16 when it is not an old ID, or a number beyond 16); their
	// content is left alone.
	Unknown []int
	// Notes name oddities of the container that did not stop the read
	// ("unknown encoding OID"), never a value.
	Notes []string
}

// ParseDG13 decodes the Vietnamese DG13 file and returns its citizen; see
// DecodeDG13.
func ParseDG13(b []byte) (Citizen, error) {
	d, err := DecodeDG13(b)
	if err != nil {
		return Citizen{}, err
	}
	return d.Citizen, nil
}

// DecodeDG13 decodes the Vietnamese DG13 file (starting with tag 6D):
//
//	6D { SEQUENCE { INTEGER 1, OID 1.0.10646.1.0.8, SET { SEQUENCE { INTEGER n, value } … } } }
//
// It fails soft, field by field: only a file whose container cannot be
// walked is an error (*DG13Error). A field whose value does not read (an
// unknown date form, odd wording, a field number given twice with
// different values, a value that is not text) is marked in
// Citizen.Unparsed with its reason and raw text, and everything else is
// read. An unknown OID or field number is noted, not refused. Passive
// authentication covers the raw bytes either way.
//
// Fields are keyed by their INTEGER, in any order; any may be missing.
// Field 13 (parents) may hold its two names in separate SEQUENCEs or one
// nested SEQUENCE: the first string found depth-first is the father, the
// second the mother. A 9- or 12-digit field 16 is taken as the old ID when
// field 15 is absent. Text comes back in NFC.
func DecodeDG13(b []byte) (*DG13, error) {
	d := &DG13{}
	fields, order, err := dg13Fields(b, d)
	if err != nil {
		return nil, err
	}
	c := &d.Citizen
	known := map[int]bool{}
	for i := range CardFields {
		f := &CardFields[i]
		if f.DG13 == 0 {
			continue
		}
		known[f.DG13] = true
		vs, ok := fields[f.DG13]
		if !ok {
			continue
		}
		at := "field " + strconv.Itoa(f.DG13) + ": "
		strs, err := allStrings(vs[0])
		if err != nil {
			c.markUnparsed(f.Path, at+"not readable text", printable(vs[0]))
			continue
		}
		raw := ""
		if f.DG13Part < len(strs) {
			raw = strs[f.DG13Part]
		}
		if len(strs) > f.DG13Part+1 && f.Kind != KindText && f.DG13 != DG13Parents {
			c.markUnparsed(f.Path, at+"more than one value", strings.Join(strs, " | "))
			continue
		}
		if differ(vs) {
			c.markUnparsed(f.Path, at+"appears twice with different values", raw)
			continue
		}
		if err := f.set(c, raw); err != nil {
			c.markUnparsed(f.Path, at+reasonOf(err), raw)
		}
	}
	if vs, ok := fields[DG13Field16]; ok {
		s, err := firstString(vs[0])
		if err == nil && c.OldID == "" && isOldID(s) && !differ(vs) {
			c.OldID = s
		} else {
			d.Unknown = append(d.Unknown, DG13Field16)
		}
	}
	for _, n := range order {
		if !known[n] && n != DG13Field16 {
			d.Unknown = append(d.Unknown, n)
		}
	}
	return d, nil
}

// reasonOf turns a parsing error into a reason without the value.
func reasonOf(err error) string {
	switch {
	case errors.Is(err, ErrBadDate):
		return "not a date"
	case errors.Is(err, ErrBadSex):
		return "unknown sex value"
	case errors.Is(err, ErrBadOldID):
		return "not an old ID number"
	case errors.Is(err, ErrInvalidID):
		return "not a valid ID number"
	}
	return "unreadable"
}

// differ reports whether a field given more than once has different values.
func differ(vs [][]byte) bool {
	for _, v := range vs[1:] {
		if !bytes.Equal(v, vs[0]) {
			return true
		}
	}
	return false
}

// printable is the raw text of a value that did not read as a string, for
// the clerk to see: valid UTF-8 runs kept, the rest dropped.
func printable(b []byte) string {
	var out []string
	for len(b) > 0 {
		t, rest, err := tlv.Decode(b)
		if err != nil {
			break
		}
		b = rest
		if !t.Constructed() {
			if s := strings.ToValidUTF8(string(t.Value), ""); s != "" {
				out = append(out, NormalizeText(s))
			}
		} else if s := printable(t.Value); s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, " ")
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

// dg13Fields walks the container and returns each field's contents after
// its INTEGER (every occurrence, in file order), keyed by field number,
// and the field numbers in the order first seen. Only a container that
// cannot be walked is an error; oddities go to d.Notes.
func dg13Fields(b []byte, d *DG13) (map[int][][]byte, []int, error) {
	body, _, err := tlv.Expect(b, tagDG13)
	if err != nil {
		return nil, nil, dg13Err(0, "no 6D container", err)
	}
	seq, _, err := tlv.Expect(body, tagSequence)
	if err != nil {
		return nil, nil, dg13Err(0, "no SEQUENCE", err)
	}
	items, err := tlv.DecodeAll(seq)
	if err != nil {
		return nil, nil, dg13Err(0, "bad SEQUENCE", err)
	}
	var set []byte
	found := false
	for _, it := range items {
		switch it.Tag {
		case tagInteger:
			if v, ok := smallInt(it.Value); ok && d.Version == 0 {
				d.Version = v
				if v != dg13Version {
					d.Notes = append(d.Notes, "version "+strconv.Itoa(v))
				}
			}
		case tagOID:
			if !bytes.Equal(it.Value, oidUTF8Level) {
				d.Notes = append(d.Notes, "unknown encoding OID")
			}
		case tagSet:
			if found {
				d.Notes = append(d.Notes, "a second field SET, ignored")
				continue
			}
			set, found = it.Value, true
		}
	}
	if !found {
		return nil, nil, dg13Err(0, "no field SET", nil)
	}
	entries, err := tlv.DecodeAll(set)
	if err != nil {
		return nil, nil, dg13Err(0, "bad field SET", err)
	}
	fields := make(map[int][][]byte, len(entries))
	var order []int
	for _, e := range entries {
		if e.Tag != tagSequence {
			d.Notes = append(d.Notes, fmt.Sprintf("field entry with tag %X, ignored", e.Tag))
			continue
		}
		nv, rest, err := tlv.Expect(e.Value, tagInteger)
		if err != nil {
			d.Notes = append(d.Notes, "field without number, ignored")
			continue
		}
		n, ok := smallInt(nv)
		if !ok {
			d.Notes = append(d.Notes, "bad field number, ignored")
			continue
		}
		if _, seen := fields[n]; !seen {
			order = append(order, n)
		}
		fields[n] = append(fields[n], rest)
	}
	return fields, order, nil
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
	raw           map[int]string
	extra         [][2]any
	oid           []byte
}

// WithRawField writes text (a UTF8String) as field n's value instead of
// the citizen's: how fault fixtures give a card a wording or a date form
// the reader must survive.
func WithRawField(n int, text string) DG13Option {
	return func(c *dg13Config) {
		if c.raw == nil {
			c.raw = map[int]string{}
		}
		c.raw[n] = text
	}
}

// WithExtraField appends one more field n holding text (a UTF8String)
// after the others: an unknown field number, or a field given twice.
func WithExtraField(n int, text string) DG13Option {
	return func(c *dg13Config) { c.extra = append(c.extra, [2]any{n, text}) }
}

// WithEncodingOID writes oid (DER content bytes) instead of the UTF-8
// level OID.
func WithEncodingOID(oid []byte) DG13Option { return func(c *dg13Config) { c.oid = oid } }

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
		switch {
		case d.YearOnly() && cfg.yearOnlyZeros:
			return "00/00/" + d.String()
		case d.MonthYear() && cfg.yearOnlyZeros:
			return "00/" + d.String()
		}
		return d.String()
	}
	// One value per field from the card field table; the parents' field
	// and the spouse's wrap their names in SEQUENCEs.
	values := map[int][][]byte{}
	var parents [][]byte
	for i := range CardFields {
		f := &CardFields[i]
		if f.DG13 == 0 {
			continue
		}
		var v []byte
		switch f.Kind {
		case KindID, KindOldID:
			if *f.text(&c) == "" {
				continue
			}
			v = prn(*f.text(&c))
		case KindDate:
			v = prn(date(*f.date(&c)))
		case KindExpiry:
			e := date(c.ExpiryDate)
			if c.NoExpiry {
				e = NoExpiryText
			}
			v = utf(e)
		case KindSex:
			v = utf(c.Sex.Vietnamese())
		default:
			v = utf(*f.text(&c))
		}
		switch f.DG13 {
		case DG13Parents:
			parents = append(parents, v)
		case DG13Spouse:
			values[DG13Spouse] = nil
			if c.Spouse != "" {
				values[DG13Spouse] = [][]byte{tlv.Nest(tagSequence, v)}
			}
		default:
			values[f.DG13] = [][]byte{v}
		}
	}
	if cfg.nestedParents {
		values[DG13Parents] = [][]byte{tlv.Nest(tagSequence, tlv.Nest(tagSequence, parents[0]), tlv.Nest(tagSequence, parents[1]))}
	} else {
		values[DG13Parents] = [][]byte{tlv.Nest(tagSequence, parents[0]), tlv.Nest(tagSequence, parents[1])}
	}
	if c.OldID != "" && cfg.oldIDIn16 {
		values[DG13Field16] = values[DG13OldID]
		delete(values, DG13OldID)
	}
	if cfg.field16 != "" && !cfg.oldIDIn16 {
		values[DG13Field16] = [][]byte{prn(cfg.field16)}
	}
	for n, text := range cfg.raw {
		values[n] = [][]byte{tlv.Encode(tagUTF8, []byte(text))}
	}
	order := append([]int(nil), cfg.order...)
	listed := map[int]bool{}
	for _, n := range order {
		listed[n] = true
	}
	for n := 1; n <= 16; n++ {
		if !listed[n] && !cfg.omit[n] {
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
	for _, e := range cfg.extra {
		set = append(set, tlv.Nest(tagSequence, tlv.Encode(tagInteger, []byte{byte(e[0].(int))}), tlv.Encode(tagUTF8, []byte(e[1].(string))))...)
	}
	oid := oidUTF8Level
	if cfg.oid != nil {
		oid = cfg.oid
	}
	return tlv.Nest(tagDG13, tlv.Nest(tagSequence,
		tlv.Encode(tagInteger, []byte{dg13Version}),
		tlv.Encode(tagOID, oid),
		tlv.Nest(tagSet, set)))
}

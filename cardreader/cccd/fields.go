package cccd

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Kind is what a card field holds; it decides how the field is read from
// DG13 or the QR, how it is stored and how a form shows it.
type Kind string

// The kinds of card field.
const (
	KindText   Kind = "text"   // free text (names, places), NFC
	KindID     Kind = "id"     // the 12-digit personal ID number
	KindOldID  Kind = "old-id" // the former 9- or 12-digit CMND number
	KindDate   Kind = "date"   // a civil date, possibly partial
	KindExpiry Kind = "expiry" // a date, or one of the no-expiry wordings
	KindSex    Kind = "sex"    // Nam / Nữ
	KindCard   Kind = "card"   // follows from the card generation, not from a field
)

// CardField is one row of the card field table: everything the reader, the
// encoder, the catalog and the form need to know about one field a card
// carries. Adding a card field is adding a row here (and its tests).
type CardField struct {
	// Path is the name the catalog's prefill uses ("citizen.fullName").
	Path string
	// DG13 is the field number in DG13 (1-16); 0 when DG13 does not hold it.
	DG13 int
	// DG13Part is which string inside the DG13 field (field 13 holds the
	// father's name first, then the mother's).
	DG13Part int
	// QR is the 1-based position of the field in the printed QR payload; 0
	// when the QR does not carry it. Positions past 7 exist only on the 2024
	// Căn cước card.
	QR int
	// Implied marks a value known without reading a field: the nationality
	// (only Vietnamese citizens hold the card) and the generation's document
	// type and issuer.
	Implied bool
	// Kind says how the field is parsed and stored.
	Kind Kind

	text func(*Citizen) *string            // KindText, KindID, KindOldID
	date func(*Citizen) *Date              // KindDate
	get  func(*Citizen, Generation) string // KindCard and implied values
}

// CardFields is the card field table, in DG13 order.
var CardFields = []CardField{
	{Path: "citizen.id", DG13: DG13ID, QR: 1, Kind: KindID, text: func(c *Citizen) *string { return &c.ID }},
	{Path: "citizen.fullName", DG13: DG13FullName, QR: 3, Kind: KindText, text: func(c *Citizen) *string { return &c.FullName }},
	{Path: "citizen.dateOfBirth", DG13: DG13DateOfBirth, QR: 4, Kind: KindDate, date: func(c *Citizen) *Date { return &c.DateOfBirth }},
	{Path: "citizen.sex", DG13: DG13Sex, QR: 5, Kind: KindSex},
	{Path: "citizen.nationality", DG13: DG13Nationality, Implied: true, Kind: KindText, text: func(c *Citizen) *string { return &c.Nationality },
		get: func(c *Citizen, _ Generation) string {
			if c.Nationality == "" {
				return "Việt Nam" // the card is issued to Vietnamese citizens only
			}
			return NormalizeText(c.Nationality)
		}},
	{Path: "citizen.ethnicity", DG13: DG13Ethnicity, Kind: KindText, text: func(c *Citizen) *string { return &c.Ethnicity }},
	{Path: "citizen.religion", DG13: DG13Religion, Kind: KindText, text: func(c *Citizen) *string { return &c.Religion }},
	{Path: "citizen.placeOfOrigin", DG13: DG13PlaceOfOrigin, Kind: KindText, text: func(c *Citizen) *string { return &c.PlaceOfOrigin }},
	{Path: "citizen.placeOfResidence", DG13: DG13PlaceOfResidence, QR: 6, Kind: KindText, text: func(c *Citizen) *string { return &c.PlaceOfResidence }},
	{Path: "citizen.identifyingMarks", DG13: DG13IdentifyingMarks, Kind: KindText, text: func(c *Citizen) *string { return &c.IdentifyingMarks }},
	{Path: "citizen.issueDate", DG13: DG13IssueDate, QR: 7, Kind: KindDate, date: func(c *Citizen) *Date { return &c.IssueDate }},
	{Path: "citizen.expiryDate", DG13: DG13ExpiryDate, Kind: KindExpiry},
	{Path: "citizen.father", DG13: DG13Parents, QR: 8, Kind: KindText, text: func(c *Citizen) *string { return &c.Father }},
	{Path: "citizen.mother", DG13: DG13Parents, DG13Part: 1, QR: 9, Kind: KindText, text: func(c *Citizen) *string { return &c.Mother }},
	{Path: "citizen.spouse", DG13: DG13Spouse, Kind: KindText, text: func(c *Citizen) *string { return &c.Spouse }},
	{Path: "citizen.oldId", DG13: DG13OldID, QR: 2, Kind: KindOldID, text: func(c *Citizen) *string { return &c.OldID }},
	{Path: "card.documentType", Implied: true, Kind: KindCard, get: func(_ *Citizen, g Generation) string { return g.Info().DocumentType }},
	{Path: "card.issuer", Implied: true, Kind: KindCard, get: func(_ *Citizen, g Generation) string { return g.Info().Issuer }},
}

// Field returns the row for path.
func Field(path string) (*CardField, bool) {
	for i := range CardFields {
		if CardFields[i].Path == path {
			return &CardFields[i], true
		}
	}
	return nil, false
}

// JSONName is the field's name in Citizen's JSON ("fullName"), which
// cross-checks and mismatch reports use; "" for a card-level row.
func (f *CardField) JSONName() string {
	s, ok := strings.CutPrefix(f.Path, "citizen.")
	if !ok {
		return ""
	}
	return s
}

// Carried reports whether a read carries the field: a chip read every DG13
// field, a QR read the positions among its qrFields fields; implied values
// always.
func (f *CardField) Carried(fromChip bool, qrFields int) bool {
	switch {
	case f.Implied:
		return true
	case fromChip:
		return f.DG13 != 0
	}
	return f.QR != 0 && f.QR <= qrFields
}

// Value returns the field's value in c in stored form: text in NFC, dates
// as YYYY-MM-DD (or YYYY-MM, YYYY), sex as "male"/"female". An unparsed
// field's value is "" (its raw text is in c.Unparsed).
func (f *CardField) Value(c *Citizen, g Generation) string {
	switch {
	case f.get != nil:
		return f.get(c, g)
	case f.date != nil:
		return f.date(c).ISO()
	case f.Kind == KindSex:
		b, _ := c.Sex.MarshalText()
		return string(b)
	case f.Kind == KindExpiry:
		return c.ExpiryDate.ISO()
	case f.text != nil:
		return NormalizeText(*f.text(c))
	}
	return ""
}

// set stores raw text read from a card (DG13 or the QR) into c, or says
// why it cannot: the error is a sentinel (ErrBadDate, ErrBadSex, …) and
// never holds the text.
func (f *CardField) set(c *Citizen, raw string) error {
	raw = NormalizeText(raw)
	switch f.Kind {
	case KindDate:
		if raw == "" {
			return nil
		}
		d, err := ParseDMY(raw)
		if err != nil {
			return err
		}
		*f.date(c) = d
	case KindExpiry:
		if raw == "" {
			return nil
		}
		d, none, err := ParseExpiry(raw)
		if err != nil {
			return err
		}
		c.ExpiryDate, c.NoExpiry = d, none
	case KindSex:
		if raw == "" {
			return nil
		}
		s, ok := ParseSex(raw)
		if !ok {
			return ErrBadSex
		}
		c.Sex = s
	case KindID:
		if raw != "" {
			if _, err := ParseID(raw); err != nil {
				return err
			}
		}
		*f.text(c) = raw
	case KindOldID:
		if raw != "" && !isOldID(raw) {
			return ErrBadOldID
		}
		*f.text(c) = raw
	default:
		if f.text != nil {
			*f.text(c) = raw
		}
	}
	return nil
}

// Unparsed is a card field the reader could not read: the card is read all
// the same, and the form asks the clerk for just this field. Raw is the
// text as the card holds it (personal data: never log it).
type Unparsed struct {
	Reason string `json:"reason"`        // what is wrong, without the value
	Raw    string `json:"raw,omitempty"` // the field's text, "" when it was not text
}

// markUnparsed records that path could not be read.
func (c *Citizen) markUnparsed(path, reason, raw string) {
	if c.Unparsed == nil {
		c.Unparsed = map[string]Unparsed{}
	}
	c.Unparsed[path] = Unparsed{Reason: reason, Raw: raw}
}

// NoExpiryWordings are the expiry texts seen on cards that do not expire,
// compared without case and diacritics.
var NoExpiryWordings = []string{"khong thoi han", "vo thoi han"}

// NoExpiryFrom is the date from which an expiry is taken to mean "no
// expiry": some cards write a far-future date such as 31/12/2099 instead
// of the wording.
var NoExpiryFrom = Date{Year: 2099, Month: 12, Day: 31}

// ParseExpiry reads DG13's expiry field: a date (DD/MM/YYYY, or partial)
// or a no-expiry wording ("Không thời hạn", "Vô thời hạn", in any case,
// with or without diacritics), or a far-future date (NoExpiryFrom or
// later), which also means the card does not expire.
func ParseExpiry(s string) (d Date, noExpiry bool, err error) {
	f := Fold(s)
	for _, w := range NoExpiryWordings {
		if f == w {
			return Date{}, true, nil
		}
	}
	d, err = ParseDMY(s)
	if err != nil {
		return Date{}, false, err
	}
	if !d.Before(NoExpiryFrom) {
		return Date{}, true, nil
	}
	return d, false, nil
}

// foldD writes đ as d; a Replacer is safe for concurrent use.
var foldD = strings.NewReplacer("đ", "d", "Đ", "d")

// Fold returns s without diacritics, đ as d, in lower case with white space
// folded: the form to compare card wordings written in any way.
func Fold(s string) string {
	// A transform.Chain keeps its buffers in itself, so it is built per call:
	// one shared by concurrent reads would race.
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	plain, _, err := transform.String(t, s)
	if err != nil {
		plain = s
	}
	plain = foldD.Replace(plain)
	return strings.ToLower(NormalizeText(plain))
}

// GenerationInfo is one row of the card generation table.
type GenerationInfo struct {
	Generation   Generation
	From         Date   // the first issue date of this generation
	Milestones   []int  // ages at which the card must be renewed; none after the last
	DocumentType string // as printed on the card
	Issuer       string // the issuing authority printed on the card
}

// Generations is the card generation table, oldest first: the CCCD (Luật
// CCCD 2014 Art. 21: renewal at 25, 40, 60; issued from 2016, with a chip
// from 2021; the chipless cards follow the same rules) and the Căn cước
// card issued from 1 July 2024 (Luật Căn cước 2023 Art. 21: also at 14).
var Generations = []GenerationInfo{
	{Generation: CCCD2021, From: Date{2016, 1, 1}, Milestones: []int{25, 40, 60},
		DocumentType: "Căn cước công dân", Issuer: "Cục Cảnh sát quản lý hành chính về trật tự xã hội"},
	{Generation: CanCuoc2024, From: Date{2024, 7, 1}, Milestones: []int{14, 25, 40, 60},
		DocumentType: "Căn cước", Issuer: "Bộ Công an"},
}

// Info returns g's row of the generation table (the zero row for
// GenerationUnknown).
func (g Generation) Info() GenerationInfo {
	for _, r := range Generations {
		if r.Generation == g {
			return r
		}
	}
	return GenerationInfo{}
}

// GenerationOn tells the card generation from its issue date: the latest
// generation issued by then. A zero issue date is GenerationUnknown; so is
// a date before the chip card.
func GenerationOn(issue Date) Generation {
	g := GenerationUnknown
	if issue.IsZero() {
		return g
	}
	for _, r := range Generations {
		if !issue.Before(r.From) {
			g = r.Generation
		}
	}
	return g
}

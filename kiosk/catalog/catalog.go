package catalog

import (
	"sort"
	"strconv"
	"strings"

	"motcua/cardreader/cccd"
)

// Text is a piece of text in Vietnamese and English. Vietnamese is the
// language of the form; English is for foreign residents and reviewers.
type Text struct {
	VI string `json:"vi"`
	EN string `json:"en"`
}

// In returns the text in lang ("vi" or "en"), falling back to Vietnamese.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.VI
}

// Kind tells a single procedure from a bundle of procedures.
type Kind string

// Kinds of catalog entries.
const (
	KindProcedure Kind = "procedure"
	KindBundle    Kind = "bundle" // an ordered chain of procedures filed from one intake
)

// CodeStatus says how much a procedure's national code can be trusted.
type CodeStatus string

const (
	// CodeReported is a code seen in public sources (docs/reference/procedures.md
	// §2.1), still to be checked against the national CSDL TTHC.
	CodeReported CodeStatus = "reported"
	// CodeUnknown means no reliable code was found; Code is empty and the
	// slug identifies the procedure.
	CodeUnknown CodeStatus = "unknown"
)

// Domain is the field (lĩnh vực) a procedure belongs to.
type Domain string

// Domains the catalog uses. The UI groups procedures by these.
const (
	DomainResidence       Domain = "residence"        // cư trú
	DomainCivilStatus     Domain = "civil-status"     // hộ tịch
	DomainIdentity        Domain = "identity"         // căn cước
	DomainSocialInsurance Domain = "social-insurance" // bảo hiểm xã hội, trợ cấp
	DomainHealthInsurance Domain = "health-insurance" // bảo hiểm y tế
	DomainJustice         Domain = "justice"          // lý lịch tư pháp
	DomainLabour          Domain = "labour"           // việc làm
	DomainTax             Domain = "tax"              // thuế
	DomainSocialWelfare   Domain = "social-welfare"   // bảo trợ xã hội
	DomainInterlinked     Domain = "interlinked"      // liên thông (bundles)
)

// DomainNames are the display names of the domains.
var DomainNames = map[Domain]Text{
	DomainResidence:       {"Cư trú", "Residence"},
	DomainCivilStatus:     {"Hộ tịch", "Civil status"},
	DomainIdentity:        {"Căn cước", "Identity card"},
	DomainSocialInsurance: {"Bảo hiểm xã hội", "Social insurance"},
	DomainHealthInsurance: {"Bảo hiểm y tế", "Health insurance"},
	DomainJustice:         {"Lý lịch tư pháp", "Criminal records"},
	DomainLabour:          {"Việc làm", "Employment"},
	DomainTax:             {"Thuế", "Tax"},
	DomainSocialWelfare:   {"Bảo trợ xã hội", "Social welfare"},
	DomainInterlinked:     {"Liên thông", "Interlinked procedures"},
}

// Level is the tier of government that decides a procedure. Since 1 July
// 2025 there is no district tier: commune and province remain.
type Level string

// Levels of government.
const (
	LevelCommune  Level = "commune"  // UBND / Công an cấp xã
	LevelProvince Level = "province" // provincial departments and services
	LevelCentral  Level = "central"  // ministries
)

// FieldType is the kind of value a field holds.
type FieldType string

// Field types. Each value type has its behaviour in a row of form.Types;
// the loader accepts no other.
const (
	TypeText        FieldType = "text"
	TypeDate        FieldType = "date"   // a civil date; year-only when YearOnlyAllowed
	TypeChoice      FieldType = "choice" // one of Options
	TypeIDNumber    FieldType = "idNumber"
	TypePhone       FieldType = "phone"
	TypeEmail       FieldType = "email"
	TypeAddress     FieldType = "address"
	TypeNumber      FieldType = "number"
	TypeBool        FieldType = "bool"
	TypeAttachment  FieldType = "attachment"  // holds the SHA-256 of an attached file
	TypePerson      FieldType = "person"      // a block of person fields, one card fills it
	TypePersonTable FieldType = "personTable" // rows of persons, each card adds a row
	// TypeTable is rows of values the citizen types, one row per line of
	// the paper form's table (the criminal-record request's residence
	// history: from, to, place, occupation, workplace). No card fills it.
	TypeTable FieldType = "table"
)

// TypeVehiclePlate is a Vietnamese vehicle registration plate (biển số xe),
// stored as 30A-123.45 or 29B1-123.45.
const TypeVehiclePlate FieldType = "vehiclePlate"

// Leaf reports whether the type holds a value itself (not a block).
func (t FieldType) Leaf() bool { return t != TypePerson && !t.Rows() }

// Rows reports whether the type is a table: rows of its sub-fields, the
// columns, addressed as "key[i].col".
func (t FieldType) Rows() bool { return t == TypePersonTable || t == TypeTable }

// Procedure is one administrative procedure (thủ tục hành chính), or a
// bundle of procedures when Kind is KindBundle.
type Procedure struct {
	Schema      int        `json:"schema"` // 1
	Slug        string     `json:"slug"`   // stable short name, e.g. "thuong-tru"
	Kind        Kind       `json:"kind"`
	Code        string     `json:"code,omitempty"` // national mã TTHC, e.g. "1.004222"
	CodeStatus  CodeStatus `json:"codeStatus"`
	Name        Text       `json:"name"`
	Domain      Domain     `json:"domain"`
	Level       Level      `json:"level"`
	Agency      Text       `json:"agency"`         // who decides, e.g. Công an cấp xã
	Form        Text       `json:"form,omitempty"` // the official form, e.g. "Mẫu CT01 (TT 66/2023/TT-BCA)"
	LegalBasis  []string   `json:"legalBasis,omitempty"`
	Help        Text       `json:"help"`
	Fee         Fee        `json:"fee"`
	Days        int        `json:"processingDays"` // working days from receipt to result
	Sections    []Section  `json:"sections,omitempty"`
	Attachments []Attach   `json:"attachments,omitempty"`
	// CardOrder lists the person blocks (and tables) a card goes to when the
	// caller does not say which: the first empty one that accepts the
	// holder's sex. Defaults to every person block, then every table, in
	// form order.
	CardOrder []string `json:"cardOrder,omitempty"`
	Steps     []Step   `json:"steps,omitempty"` // bundles only
	// Notes records what is uncertain about this entry ([verify] items).
	Notes string `json:"notes,omitempty"`

	file string // where it was loaded from, for messages
}

// File is the file the procedure was loaded from.
func (p *Procedure) File() string { return p.file }

// Ref is how dossiers name the procedure: the national code when known,
// otherwise the slug.
func (p *Procedure) Ref() string {
	if p.Code != "" {
		return p.Code
	}
	return p.Slug
}

// Fee is what the citizen pays, in đồng. Zero with a note is "free".
type Fee struct {
	AmountVND int  `json:"amountVND"`
	Note      Text `json:"note,omitempty"`
}

// Section is a titled group of fields, as on the paper form.
type Section struct {
	Key    string  `json:"key"`
	Title  Text    `json:"title"`
	Help   Text    `json:"help,omitempty"`
	Fields []Field `json:"fields"`
}

// Field is one entry on the form. Person and person-table fields hold
// sub-fields (Fields) instead of a value.
type Field struct {
	Key   string    `json:"key"`
	Label Text      `json:"label"`
	Type  FieldType `json:"type"`
	Help  Text      `json:"help,omitempty"`
	// Required makes the field mandatory; RequiredIf makes it mandatory
	// only when its condition holds. For a person block, Required means the
	// block must be filled; an optional block's sub-fields are checked only
	// once something is entered in it.
	Required   bool       `json:"required,omitempty"`
	RequiredIf *Condition `json:"requiredIf,omitempty"`
	// Prefill names where the value comes from when not typed: a card field
	// ("citizen.fullName", see PrefillPaths) for fields inside a person
	// block, or a kiosk value ("kiosk.agency", "kiosk.today") anywhere.
	Prefill         string   `json:"prefill,omitempty"`
	Options         []Option `json:"options,omitempty"`         // choice
	YearOnlyAllowed bool     `json:"yearOnlyAllowed,omitempty"` // date
	NotAfterToday   bool     `json:"notAfterToday,omitempty"`   // date: e.g. birth, death
	NotBeforeToday  bool     `json:"notBeforeToday,omitempty"`  // date: e.g. end of a stay
	// MinAge, on a date of birth, is the age in full years the person must
	// have reached today (marriage: 18 for the bride, 20 for the groom).
	// It is an eligibility rule, so it applies to chip values too.
	MinAge int `json:"minAge,omitempty"`
	// NotBefore, on a date, names another date field of the same form that
	// this one may not precede: an end after its start ("toDate" names
	// "fromDate"), a death after the birth. Like a condition, it names a
	// sibling in the same person block or table row when there is one, else
	// a top-level field or "block.sub".
	NotBefore string `json:"notBefore,omitempty"`
	// DefaultFrom proposes a value from other fields ("father.ethnicity",
	// then "mother.ethnicity"): the first non-empty one fills this field,
	// editable, until someone types here. A newborn's nationality, ethnicity
	// and home town follow a parent's card this way.
	DefaultFrom []string `json:"defaultFrom,omitempty"`
	// ShowAfter, on a top-level field, puts its row on screen right after
	// a sub-field of a person block of the same section ("block.sub"), as
	// the paper form numbers it: CT01 asks 7 the householder's name,
	// 8 the relation to the householder, 9 the householder's ID number.
	// Only the display moves; the value stays a top-level field.
	ShowAfter string `json:"showAfter,omitempty"`
	MaxLength int    `json:"maxLength,omitempty"` // text, address
	Min       *int   `json:"min,omitempty"`       // number
	Max       *int   `json:"max,omitempty"`       // number
	// Person blocks and tables.
	Role     string  `json:"role,omitempty"`     // the applicant role in the dossier, e.g. "wife"
	Sex      string  `json:"sex,omitempty"`      // "male" or "female": the only holder a card may be from
	Cardless bool    `json:"cardless,omitempty"` // the person cannot have a card yet (a newborn)
	Fields   []Field `json:"fields,omitempty"`   // sub-fields or table columns
	MinRows  int     `json:"minRows,omitempty"`  // tables
	MaxRows  int     `json:"maxRows,omitempty"`  // tables; 0 is no limit
}

// CardField returns the Citizen field a card prefills this field from
// ("fullName" for "citizen.fullName"), or "" when no card does.
func (f *Field) CardField() string {
	if s, ok := strings.CutPrefix(f.Prefill, "citizen."); ok {
		return s
	}
	return ""
}

// Identity reports whether the field holds data a card carries: such a field
// is never typed for a person whose card was read.
func (f *Field) Identity() bool { return f.CardField() != "" || strings.HasPrefix(f.Prefill, "card.") }

// Option is one choice of a choice field.
type Option struct {
	Value string `json:"value"`
	Label Text   `json:"label"`
}

// Condition is a RequiredIf rule: it holds when the named field equals one of
// In, or, with NotEmpty, when it has any value. Field names a sibling in the
// same person block or table row when there is one, else a top-level field.
type Condition struct {
	Field    string   `json:"field"`
	In       []string `json:"in,omitempty"`
	NotEmpty bool     `json:"notEmpty,omitempty"`
}

// Holds reports whether the condition is met by value v.
func (c *Condition) Holds(v string) bool {
	if c.NotEmpty {
		return v != ""
	}
	for _, x := range c.In {
		if v == x {
			return true
		}
	}
	return false
}

// Attach is a supporting document the procedure asks for.
type Attach struct {
	Key        string     `json:"key"`
	Name       Text       `json:"name"`
	Original   bool       `json:"original"` // bản chính; false is a copy (bản sao)
	Count      int        `json:"count"`    // how many
	Required   bool       `json:"required,omitempty"`
	RequiredIf *Condition `json:"requiredIf,omitempty"` // Field is a top-level path or "block.sub"
	Help       Text       `json:"help,omitempty"`
}

// Step is one procedure in a bundle. Carry copies values an earlier step
// collected (the child, the deceased) into this step's form.
type Step struct {
	Procedure string  `json:"procedure"` // slug
	Carry     []Carry `json:"carry,omitempty"`
	// Set fixes values of this step's form (provenance "system"), e.g. the
	// reason "death" for removing a deceased person's residence.
	Set map[string]string `json:"set,omitempty"`
	// Provided names this step's documents that an earlier step of the
	// bundle produces (attachment key → that step's slug), e.g. the death
	// extract that khai tử issues for xóa thường trú: the citizen is not
	// asked for them.
	Provided map[string]string `json:"provided,omitempty"`
}

// Carry copies one value or a whole person block from an earlier step. From
// is "slug:path" (e.g. "khai-sinh:child.fullName", or "khai-tu:deceased" for a
// block, whose sub-fields are copied by matching key); To is a path in this
// step.
type Carry struct {
	From string `json:"from"`
	// Or is used instead of From when From is empty: the father's block
	// when no mother's card was read.
	Or string `json:"or,omitempty"`
	To string `json:"to"`
}

// PrefillPaths are the card fields a Prefill may name, with the Reading
// sources that carry each. The QR code carries seven fields; the chip
// carries all of DG13.
var PrefillPaths = prefillPaths()

// prefillPaths lists the rows of the card field table (cccd.CardFields):
// QR is true for what every QR reading carries (the 2021 card's seven
// fields, and the values implied by any card).
func prefillPaths() map[string]struct{ QR bool } {
	m := make(map[string]struct{ QR bool }, len(cccd.CardFields))
	for i := range cccd.CardFields {
		f := &cccd.CardFields[i]
		m[f.Path] = struct{ QR bool }{f.Carried(false, cccd.QRFields)}
	}
	return m
}

// KioskPaths are the values the kiosk fills itself (provenance "system").
var KioskPaths = map[string]bool{
	"kiosk.agency": true, // the receiving agency (Kính gửi)
	"kiosk.today":  true, // the declaration date
}

// Catalog is a loaded set of procedures, by slug.
type Catalog struct {
	bySlug map[string]*Procedure
	byCode map[string]*Procedure
	order  []*Procedure // by domain, then slug
}

// Lookup finds a procedure by slug or national code.
func (c *Catalog) Lookup(ref string) (*Procedure, bool) {
	if p, ok := c.bySlug[ref]; ok {
		return p, true
	}
	p, ok := c.byCode[ref]
	return p, ok
}

// All returns every procedure and bundle, ordered by domain then slug.
func (c *Catalog) All() []*Procedure { return append([]*Procedure(nil), c.order...) }

// Len is the number of entries.
func (c *Catalog) Len() int { return len(c.order) }

// Search returns the entries whose slug, code, name (either language) or
// official form contains every word of query, ignoring case and Vietnamese
// diacritics, in catalog order. An empty query returns everything.
func (c *Catalog) Search(query string) []*Procedure { return Filter(c.order, query) }

// Filter keeps the procedures of ps that match query (see Search), in order.
func Filter(ps []*Procedure, query string) []*Procedure {
	words := strings.Fields(Fold(query))
	if len(words) == 0 {
		return append([]*Procedure(nil), ps...)
	}
	var out []*Procedure
	for _, p := range ps {
		hay := Fold(strings.Join([]string{p.Slug, p.Code, p.Name.VI, p.Name.EN, p.Form.VI}, " "))
		ok := true
		for _, w := range words {
			if !strings.Contains(hay, w) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, p)
		}
	}
	return out
}

func (c *Catalog) index(ps []*Procedure) {
	c.bySlug = map[string]*Procedure{}
	c.byCode = map[string]*Procedure{}
	for _, p := range ps {
		c.bySlug[p.Slug] = p
		if p.Code != "" {
			c.byCode[p.Code] = p
		}
	}
	c.order = append([]*Procedure(nil), ps...)
	sort.SliceStable(c.order, func(i, j int) bool {
		a, b := c.order[i], c.order[j]
		if a.Domain != b.Domain {
			return a.Domain < b.Domain
		}
		return a.Slug < b.Slug
	})
}

// Walk calls fn for every field of p in form order, with its path: "key"
// for top-level fields, "block.sub" for person sub-fields and "table[].col"
// for table columns. The parent is nil for top-level fields.
func (p *Procedure) Walk(fn func(path string, f *Field, parent *Field)) {
	for si := range p.Sections {
		for fi := range p.Sections[si].Fields {
			f := &p.Sections[si].Fields[fi]
			fn(f.Key, f, nil)
			switch f.Type {
			case TypePerson:
				for ci := range f.Fields {
					fn(f.Key+"."+f.Fields[ci].Key, &f.Fields[ci], f)
				}
			case TypePersonTable, TypeTable:
				for ci := range f.Fields {
					fn(f.Key+"[]."+f.Fields[ci].Key, &f.Fields[ci], f)
				}
			}
		}
	}
}

// RowPath names row i of a table: "members[2]". CellPath names one of its
// cells, "residenceHistory[0].fromDate": the form's path of the cell and,
// for a table of typed rows, the dossier's value key.
func RowPath(table string, i int) string { return table + "[" + strconv.Itoa(i) + "]" }

// CellPath names column col of row i of a table (see RowPath).
func CellPath(table string, i int, col string) string { return RowPath(table, i) + "." + col }

// Field finds a top-level field (or block) by key.
func (p *Procedure) Field(key string) (*Field, bool) {
	for si := range p.Sections {
		for fi := range p.Sections[si].Fields {
			if f := &p.Sections[si].Fields[fi]; f.Key == key {
				return f, true
			}
		}
	}
	return nil, false
}

// Attachment finds a document of the attachments checklist by key.
func (p *Procedure) Attachment(key string) (*Attach, bool) {
	for i := range p.Attachments {
		if p.Attachments[i].Key == key {
			return &p.Attachments[i], true
		}
	}
	return nil, false
}

// Sub finds a sub-field of a person block or table by key.
func (f *Field) Sub(key string) (*Field, bool) {
	for i := range f.Fields {
		if f.Fields[i].Key == key {
			return &f.Fields[i], true
		}
	}
	return nil, false
}

// Count is the size of a procedure's form as the catalog defines it.
type Count struct {
	Fields int // value fields; a table's columns count once
	Card   int // of which a card can fill
}

// Count counts the value fields of a procedure. A bundle counts nothing of
// its own; add up its steps.
func (p *Procedure) Count() Count {
	var c Count
	p.Walk(func(_ string, f, _ *Field) {
		if f.Type.Leaf() {
			c.Fields++
			if f.Identity() {
				c.Card++
			}
		}
	})
	return c
}

package form

import (
	"errors"
	"fmt"
	"motcua/kiosk/address"
	"strconv"
	"strings"
	"time"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/internal/vntime"
	"motcua/kiosk/catalog"
	"motcua/offline/dossier"
)

// Options are the kiosk settings a form needs.
type Options struct {
	Now       func() time.Time // the clock; time.Now when nil
	Agency    string           // receiving agency, fills "kiosk.agency"
	KioskID   string
	CounterID string
	ClerkID   string
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// today is the civil date in Vietnam.
func (o Options) today() cccd.Date { return vntime.Today(o.now()) }

// LockReason says why a value cannot be edited.
type LockReason string

const (
	LockChip    LockReason = "chip-verified" // read from a verified chip
	LockCarried LockReason = "carried"       // comes from an earlier step of a bundle; edit it there
	LockBundle  LockReason = "bundle"        // fixed by the bundle (e.g. reason "death")
)

// Value is a field's current value as the UI shows it.
type Value struct {
	Value      string             `json:"value"`
	Provenance dossier.Provenance `json:"provenance,omitempty"` // empty when never set
	Locked     LockReason         `json:"locked,omitempty"`
	Carried    bool               `json:"carried,omitempty"` // copied from an earlier bundle step
	Default    bool               `json:"default,omitempty"` // proposed from another field (DefaultFrom)
	// Address is set on a card address converted to the units after
	// 1 July 2025: the card's text, the result, the candidates, the rule.
	Address *address.Result `json:"address,omitempty"`
}

// entry is one stored value.
type entry struct {
	Value
	typed bool // someone typed here (even an empty value): no more defaults
}

// card is what is known about the card that filled a person block.
type card struct {
	source   cardreader.Source
	verified bool // chip read and trusted: values are FromChip and locked
	summary  dossier.Verification
	qrFields int                      // fields of the QR read (7 on the 2021 card)
	unparsed map[string]cccd.Unparsed // card paths the reader could not parse (card.go)
}

// person is a person block or one table row.
type person struct {
	field   *catalog.Field
	values  map[string]*entry
	card    *card
	carried bool // mirrored from an earlier bundle step
}

func newPerson(f *catalog.Field) *person {
	return &person{field: f, values: map[string]*entry{}}
}

func (p *person) empty() bool {
	if p.card != nil {
		return false
	}
	for _, e := range p.values {
		if e.Value.Value != "" {
			return false
		}
	}
	return true
}

// free reports whether a card may go here: none was read and no identity
// value was typed or carried.
func (p *person) free() bool {
	if p.card != nil {
		return false
	}
	for i := range p.field.Fields {
		if sf := &p.field.Fields[i]; sf.Identity() && p.get(sf.Key) != "" {
			return false
		}
	}
	return true
}

func (p *person) get(key string) string {
	if e := p.values[key]; e != nil {
		return e.Value.Value
	}
	return ""
}

// Form is one procedure's form being filled at the kiosk. It is not safe
// for concurrent use; the UI owns it.
type Form struct {
	proc   *catalog.Procedure
	opts   Options
	top    map[string]*entry
	blocks map[string]*person
	tables map[string][]*person
	attach map[string][]dossier.Attachment
	// provided are documents an earlier step of the bundle produces
	// (attachment key → that step's slug): not asked of the citizen.
	provided map[string]string
}

// Errors from editing a form. Each is matched with errors.Is.
var (
	ErrUnknownField  = errors.New("form: no such field")
	ErrNotLeaf       = errors.New("form: path names a block, not a value")
	ErrNotPerson     = errors.New("form: path names no person block or table")
	ErrCardless      = errors.New("form: this person cannot have a card (e.g. a newborn)")
	ErrWrongSex      = errors.New("form: the card holder's sex does not fit this block")
	ErrDuplicate     = errors.New("form: this card was already read for another person on the form")
	ErrTableFull     = errors.New("form: the table has its maximum number of rows")
	ErrNoCard        = errors.New("form: the reading holds no ID number")
	ErrNoSlot        = errors.New("form: no empty person block accepts this card")
	ErrLocked        = errors.New("form: value is locked")
	ErrBundle        = errors.New("form: a bundle is filled with an Intake, not a Form")
	ErrUnknownAttach = errors.New("form: no such attachment")
)

// LockedError reports an edit of a locked value. errors.Is(err, ErrLocked).
type LockedError struct {
	Path   string
	Reason LockReason
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("form: %s is locked (%s)", e.Path, e.Reason)
}

// Unwrap makes errors.Is(err, ErrLocked) match.
func (e *LockedError) Unwrap() error { return ErrLocked }

// Message explains the lock to the citizen.
func (e *LockedError) Message() Message {
	switch e.Reason {
	case LockChip:
		return Message{"Thông tin này đọc từ chip thẻ căn cước đã xác thực nên không sửa được.", "This value was read from the verified card chip and cannot be edited."}
	case LockCarried:
		return Message{"Thông tin này lấy từ bước trước; hãy sửa ở bước đó.", "This value comes from an earlier step; edit it there."}
	}
	return Message{"Thông tin này do hệ thống điền.", "This value is set by the system."}
}

// New starts an empty form for procedure p and fills the kiosk's own values
// (agency, today's date).
func New(p *catalog.Procedure, opts Options) (*Form, error) {
	if p.Kind == catalog.KindBundle {
		return nil, ErrBundle
	}
	f := &Form{proc: p, opts: opts, top: map[string]*entry{}, blocks: map[string]*person{},
		tables: map[string][]*person{}, attach: map[string][]dossier.Attachment{}}
	for si := range p.Sections {
		for fi := range p.Sections[si].Fields {
			fd := &p.Sections[si].Fields[fi]
			switch fd.Type {
			case catalog.TypePerson:
				f.blocks[fd.Key] = newPerson(fd)
			case catalog.TypePersonTable, catalog.TypeTable:
				f.tables[fd.Key] = nil
			default:
				f.top[fd.Key] = &entry{}
			}
		}
	}
	f.fillKiosk()
	return f, nil
}

// fillKiosk sets the "kiosk.*" prefills that are still empty.
func (f *Form) fillKiosk() {
	f.proc.Walk(func(path string, fd, parent *catalog.Field) {
		if !catalog.KioskPaths[fd.Prefill] || strings.Contains(path, "[]") {
			return
		}
		e := f.entry(path, true)
		if e == nil || e.Value.Value != "" {
			return
		}
		switch fd.Prefill {
		case "kiosk.agency":
			e.Value = Value{Value: f.opts.Agency, Provenance: dossier.FromStaff}
		case "kiosk.today":
			e.Value = Value{Value: f.opts.today().ISO(), Provenance: dossier.FromStaff}
		}
		if e.Value.Value == "" {
			e.Value = Value{}
		}
	})
}

// Procedure is the procedure this form is for.
func (f *Form) Procedure() *catalog.Procedure { return f.proc }

// ref is a parsed path.
type ref struct {
	top   string
	row   int // -1 outside tables
	sub   string
	field *catalog.Field // the leaf (or block, when sub is "")
	block *catalog.Field // the enclosing block or table, nil at top level
}

// parse resolves a path against the schema.
func (f *Form) parse(path string) (ref, error) {
	r := ref{row: -1}
	head, sub, nested := strings.Cut(path, ".")
	if i := strings.IndexByte(head, '['); i >= 0 {
		if !strings.HasSuffix(head, "]") {
			return r, ErrUnknownField
		}
		n, err := strconv.Atoi(head[i+1 : len(head)-1])
		if err != nil || n < 0 {
			return r, ErrUnknownField
		}
		head, r.row = head[:i], n
	}
	fd, ok := f.proc.Field(head)
	if !ok {
		return r, ErrUnknownField
	}
	r.top = head
	if r.row >= 0 && !fd.Type.Rows() || fd.Type.Rows() && nested && r.row < 0 {
		return r, ErrUnknownField
	}
	if !nested {
		r.field = fd
		return r, nil
	}
	if fd.Type.Leaf() {
		return r, ErrUnknownField
	}
	sf, ok := fd.Sub(sub)
	if !ok {
		return r, ErrUnknownField
	}
	r.sub, r.field, r.block = sub, sf, fd
	return r, nil
}

// holder returns the person (block or row) a ref lives in, nil at top level.
func (f *Form) holder(r ref) *person {
	if r.block == nil {
		return nil
	}
	if r.block.Type == catalog.TypePerson {
		return f.blocks[r.top]
	}
	rows := f.tables[r.top]
	if r.row < 0 || r.row >= len(rows) {
		return nil
	}
	return rows[r.row]
}

// entry finds the stored value of a leaf path; create makes it if absent.
func (f *Form) entry(path string, create bool) *entry {
	r, err := f.parse(path)
	if err != nil || !r.field.Type.Leaf() {
		return nil
	}
	return f.entryOf(r, create)
}

func (f *Form) entryOf(r ref, create bool) *entry {
	if r.block == nil {
		return f.top[r.top]
	}
	p := f.holder(r)
	if p == nil {
		return nil
	}
	e := p.values[r.sub]
	if e == nil && create {
		e = &entry{}
		p.values[r.sub] = e
	}
	return e
}

// Get returns the value at a leaf path.
func (f *Form) Get(path string) (Value, error) {
	r, err := f.parse(path)
	if err != nil {
		return Value{}, err
	}
	if !r.field.Type.Leaf() {
		return Value{}, ErrNotLeaf
	}
	if r.block != nil && f.holder(r) == nil {
		return Value{}, ErrUnknownField
	}
	if e := f.entryOf(r, false); e != nil {
		return e.Value, nil
	}
	return Value{}, nil
}

// Set types a value into a leaf field. The value is normalised (dates to
// YYYY-MM-DD or YYYY, phone numbers to 0xxxxxxxxx, text to NFC with single
// spaces) when it parses; otherwise it is kept as typed so that CheckField
// can say what is wrong. An empty value clears the field. Locked values
// return a *LockedError.
func (f *Form) Set(path, value string) error {
	r, err := f.parse(path)
	if err != nil {
		return err
	}
	if !r.field.Type.Leaf() {
		return ErrNotLeaf
	}
	if r.block != nil && f.holder(r) == nil {
		return ErrUnknownField
	}
	e := f.entryOf(r, true)
	if e.Value.Locked != "" {
		return &LockedError{Path: path, Reason: e.Value.Locked}
	}
	e.typed = true
	v := normalize(r.field, value)
	if v == "" {
		e.Value = Value{}
	} else {
		e.Value = Value{Value: v, Provenance: dossier.Typed}
	}
	f.applyDefaults()
	return nil
}

// applyDefaults fills DefaultFrom fields nobody typed into from the first
// non-empty source, and clears defaults whose sources are gone.
func (f *Form) applyDefaults() {
	f.proc.Walk(func(path string, fd, parent *catalog.Field) {
		if len(fd.DefaultFrom) == 0 || strings.Contains(path, "[]") {
			return
		}
		e := f.entry(path, true)
		if e == nil || e.typed || e.Value.Locked != "" || (e.Value.Value != "" && !e.Value.Default) {
			return
		}
		e.Value = Value{}
		for _, src := range fd.DefaultFrom {
			if v, err := f.Get(src); err == nil && v.Value != "" {
				e.Value = Value{Value: v.Value, Provenance: dossier.FromStaff, Default: true}
				return
			}
		}
	})
}

// normalize puts a typed value in its stored form when it parses.
func normalize(fd *catalog.Field, s string) string { return Types.Lookup(fd.Type).Normalize(fd, s) }

// AddRow appends an empty row to a table and returns its path ("members[2]").
func (f *Form) AddRow(table string) (string, error) {
	fd, ok := f.proc.Field(table)
	if !ok || !fd.Type.Rows() {
		return "", ErrNotPerson
	}
	if fd.MaxRows > 0 && len(f.tables[table]) >= fd.MaxRows {
		return "", ErrTableFull
	}
	f.tables[table] = append(f.tables[table], newPerson(fd))
	return catalog.RowPath(table, len(f.tables[table])-1), nil
}

// RemoveRow deletes row i of a table; later rows move up.
func (f *Form) RemoveRow(table string, i int) error {
	rows, ok := f.tables[table]
	if !ok {
		return ErrNotPerson
	}
	if i < 0 || i >= len(rows) {
		return ErrUnknownField
	}
	f.tables[table] = append(rows[:i:i], rows[i+1:]...)
	return nil
}

// Rows is the number of rows in a table.
func (f *Form) Rows(table string) int { return len(f.tables[table]) }

// ClearPerson empties a person block (path "wife") or a row ("members[1]"),
// locked values included: the clerk read the wrong card.
func (f *Form) ClearPerson(path string) error {
	r, err := f.parse(path)
	if err != nil {
		return err
	}
	switch {
	case r.field.Type == catalog.TypePerson:
		f.blocks[r.top] = newPerson(r.field)
	case r.field.Type.Rows() && r.row >= 0 && r.row < len(f.tables[r.top]):
		f.tables[r.top][r.row] = newPerson(r.field)
	default:
		return ErrNotPerson
	}
	f.changed()
	return nil
}

// CardInfo describes the card that filled a person block.
type CardInfo struct {
	Source       cardreader.Source
	Verified     bool // chip read and passive authentication passed: values locked
	Verification dossier.Verification
}

// Card reports the card read for a person block or row, if any.
func (f *Form) Card(path string) (CardInfo, bool) {
	r, err := f.parse(path)
	if err != nil || r.field.Type.Leaf() {
		return CardInfo{}, false
	}
	var p *person
	if r.field.Type == catalog.TypePerson {
		p = f.blocks[r.top]
	} else if r.row >= 0 && r.row < len(f.tables[r.top]) {
		p = f.tables[r.top][r.row]
	}
	if p == nil || p.card == nil {
		return CardInfo{}, false
	}
	return CardInfo{Source: p.card.source, Verified: p.card.verified, Verification: p.card.summary}, true
}

// Wipe drops every value, card and attachment reference, for the privacy
// wipe when the citizen walks away. The form is empty afterwards (the
// kiosk's own values are filled again) and can be reused.
func (f *Form) Wipe() {
	for k := range f.top {
		f.top[k] = &entry{}
	}
	for k, p := range f.blocks {
		f.blocks[k] = newPerson(p.field)
	}
	for k := range f.tables {
		f.tables[k] = nil
	}
	clear(f.attach)
	f.fillKiosk()
	f.changed()
}

// changed re-derives what depends on other values after a card or a row
// changed.
func (f *Form) changed() { f.applyDefaults() }

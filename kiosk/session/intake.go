package session

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"motcua/cardreader"
	"motcua/kiosk/address"
	"motcua/kiosk/catalog"
	"motcua/kiosk/form"
	"motcua/offline/dossier"
)

// Field is one form field as the screens show it, already in the current
// language.
type Field struct {
	Path       string         // the path the value is set by, e.g. "requester.phone" ("slug:path" in a bundle)
	Spec       *catalog.Field // the catalog's definition of the field
	Section    string         // title of the section it belongs to
	Person     string         // title of the person block, "" for top-level fields
	Label      string
	Help       string
	Type       catalog.FieldType
	Options    []Option // choice fields
	Value      string   // as people read it (form.Types' Display)
	Provenance dossier.Provenance
	Locked     bool   // prefilled from a verified chip (or the system): not editable
	Required   bool   // mandatory now (RequiredIf already evaluated)
	Error      string // validation message, "" when valid or not yet checked
	// Address is set on a card address converted to the units after
	// 1 July 2025: the card's text, the result and, when the old ward was
	// split, the candidates to choose among (Session.ChooseAddress).
	Address *address.Result
	// CardUnparsed is set when the card holds this field but the chip's
	// text could not be read (an unknown date form, odd wording): the
	// clerk types it from the card, and it is never locked.
	CardUnparsed bool
	// Table is, on a cell of a table of typed rows (a residence history),
	// the table's path; Row is the cell's row. The table itself comes
	// first as a Field of type catalog.TypeTable, with Rows its row count,
	// so a screen can draw it as a table even while it has no row.
	Table string
	Row   int
	Rows  int
}

// Option is one choice of a choice field.
type Option struct {
	Value, Label string
}

// Attachment is one line of the supporting-documents checklist.
type Attachment struct {
	Key      string
	Name     string
	Original bool // bản chính; false is a copy
	Count    int
	Required bool
	Have     bool
}

// PersonSlot is a person block a second card can fill.
type PersonSlot struct {
	Path   string // the block key, e.g. "wife"
	Label  string
	Filled bool
	// Table is set for a list of people (guests, household members): a
	// row can also be added by typing (TypePerson).
	Table bool
}

// Person is someone on the form who can be taken off it: a row of a list,
// or a block a card filled (the wrong card was read).
type Person struct {
	Path  string // "guests[1]", "wife" ("slug:path" in a bundle)
	Label string
}

// DossierMeta is what the kiosk adds to every dossier.
type DossierMeta struct {
	KioskID, CounterID, ClerkID string
	Now                         time.Time
}

// Intake is the visit's form as the screens use it: a form.Intake (one step
// for a procedure, one per step for a bundle) plus what the screen tracks
// (which fields were touched, which papers were presented). In a bundle,
// paths, attachment keys and person slots are prefixed with the step's
// slug and a colon ("khai-sinh:child.fullName"). The session serialises
// its calls; it is not safe for concurrent use on its own.
type Intake struct {
	in    *form.Intake
	steps []*step
	chip  bool // the requester's chip was verified
	now   func() time.Time
}

// step is one form of the intake and the screen's notes about it.
type step struct {
	f        *form.Form
	showAll  bool // Validate was called: show "required" on empty fields too
	touched  map[string]bool
	attached map[string]dossier.Attachment
	notes    map[string][]byte // attachment bytes by SHA-256
}

// openIntake starts the intake of p with the requester's card placed in
// the first person block that takes it (the first step's, in a bundle).
func openIntake(c *catalog.Catalog, p *catalog.Procedure, opts form.Options, requester *cardreader.Reading) (*Intake, error) {
	in, err := form.NewIntake(c, p, opts)
	if err != nil {
		return nil, err
	}
	x := &Intake{in: in, now: opts.Now, chip: requester != nil && form.Verified(requester)}
	if x.now == nil {
		x.now = time.Now
	}
	for _, f := range in.Steps() {
		x.steps = append(x.steps, &step{f: f})
	}
	if requester != nil {
		if _, err := in.Steps()[0].PlaceCard(requester); err != nil && !errors.Is(err, form.ErrNoSlot) {
			return nil, err
		}
		in.Flow()
	}
	return x, nil
}

// Procedure is the procedure or bundle being filed.
func (x *Intake) Procedure() *catalog.Procedure { return x.in.Bundle() }

func (x *Intake) path(s *step, p string) string { return x.in.Path(s.f, p) }

// split finds the step a path names and the path inside it.
func (x *Intake) split(path string) (*step, string, bool) {
	if !x.in.Bundled() {
		return x.steps[0], path, true
	}
	slug, rest, ok := strings.Cut(path, ":")
	if !ok {
		return nil, "", false
	}
	for _, s := range x.steps {
		if s.f.Procedure().Slug == slug {
			return s, rest, true
		}
	}
	return nil, "", false
}

// title prefixes a bundle step's texts with the step's name.
func (x *Intake) title(s *step, t, lang string) string {
	if !x.in.Bundled() {
		return t
	}
	return s.f.Procedure().Name.In(lang) + " — " + t
}

// Fields lists every leaf field in form order, in lang.
func (x *Intake) Fields(lang string) []Field {
	var out []Field
	for _, s := range x.steps {
		for _, f := range s.fields(lang) {
			f.Path, f.Section = x.path(s, f.Path), x.title(s, f.Section, lang)
			if f.Table != "" {
				f.Table = x.path(s, f.Table)
			}
			out = append(out, f)
		}
	}
	return out
}

func (s *step) fields(lang string) []Field {
	states := s.f.Fields()
	byTop := map[string][]form.FieldState{}
	for _, st := range states {
		top := topKey(st.Path)
		byTop[top] = append(byTop[top], st)
	}
	var probs map[string]string // problems of a whole block or table
	if s.showAll {
		probs = map[string]string{}
		for _, p := range s.f.Validate() {
			if _, seen := probs[p.Path]; !seen && !strings.ContainsAny(p.Path, ".[") {
				probs[p.Path] = p.Message.In(lang)
			}
		}
	}
	p := s.f.Procedure()
	out := make([]Field, 0, len(states))
	var blocks []Field
	for _, sec := range p.Sections {
		for i := range sec.Fields {
			fd := &sec.Fields[i]
			if fd.Type == catalog.TypeTable {
				// The table heads its rows, even while it has none.
				out = append(out, Field{Path: fd.Key, Spec: fd, Section: sec.Title.In(lang),
					Label: fd.Label.In(lang), Help: fd.Help.In(lang), Type: fd.Type,
					Required: fd.Required || fd.MinRows > 0, Rows: s.f.Rows(fd.Key), Error: probs[fd.Key]})
			} else if msg := probs[fd.Key]; msg != "" && !fd.Type.Leaf() {
				// A block or list in error has no leaf to show it on
				// (its card is still to be read): it comes at the end.
				blocks = append(blocks, Field{Path: fd.Key, Spec: fd, Person: fd.Label.In(lang), Label: fd.Label.In(lang),
					Type: fd.Type, Required: true, Error: msg})
			}
			for _, st := range byTop[fd.Key] {
				sf := s.field(st, lang)
				if fd.Type == catalog.TypeTable {
					sf.Table, sf.Row = fd.Key, rowOf(st.Person)
				}
				out = append(out, sf)
			}
		}
	}
	return append(showAfter(out), blocks...)
}

// showAfter moves the rows the catalog shows inside a person block to
// their place there (CT01: the relation to the householder between the
// householder's name and ID number), as part of that block.
func showAfter(out []Field) []Field {
	var movers []string
	for _, f := range out {
		if f.Spec != nil && f.Spec.ShowAfter != "" {
			movers = append(movers, f.Path)
		}
	}
	for _, path := range movers {
		from := slices.IndexFunc(out, func(f Field) bool { return f.Path == path })
		f := out[from]
		out = slices.Delete(out, from, from+1)
		to := slices.IndexFunc(out, func(g Field) bool { return g.Path == f.Spec.ShowAfter })
		if to < 0 { // the block is not on the form: leave the row where it was
			out = slices.Insert(out, from, f)
			continue
		}
		f.Person = out[to].Person
		out = slices.Insert(out, to+1, f)
	}
	return out
}

// field is one value of the form as the screen shows it.
func (s *step) field(st form.FieldState, lang string) Field {
	fd := st.Field
	sf := Field{
		Path: st.Path, Spec: fd, Section: sectionTitle(s.f.Procedure(), st.Section, lang), Person: personLabel(s.f.Procedure(), st.Person, lang),
		Label: fd.Label.In(lang), Help: fd.Help.In(lang), Type: fd.Type,
		Value: display(fd, st.Value.Value), Provenance: st.Value.Provenance,
		Locked: st.Value.Locked != "", Required: st.Required, Address: st.Value.Address,
		CardUnparsed: st.CardUnparsed != nil,
	}
	for _, o := range fd.Options {
		sf.Options = append(sf.Options, Option{Value: o.Value, Label: o.Label.In(lang)})
	}
	if s.showAll || s.touched[st.Path] {
		if len(st.Problems) > 0 {
			sf.Error = st.Problems[0].Message.In(lang)
		}
		if sf.Error == "" && st.Missing && s.showAll {
			sf.Error = form.MessageFor(form.CodeRequired).In(lang)
		}
	}
	return sf
}

// topKey is the top-level field a path lives in: "members" for
// "members[1].sex", "wife" for "wife.fullName".
func topKey(path string) string {
	top, _, _ := strings.Cut(path, ".")
	top, _, _ = strings.Cut(top, "[")
	return top
}

// rowOf is the row of a row path ("history[2]" is 2).
func rowOf(person string) int {
	_, idx, _ := strings.Cut(person, "[")
	n, _ := strconv.Atoi(strings.TrimSuffix(idx, "]"))
	return n
}

// display turns a stored value into what people read (form.Types' Display).
func display(fd *catalog.Field, v string) string {
	if fd == nil || v == "" {
		return v
	}
	if show := form.Types.Lookup(fd.Type).Display; show != nil {
		return show(fd, v)
	}
	return v
}

func sectionTitle(p *catalog.Procedure, key, lang string) string {
	for _, s := range p.Sections {
		if s.Key == key {
			return s.Title.In(lang)
		}
	}
	return key
}

// personLabel names a block ("wife") or a table row ("members[1]").
func personLabel(p *catalog.Procedure, path, lang string) string {
	if path == "" {
		return ""
	}
	key, row := path, -1
	if i := strings.IndexByte(path, '['); i > 0 {
		key = path[:i]
		row, _ = strconv.Atoi(strings.TrimSuffix(path[i+1:], "]"))
	}
	fd, ok := p.Field(key)
	if !ok {
		return path
	}
	if row >= 0 {
		return fmt.Sprintf("%s %d", fd.Label.In(lang), row+1)
	}
	return fd.Label.In(lang)
}

// Set stores a typed value and carries it forward in a bundle. A locked
// field returns ErrLocked; a value that fails validation is stored and its
// message shows in Fields.
func (x *Intake) Set(path, value string) error {
	s, rest, ok := x.split(path)
	if !ok {
		return form.ErrUnknownField
	}
	if s.touched == nil {
		s.touched = map[string]bool{}
	}
	s.touched[rest] = true
	err := s.f.Set(rest, value)
	x.in.Flow()
	if errors.Is(err, form.ErrLocked) {
		return fmt.Errorf("%w: %w", ErrLocked, err)
	}
	return err
}

// Lines counts the rows of every table of every step: a screen drawn from
// the form is redrawn when it changes (a line added or taken off).
func (x *Intake) Lines() int {
	n := 0
	for _, s := range x.steps {
		for _, sec := range s.f.Procedure().Sections {
			for _, fd := range sec.Fields {
				if fd.Type.Rows() {
					n += s.f.Rows(fd.Key)
				}
			}
		}
	}
	return n
}

// Slots lists the person blocks and tables another card can go to.
func (x *Intake) Slots(lang string) []PersonSlot {
	var out []PersonSlot
	for _, s := range x.steps {
		for _, sec := range s.f.Procedure().Sections {
			for _, fd := range sec.Fields {
				if fd.Cardless || fd.Type.Leaf() || fd.Type == catalog.TypeTable {
					continue // no card goes in a table of typed rows
				}
				filled := false
				if fd.Type == catalog.TypePerson {
					_, filled = s.f.Card(fd.Key)
				} else if fd.MaxRows > 0 && s.f.Rows(fd.Key) >= fd.MaxRows {
					filled = true
				}
				out = append(out, PersonSlot{Path: x.path(s, fd.Key), Label: x.title(s, fd.Label.In(lang), lang), Filled: filled,
					Table: fd.Type == catalog.TypePersonTable})
			}
		}
	}
	return out
}

// TypePerson adds an empty row to the list at table for a person with no
// card at hand (a child, an absent guest, a foreigner): every value of the
// row is typed, never locked. It returns the row's label.
func (x *Intake) TypePerson(table, lang string) (string, error) {
	s, rest, ok := x.split(table)
	if !ok {
		return "", form.ErrUnknownField
	}
	row, err := s.f.AddRow(rest)
	x.in.Flow()
	return personResult(s, row, err, lang)
}

// People lists who can be taken off the form: every row of every list,
// and every block a card filled.
func (x *Intake) People(lang string) []Person {
	var out []Person
	for _, s := range x.steps {
		for _, sec := range s.f.Procedure().Sections {
			for _, fd := range sec.Fields {
				switch fd.Type {
				case catalog.TypePersonTable:
					for i := range s.f.Rows(fd.Key) {
						p := catalog.RowPath(fd.Key, i)
						out = append(out, Person{Path: x.path(s, p), Label: x.title(s, personLabel(s.f.Procedure(), p, lang), lang)})
					}
				case catalog.TypePerson:
					if _, carded := s.f.Card(fd.Key); carded {
						out = append(out, Person{Path: x.path(s, fd.Key), Label: x.title(s, fd.Label.In(lang), lang)})
					}
				}
			}
		}
	}
	return out
}

// RemovePerson takes a person off the form: a row of a list is deleted
// (later rows move up), a block is emptied so another card (or typing) can
// fill it.
func (x *Intake) RemovePerson(path string) error {
	s, rest, ok := x.split(path)
	if !ok {
		return form.ErrUnknownField
	}
	var err error
	if key, idx, isRow := strings.Cut(rest, "["); isRow {
		i, perr := strconv.Atoi(strings.TrimSuffix(idx, "]"))
		if perr != nil {
			return form.ErrUnknownField
		}
		err = s.f.RemoveRow(key, i)
	} else {
		err = s.f.ClearPerson(rest)
	}
	x.in.Flow()
	return err
}

// AddPerson fills the block at path from r, or, when path is "", the first
// free block that takes it (in the first step with room), and returns the
// block's label.
func (x *Intake) AddPerson(path string, r *cardreader.Reading, lang string) (string, error) {
	defer x.in.Flow()
	if path != "" {
		s, rest, ok := x.split(path)
		if !ok {
			return "", form.ErrUnknownField
		}
		got, err := s.f.ApplyCard(rest, r)
		return personResult(s, got, err, lang)
	}
	var err error
	for _, s := range x.steps {
		var got string
		if got, err = s.f.PlaceCard(r); err == nil {
			return personResult(s, got, nil, lang)
		}
	}
	return personResult(nil, "", err, lang)
}

// personResult gives the filled block's label, or the error with the
// session's meaning.
func personResult(s *step, got string, err error, lang string) (string, error) {
	switch {
	case errors.Is(err, form.ErrDuplicate):
		return "", fmt.Errorf("%w: %w", ErrDuplicatePerson, err)
	case errors.Is(err, form.ErrWrongSex), errors.Is(err, form.ErrCardless), errors.Is(err, form.ErrNotPerson):
		return "", fmt.Errorf("%w: %w", ErrPersonDoesNotFit, err)
	case errors.Is(err, form.ErrNoSlot), errors.Is(err, form.ErrTableFull):
		return "", fmt.Errorf("%w: %w", ErrNoPersonSlot, err)
	case err != nil:
		return "", err
	}
	return personLabel(s.f.Procedure(), got, lang), nil
}

// Attachments lists the checklist.
func (x *Intake) Attachments(lang string) []Attachment {
	var out []Attachment
	for _, s := range x.steps {
		for _, a := range s.f.Attachments() {
			if a.ProvidedBy != "" {
				continue // an earlier step of the bundle issues it: not asked
			}
			out = append(out, Attachment{Key: x.path(s, a.Key), Name: a.Spec.Name.In(lang), Original: a.Spec.Original,
				Count: a.Spec.Count, Required: a.Required, Have: len(a.Files) > 0})
		}
	}
	return out
}

// SetAttachment ticks a line of the checklist. The kiosk has no scanner
// here: ticking records that the paper was presented at the counter, as a
// small JSON note attached by hash (the clerk receives the paper itself).
func (x *Intake) SetAttachment(key string, have bool) {
	s, rest, ok := x.split(key)
	if !ok {
		return
	}
	if s.attached == nil {
		s.attached, s.notes = map[string]dossier.Attachment{}, map[string][]byte{}
	}
	if !have {
		if at, ok := s.attached[rest]; ok {
			s.f.Detach(rest, at.SHA256)
			delete(s.attached, rest)
		}
		return
	}
	note, _ := json.Marshal(struct {
		Key       string    `json:"key"`
		Presented string    `json:"presented"`
		At        time.Time `json:"at"`
	}{rest, "paper", x.now().UTC()})
	at := form.NewAttachment(rest, rest+".json", "application/json", note)
	if s.f.Attach(at) == nil {
		s.attached[rest] = at
		s.notes[at.SHA256] = note
	}
}

// AttachFile makes data (a scanned document's PDF) the attachment key,
// replacing what was there (a paper tick or an earlier scan); nil data
// removes it. The bytes travel by hash in Files like every attachment.
func (x *Intake) AttachFile(key, name, mediaType string, data []byte) error {
	s, rest, ok := x.split(key)
	if !ok {
		return form.ErrUnknownAttach
	}
	if s.attached == nil {
		s.attached, s.notes = map[string]dossier.Attachment{}, map[string][]byte{}
	}
	if old, ok := s.attached[rest]; ok {
		s.f.Detach(rest, old.SHA256)
		delete(s.notes, old.SHA256)
		delete(s.attached, rest)
	}
	if data == nil {
		return nil
	}
	at := form.NewAttachment(rest, name, mediaType, data)
	if err := s.f.Attach(at); err != nil {
		return err
	}
	s.attached[rest] = at
	s.notes[at.SHA256] = data
	return nil
}

// Files returns the attachments' bytes by SHA-256, to store with the
// dossier.
func (x *Intake) Files() map[string][]byte {
	out := map[string][]byte{}
	for _, s := range x.steps {
		for _, at := range s.attached {
			out[at.SHA256] = s.notes[at.SHA256]
		}
	}
	return out
}

// Validate returns the number of fields in error (and makes Fields show
// every message), plus the names of required attachments missing.
func (x *Intake) Validate(lang string) (fieldErrors int, missing []string) {
	x.in.Flow()
	for _, s := range x.steps {
		s.showAll = true
		for _, p := range s.f.Validate() {
			if !strings.HasPrefix(p.Path, "attachments.") {
				fieldErrors++
			}
		}
		for _, a := range s.f.Attachments() {
			if a.Missing {
				missing = append(missing, a.Spec.Name.In(lang))
			}
		}
	}
	return fieldErrors, missing
}

// Dossiers builds the dossiers: one, or for a bundle one per step, linked
// in order.
func (x *Intake) Dossiers(m DossierMeta) ([]dossier.Dossier, error) {
	ds, err := x.in.Build(func() string { return dossier.NewID(m.Now) })
	if err != nil {
		return nil, err
	}
	for i := range ds {
		ds[i].KioskID, ds[i].CounterID, ds[i].ClerkID = m.KioskID, m.CounterID, m.ClerkID
	}
	return ds, nil
}

// Metrics are the Decision 06 figures, summed over the steps.
func (x *Intake) Metrics() Metrics {
	m := Metrics{ChipVerified: x.chip, IDPapersAsked: !x.chip}
	for _, sm := range x.in.Metrics() {
		m.Total += sm.FieldsTotal
		m.Prefilled += sm.Prefilled + sm.System
		m.Typed += sm.Typed
	}
	return m
}

// Wipe drops every value (the session calls it when the visit ends).
func (x *Intake) Wipe() {
	x.in.Wipe()
	for _, s := range x.steps {
		clear(s.attached)
		clear(s.notes)
		s.touched, s.showAll = nil, false
	}
}

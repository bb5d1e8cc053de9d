package adapt

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/kiosk/catalog"
	"motcua/kiosk/form"
	"motcua/kiosk/session"
	"motcua/offline/dossier"
)

// Forms serves the catalog's procedures and bundles and opens kiosk/form
// forms (an Intake for a bundle).
type Forms struct {
	Catalog *catalog.Catalog
	Options form.Options
}

var _ session.Forms = (*Forms)(nil)

// Procedures implements session.Forms.
func (f *Forms) Procedures() []*catalog.Procedure {
	return f.Catalog.All()
}

// Open implements session.Forms: a new form with the requester's card
// placed in the first person block that takes it.
func (f *Forms) Open(p *catalog.Procedure, requester *cardreader.Reading) (session.Form, error) {
	if p.Kind == catalog.KindBundle {
		return f.openBundle(p, requester)
	}
	ff, err := form.New(p, f.Options)
	if err != nil {
		return nil, err
	}
	fa := &Form{f: ff, now: f.Options.Now}
	if requester != nil {
		fa.chip = form.Verified(requester)
		if _, err := ff.PlaceCard(requester); err != nil && !errors.Is(err, form.ErrNoSlot) {
			return nil, err
		}
	}
	return fa, nil
}

// Form adapts a *form.Form to session.Form.
type Form struct {
	f        *form.Form
	now      func() time.Time
	chip     bool // the requester's chip was verified
	showAll  bool // Validate was called: show "required" on empty fields too
	touched  map[string]bool
	attached map[string]dossier.Attachment
	notes    map[string][]byte // attachment bytes by SHA-256
}

// Engine returns the underlying form.
func (a *Form) Engine() *form.Form { return a.f }

// Procedure implements session.Form.
func (a *Form) Procedure() *catalog.Procedure { return a.f.Procedure() }

func (a *Form) sectionTitle(key, lang string) string {
	for _, s := range a.f.Procedure().Sections {
		if s.Key == key {
			return s.Title.In(lang)
		}
	}
	return key
}

// personLabel names a block ("wife") or a table row ("members[1]").
func (a *Form) personLabel(path, lang string) string {
	if path == "" {
		return ""
	}
	key, row := path, -1
	if i := strings.IndexByte(path, '['); i > 0 {
		key = path[:i]
		row, _ = strconv.Atoi(strings.TrimSuffix(path[i+1:], "]"))
	}
	fd, ok := a.f.Procedure().Field(key)
	if !ok {
		return path
	}
	if row >= 0 {
		return fmt.Sprintf("%s %d", fd.Label.In(lang), row+1)
	}
	return fd.Label.In(lang)
}

// display turns a stored value into what people read: dates as
// DD/MM/YYYY.
func display(fd *catalog.Field, v string) string {
	if fd != nil && fd.Type == catalog.TypeDate {
		if d, err := cccd.ParseISO(v); err == nil {
			return d.String()
		}
	}
	return v
}

// Fields implements session.Form.
func (a *Form) Fields(lang string) []session.Field {
	states := a.f.Fields()
	out := make([]session.Field, 0, len(states))
	for _, s := range states {
		fd := s.Field
		sf := session.Field{
			Path: s.Path, Spec: fd, Section: a.sectionTitle(s.Section, lang), Person: a.personLabel(s.Person, lang),
			Label: fd.Label.In(lang), Help: fd.Help.In(lang), Type: fd.Type,
			Value: display(fd, s.Value.Value), Provenance: s.Value.Provenance,
			Locked: s.Value.Locked != "", Required: s.Required, Address: s.Value.Address,
		}
		for _, o := range fd.Options {
			sf.Options = append(sf.Options, session.Option{Value: o.Value, Label: o.Label.In(lang)})
		}
		if a.showAll || a.touched[s.Path] {
			for _, p := range s.Problems {
				sf.Error = p.Message.In(lang)
				break
			}
			if sf.Error == "" && s.Missing && a.showAll {
				sf.Error = form.MessageFor(form.CodeRequired).In(lang)
			}
		}
		out = append(out, sf)
	}
	if a.showAll {
		// Problems of a whole block or table (a table short of rows) have
		// no leaf to show on: they come as a field of their own.
		for _, p := range a.f.Validate() {
			if strings.ContainsAny(p.Path, ".[") {
				continue
			}
			fd, ok := a.f.Procedure().Field(p.Path)
			if !ok || fd.Type.Leaf() {
				continue
			}
			out = append(out, session.Field{Path: p.Path, Spec: fd, Person: fd.Label.In(lang), Label: fd.Label.In(lang),
				Type: fd.Type, Required: true, Error: p.Message.In(lang)})
		}
	}
	return out
}

// Set implements session.Form.
func (a *Form) Set(path, value string) error {
	if a.touched == nil {
		a.touched = map[string]bool{}
	}
	a.touched[path] = true
	err := a.f.Set(path, value)
	if errors.Is(err, form.ErrLocked) {
		return fmt.Errorf("%w: %w", session.ErrLocked, err)
	}
	return err
}

// Slots implements session.Form: person blocks and tables a card can go to.
func (a *Form) Slots(lang string) []session.PersonSlot {
	var out []session.PersonSlot
	p := a.f.Procedure()
	for _, sec := range p.Sections {
		for _, fd := range sec.Fields {
			if fd.Cardless || fd.Type.Leaf() {
				continue
			}
			filled := false
			if fd.Type == catalog.TypePerson {
				_, filled = a.f.Card(fd.Key)
			} else if fd.MaxRows > 0 && a.f.Rows(fd.Key) >= fd.MaxRows {
				filled = true
			}
			out = append(out, session.PersonSlot{Path: fd.Key, Label: fd.Label.In(lang), Filled: filled})
		}
	}
	return out
}

// AddPerson implements session.Form.
func (a *Form) AddPerson(path string, r *cardreader.Reading, lang string) (string, error) {
	var got string
	var err error
	if path == "" {
		got, err = a.f.PlaceCard(r)
	} else {
		got, err = a.f.ApplyCard(path, r)
	}
	switch {
	case errors.Is(err, form.ErrDuplicate):
		return "", fmt.Errorf("%w: %w", session.ErrDuplicatePerson, err)
	case errors.Is(err, form.ErrWrongSex), errors.Is(err, form.ErrCardless), errors.Is(err, form.ErrNotPerson):
		return "", fmt.Errorf("%w: %w", session.ErrPersonDoesNotFit, err)
	case errors.Is(err, form.ErrNoSlot), errors.Is(err, form.ErrTableFull):
		return "", fmt.Errorf("%w: %w", session.ErrNoPersonSlot, err)
	case err != nil:
		return "", err
	}
	return a.personLabel(got, lang), nil
}

// Attachments implements session.Form.
func (a *Form) Attachments(lang string) []session.Attachment {
	var out []session.Attachment
	for _, s := range a.f.Attachments() {
		out = append(out, session.Attachment{Key: s.Key, Name: s.Spec.Name.In(lang), Original: s.Spec.Original,
			Count: s.Spec.Count, Required: s.Required, Have: len(s.Files) > 0})
	}
	return out
}

// SetAttachment implements session.Form. The kiosk has no scanner: ticking
// a line records that the paper was presented at the counter, as a small
// JSON note attached by hash (the clerk receives the paper itself).
func (a *Form) SetAttachment(key string, have bool) {
	if a.attached == nil {
		a.attached = map[string]dossier.Attachment{}
	}
	if !have {
		if at, ok := a.attached[key]; ok {
			a.f.Detach(key, at.SHA256)
			delete(a.attached, key)
		}
		return
	}
	now := time.Now
	if a.now != nil {
		now = a.now
	}
	note, _ := json.Marshal(struct {
		Key       string    `json:"key"`
		Presented string    `json:"presented"`
		At        time.Time `json:"at"`
	}{key, "paper", now().UTC()})
	at := form.NewAttachment(key, key+".json", "application/json", note)
	if a.f.Attach(at) == nil {
		a.attached[key] = at
		if a.notes == nil {
			a.notes = map[string][]byte{}
		}
		a.notes[at.SHA256] = note
	}
}

// Files implements session.Form: the attached notes' bytes by hash.
func (a *Form) Files() map[string][]byte {
	out := map[string][]byte{}
	for _, at := range a.attached {
		out[at.SHA256] = a.notes[at.SHA256]
	}
	return out
}

// Validate implements session.Form.
func (a *Form) Validate(lang string) (int, []string) {
	a.showAll = true
	n := 0
	for _, p := range a.f.Validate() {
		if !strings.HasPrefix(p.Path, "attachments.") {
			n++
		}
	}
	var missing []string
	for _, s := range a.f.Attachments() {
		if s.Missing {
			missing = append(missing, s.Spec.Name.In(lang))
		}
	}
	return n, missing
}

// Dossiers implements session.Form: one dossier.
func (a *Form) Dossiers(m session.DossierMeta) ([]dossier.Dossier, error) {
	d, err := a.f.Build(dossier.NewID(m.Now))
	if err != nil {
		return nil, err
	}
	d.KioskID, d.CounterID, d.ClerkID = m.KioskID, m.CounterID, m.ClerkID
	return []dossier.Dossier{d}, nil
}

// Wipe implements session.Form.
func (a *Form) Wipe() {
	a.f.Wipe()
	a.attached, a.notes, a.touched = nil, nil, nil
}

// Metrics implements session.Form.
func (a *Form) Metrics() session.Metrics {
	m := a.f.Metrics()
	return session.Metrics{Total: m.FieldsTotal, Prefilled: m.Prefilled + m.System, Typed: m.Typed,
		ChipVerified: a.chip, IDPapersAsked: !a.chip}
}

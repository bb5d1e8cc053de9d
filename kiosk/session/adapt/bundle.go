package adapt

import (
	"errors"
	"strings"

	"motcua/cardreader"
	"motcua/kiosk/catalog"
	"motcua/kiosk/form"
	"motcua/kiosk/session"
	"motcua/offline/dossier"
)

// Bundle adapts a form.Intake (liên thông: one form per step, values
// carried forward) to session.Form. Paths, attachment keys and person
// slots are prefixed with the step's slug and a colon ("khai-sinh:child.fullName").
type Bundle struct {
	in    *form.Intake
	p     *catalog.Procedure
	steps []*Form
}

func (f *Forms) openBundle(p *catalog.Procedure, requester *cardreader.Reading) (session.Form, error) {
	in, err := form.NewIntake(f.Catalog, p, f.Options)
	if err != nil {
		return nil, err
	}
	b := &Bundle{in: in, p: p}
	chip := requester != nil && form.Verified(requester)
	for _, s := range in.Steps() {
		b.steps = append(b.steps, &Form{f: s, now: f.Options.Now, chip: chip})
	}
	if requester != nil {
		// The requester declares in the first step; Flow carries them on.
		if _, err := in.Steps()[0].PlaceCard(requester); err != nil && !errors.Is(err, form.ErrNoSlot) {
			return nil, err
		}
		in.Flow()
	}
	return b, nil
}

var _ session.Form = (*Bundle)(nil)

func (b *Bundle) split(path string) (*Form, string, bool) {
	slug, rest, ok := strings.Cut(path, ":")
	if !ok {
		return nil, "", false
	}
	for _, s := range b.steps {
		if s.f.Procedure().Slug == slug {
			return s, rest, true
		}
	}
	return nil, "", false
}

// Procedure implements session.Form: the bundle.
func (b *Bundle) Procedure() *catalog.Procedure { return b.p }

// Fields implements session.Form: every step's fields, sections titled
// with the step's name.
func (b *Bundle) Fields(lang string) []session.Field {
	var out []session.Field
	for _, s := range b.steps {
		name := s.f.Procedure().Name.In(lang)
		for _, f := range s.Fields(lang) {
			f.Path = s.f.Procedure().Slug + ":" + f.Path
			f.Section = name + " — " + f.Section
			out = append(out, f)
		}
	}
	return out
}

// Set implements session.Form, then carries the value forward.
func (b *Bundle) Set(path, value string) error {
	s, rest, ok := b.split(path)
	if !ok {
		return form.ErrUnknownField
	}
	err := s.Set(rest, value)
	b.in.Flow()
	return err
}

// Slots implements session.Form.
func (b *Bundle) Slots(lang string) []session.PersonSlot {
	var out []session.PersonSlot
	for _, s := range b.steps {
		for _, sl := range s.Slots(lang) {
			sl.Path = s.f.Procedure().Slug + ":" + sl.Path
			sl.Label = s.f.Procedure().Name.In(lang) + " — " + sl.Label
			out = append(out, sl)
		}
	}
	return out
}

// AddPerson implements session.Form: into the named step's block, or the
// first step with room.
func (b *Bundle) AddPerson(path string, r *cardreader.Reading, lang string) (string, error) {
	defer b.in.Flow()
	if path != "" {
		s, rest, ok := b.split(path)
		if !ok {
			return "", form.ErrUnknownField
		}
		return s.AddPerson(rest, r, lang)
	}
	var err error
	for _, s := range b.steps {
		var label string
		if label, err = s.AddPerson("", r, lang); err == nil {
			return label, nil
		}
	}
	return "", err
}

// Attachments implements session.Form.
func (b *Bundle) Attachments(lang string) []session.Attachment {
	var out []session.Attachment
	for _, s := range b.steps {
		for _, a := range s.Attachments(lang) {
			a.Key = s.f.Procedure().Slug + ":" + a.Key
			out = append(out, a)
		}
	}
	return out
}

// SetAttachment implements session.Form.
func (b *Bundle) SetAttachment(key string, have bool) {
	if s, rest, ok := b.split(key); ok {
		s.SetAttachment(rest, have)
	}
}

// Validate implements session.Form over every step.
func (b *Bundle) Validate(lang string) (int, []string) {
	b.in.Flow()
	n := 0
	var missing []string
	for _, s := range b.steps {
		k, m := s.Validate(lang)
		n += k
		missing = append(missing, m...)
	}
	return n, missing
}

// Dossiers implements session.Form: one linked dossier per step.
func (b *Bundle) Dossiers(m session.DossierMeta) ([]dossier.Dossier, error) {
	ds, err := b.in.Build(func() string { return dossier.NewID(m.Now) })
	if err != nil {
		return nil, err
	}
	for i := range ds {
		ds[i].KioskID, ds[i].CounterID, ds[i].ClerkID = m.KioskID, m.CounterID, m.ClerkID
	}
	return ds, nil
}

// Files implements session.Form.
func (b *Bundle) Files() map[string][]byte {
	out := map[string][]byte{}
	for _, s := range b.steps {
		for k, v := range s.Files() {
			out[k] = v
		}
	}
	return out
}

// Metrics implements session.Form, summed over the steps.
func (b *Bundle) Metrics() session.Metrics {
	var m session.Metrics
	for _, s := range b.steps {
		sm := s.Metrics()
		m.Total += sm.Total
		m.Prefilled += sm.Prefilled
		m.Typed += sm.Typed
		m.ChipVerified, m.IDPapersAsked = sm.ChipVerified, sm.IDPapersAsked
	}
	return m
}

// Wipe implements session.Form.
func (b *Bundle) Wipe() {
	b.in.Wipe()
	for _, s := range b.steps {
		s.attached, s.notes, s.touched = nil, nil, nil
	}
}

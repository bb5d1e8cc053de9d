package form

import (
	"fmt"
	"strings"

	"motcua/kiosk/catalog"
	"motcua/offline/dossier"
)

// Intake is one visit that files a bundle (liên thông): a Form per step,
// the child's or the deceased's data typed once and carried forward, and
// linked dossiers at the end.
type Intake struct {
	bundle *catalog.Procedure
	steps  []*Form
}

// NewIntake starts the forms of every step of bundle b, whose steps are
// looked up in c.
func NewIntake(c *catalog.Catalog, b *catalog.Procedure, opts Options) (*Intake, error) {
	if b.Kind != catalog.KindBundle {
		return nil, fmt.Errorf("form: %s is not a bundle", b.Slug)
	}
	in := &Intake{bundle: b}
	for _, s := range b.Steps {
		p, ok := c.Lookup(s.Procedure)
		if !ok {
			return nil, fmt.Errorf("form: bundle %s: step %s: %w", b.Slug, s.Procedure, ErrUnknownField)
		}
		f, err := New(p, opts)
		if err != nil {
			return nil, err
		}
		in.steps = append(in.steps, f)
	}
	in.Flow()
	return in, nil
}

// Bundle is the bundle being filed.
func (in *Intake) Bundle() *catalog.Procedure { return in.bundle }

// Steps are the forms, in bundle order. Edit them directly; call Flow (or
// Build, which calls it) to carry the edits forward.
func (in *Intake) Steps() []*Form { return in.steps }

// Step returns the form of the step for procedure slug.
func (in *Intake) Step(slug string) (*Form, bool) {
	for _, f := range in.steps {
		if f.proc.Slug == slug {
			return f, true
		}
	}
	return nil, false
}

// Flow copies carried values from earlier steps into later ones and sets
// the bundle's fixed values. Carried values are locked in the later step
// (edit them where they were entered) and keep their provenance. A person
// block is carried with its card, so a chip-verified declarant stays
// chip-verified in every dossier. Flow is idempotent.
func (in *Intake) Flow() {
	for i, s := range in.bundle.Steps {
		dst := in.steps[i]
		for _, c := range s.Carry {
			ref := c.From
			if c.Or != "" && in.empty(c.From) {
				ref = c.Or
			}
			slug, from, _ := strings.Cut(ref, ":")
			src, ok := in.Step(slug)
			if !ok {
				continue
			}
			if fd, ok := src.proc.Field(from); ok && fd.Type == catalog.TypePerson {
				carryPerson(src.blocks[from], dst.blocks[c.To])
				continue
			}
			v, err := src.Get(from)
			if err != nil {
				continue
			}
			if e := dst.entry(c.To, true); e != nil {
				carryValue(v, e)
			}
		}
		for _, to := range sortedKeys(s.Set) {
			if e := dst.entry(to, true); e != nil {
				e.Value = Value{Value: s.Set[to], Provenance: dossier.FromStaff, Locked: LockBundle}
			}
		}
		dst.changed()
	}
}

// empty reports whether the "slug:path" a carry names holds nothing.
func (in *Intake) empty(ref string) bool {
	slug, path, _ := strings.Cut(ref, ":")
	src, ok := in.Step(slug)
	if !ok {
		return true
	}
	if p := src.blocks[path]; p != nil {
		return p.empty()
	}
	v, err := src.Get(path)
	return err != nil || v.Value == ""
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// carryValue copies v into e, or clears e if it was carried and v is gone.
func carryValue(v Value, e *entry) {
	if v.Value == "" && v.Locked == "" {
		if e.Value.Carried {
			e.Value = Value{}
		}
		return
	}
	lock := v.Locked
	if lock == "" {
		lock = LockCarried
	}
	e.Value = Value{Value: v.Value, Provenance: v.Provenance, Locked: lock, Carried: true, Address: v.Address}
}

// carryPerson mirrors src into dst for the sub-fields both have. An empty
// source leaves dst alone, so a card read straight into dst (the father
// declaring instead of the mother) is kept.
func carryPerson(src, dst *person) {
	if src == nil || dst == nil {
		return
	}
	if src.empty() {
		if dst.carried {
			for k, e := range dst.values {
				if e.Value.Carried {
					delete(dst.values, k)
				}
			}
			dst.card, dst.carried = nil, false
		}
		return
	}
	for i := range dst.field.Fields {
		key := dst.field.Fields[i].Key
		if _, ok := src.field.Sub(key); !ok {
			continue
		}
		e := dst.values[key]
		if e == nil {
			e = &entry{}
			dst.values[key] = e
		}
		var v Value
		if se := src.values[key]; se != nil {
			v = se.Value
		}
		carryValue(v, e)
	}
	dst.card, dst.carried = src.card, true
}

// Missing lists what is still missing, per step, with paths prefixed by the
// step's slug ("khai-sinh:child.fullName").
func (in *Intake) Missing() []Missing {
	in.Flow()
	var out []Missing
	for _, f := range in.steps {
		for _, m := range f.Missing() {
			m.Path = f.proc.Slug + ":" + m.Path
			out = append(out, m)
		}
	}
	return out
}

// Metrics returns each step's metrics, in bundle order.
func (in *Intake) Metrics() []Metrics {
	in.Flow()
	out := make([]Metrics, len(in.steps))
	for i, f := range in.steps {
		out[i] = f.Metrics()
	}
	return out
}

// Build carries values forward, checks every step and returns one dossier
// per step, all with the same BundleID and each LinkedTo the one before.
// newID is called once for the bundle and once per step (pass a function
// around dossier.NewID).
func (in *Intake) Build(newID func() string) ([]dossier.Dossier, error) {
	in.Flow()
	var probs []Problem
	for _, f := range in.steps {
		for _, p := range f.Validate() {
			p.Path = f.proc.Slug + ":" + p.Path
			probs = append(probs, p)
		}
	}
	if len(probs) > 0 {
		return nil, &IncompleteError{Problems: probs}
	}
	bundleID := newID()
	if !dossier.ValidID(bundleID) {
		return nil, ErrBadID
	}
	out := make([]dossier.Dossier, 0, len(in.steps))
	for i, f := range in.steps {
		id := newID()
		if !dossier.ValidID(id) {
			return nil, ErrBadID
		}
		d := f.build(id)
		d.BundleID = bundleID
		if i > 0 {
			d.LinkedTo = out[i-1].ID
		}
		out = append(out, d)
	}
	return out, nil
}

// Wipe wipes every step's form.
func (in *Intake) Wipe() {
	for _, f := range in.steps {
		f.Wipe()
	}
	in.Flow()
}

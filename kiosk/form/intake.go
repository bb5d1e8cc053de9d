package form

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"motcua/kiosk/catalog"
	"motcua/offline/dossier"
)

// Intake is what one visit files: a procedure is an intake of one step; a
// bundle (liên thông) has a Form per step, the child's or the deceased's
// data typed once and carried forward, and linked dossiers at the end.
type Intake struct {
	bundle *catalog.Procedure
	steps  []*Form
}

// NewIntake starts the form of procedure b, or the forms of every step of
// bundle b, whose steps are looked up in c.
func NewIntake(c *catalog.Catalog, b *catalog.Procedure, opts Options) (*Intake, error) {
	in := &Intake{bundle: b}
	if b.Kind != catalog.KindBundle {
		f, err := New(b, opts)
		if err != nil {
			return nil, err
		}
		in.steps = []*Form{f}
		return in, nil
	}
	for _, s := range b.Steps {
		p, ok := c.Lookup(s.Procedure)
		if !ok {
			return nil, fmt.Errorf("form: bundle %s: step %s: %w", b.Slug, s.Procedure, ErrUnknownField)
		}
		f, err := New(p, opts)
		if err != nil {
			return nil, err
		}
		f.provided = s.Provided
		in.steps = append(in.steps, f)
	}
	in.Flow()
	return in, nil
}

// Bundle is the procedure or bundle being filed.
func (in *Intake) Bundle() *catalog.Procedure { return in.bundle }

// Bundled reports whether the intake files a bundle (several linked
// dossiers, paths prefixed by the step's slug) rather than one procedure.
func (in *Intake) Bundled() bool { return in.bundle.Kind == catalog.KindBundle }

// Path is how the intake names a path of step f: "slug:path" in a bundle,
// the path itself for one procedure.
func (in *Intake) Path(f *Form, path string) string {
	if !in.Bundled() {
		return path
	}
	return f.proc.Slug + ":" + path
}

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
// chip-verified in every dossier. Besides the bundle's carries, a person's
// answers follow the person (see follow). Every carried value is carried
// again from its source each time, so one whose source was cleared (or is
// now someone else) goes. Flow is idempotent.
func (in *Intake) Flow() {
	for i, s := range in.bundle.Steps {
		dst := in.steps[i]
		dst.dropCarried()
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
		in.follow(i)
		for _, to := range slices.Sorted(maps.Keys(s.Set)) {
			if e := dst.entry(to, true); e != nil {
				e.Value = Value{Value: s.Set[to], Provenance: dossier.FromStaff, Locked: LockBundle}
			}
		}
		dst.changed()
	}
}

// follow lets a person's answers follow the person through the bundle, so
// that nothing is asked twice: a block or row of step i that holds an ID
// number (read from a card, carried or typed) takes, for each sub-field
// where nothing is recorded (not typed, not carried, not from its card),
// what the same person (same ID number) answered to the same sub-field
// (same key and type) in an earlier step. The nearest earlier step wins:
// it already holds what it took from the steps before it, and it is where
// the clerk last saw the person; within a step, the first block in form
// order with an answer.
func (in *Intake) follow(i int) {
	for _, p := range in.steps[i].people() {
		id := p.id()
		if id == "" {
			continue
		}
		for k := range p.field.Fields {
			sf := &p.field.Fields[k]
			e := p.values[sf.Key]
			if e != nil && (e.typed || e.Value != (Value{})) {
				continue
			}
			v, ok := in.answer(i, id, sf)
			if !ok {
				continue
			}
			if e == nil {
				e = &entry{}
				p.values[sf.Key] = e
			}
			carryValue(v, e)
		}
	}
}

// answer is the nearest answer, in the steps before step i, of the person
// with ID number id to a sub-field like sf.
func (in *Intake) answer(i int, id string, sf *catalog.Field) (Value, bool) {
	for j := i - 1; j >= 0; j-- {
		for _, q := range in.steps[j].people() {
			if q.id() != id {
				continue
			}
			if qf, ok := q.field.Sub(sf.Key); !ok || qf.Type != sf.Type {
				continue
			}
			if e := q.values[sf.Key]; e != nil && e.Value.Value != "" {
				return e.Value, true
			}
		}
	}
	return Value{}, false
}

// dropCarried empties every value carried into f's people, for Flow to
// carry again from the sources as they are now.
func (f *Form) dropCarried() {
	for _, p := range f.people() {
		for _, e := range p.values {
			if e.Value.Carried {
				e.Value = Value{}
			}
		}
	}
}

// people are f's person blocks and table rows, in form order.
func (f *Form) people() []*person {
	var out []*person
	for si := range f.proc.Sections {
		for _, fd := range f.proc.Sections[si].Fields {
			switch fd.Type {
			case catalog.TypePerson:
				out = append(out, f.blocks[fd.Key])
			case catalog.TypePersonTable:
				out = append(out, f.tables[fd.Key]...)
			}
		}
	}
	return out
}

// id is the person's ID number (the sub-field a card fills from
// citizen.id), "" when none is known.
func (p *person) id() string {
	for i := range p.field.Fields {
		if sf := &p.field.Fields[i]; sf.Prefill == "citizen.id" {
			return p.get(sf.Key)
		}
	}
	return ""
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

// Missing lists what is still missing, per step, with paths as Path names
// them ("khai-sinh:child.fullName" in a bundle).
func (in *Intake) Missing() []Missing {
	in.Flow()
	var out []Missing
	for _, f := range in.steps {
		for _, m := range f.Missing() {
			m.Path = in.Path(f, m.Path)
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
// around dossier.NewID). A procedure's intake builds its one dossier, with
// no bundle ID.
func (in *Intake) Build(newID func() string) ([]dossier.Dossier, error) {
	if !in.Bundled() {
		d, err := in.steps[0].Build(newID())
		if err != nil {
			return nil, err
		}
		return []dossier.Dossier{d}, nil
	}
	in.Flow()
	var probs []Problem
	for _, f := range in.steps {
		for _, p := range f.Validate() {
			p.Path = in.Path(f, p.Path)
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

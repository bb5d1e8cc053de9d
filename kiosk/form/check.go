package form

import (
	"motcua/kiosk/address"

	"motcua/cardreader/cccd"
	"motcua/kiosk/catalog"
	"motcua/offline/dossier"
)

// FieldState is everything the UI shows about one value slot.
type FieldState struct {
	Path     string         `json:"path"`
	Section  string         `json:"section"`          // section key
	Person   string         `json:"person,omitempty"` // enclosing block or row path ("wife", "members[1]")
	Field    *catalog.Field `json:"-"`
	Value    Value          `json:"value"`
	Required bool           `json:"required"` // required given the current values
	// FromCard is true when a card was read for this person and its source
	// carries this field: the field is answered, even if the card left it
	// empty (no spouse), and is never listed as missing.
	FromCard bool `json:"fromCard,omitempty"`
	// CardUnparsed is set when the card holds this field but the reader
	// could not parse it: the field is asked for, typed and never locked,
	// and the UI flags it with the reason (and may show the raw text).
	CardUnparsed *cccd.Unparsed `json:"cardUnparsed,omitempty"`
	Missing      bool           `json:"missing"`
	Problems     []Problem      `json:"problems,omitempty"` // what is wrong with the value itself
}

// Fields returns every value slot of the form in form order: top-level
// fields, each person block's sub-fields, and each table row's columns.
func (f *Form) Fields() []FieldState {
	var out []FieldState
	f.each(func(s FieldState) { out = append(out, s) })
	return out
}

// each walks the current slots and computes their state.
func (f *Form) each(fn func(FieldState)) {
	today := f.opts.today()
	for si := range f.proc.Sections {
		sec := &f.proc.Sections[si]
		for fi := range sec.Fields {
			fd := &sec.Fields[fi]
			switch fd.Type {
			case catalog.TypePerson:
				p := f.blocks[fd.Key]
				active := f.blockRequired(fd) || !p.empty()
				for ci := range fd.Fields {
					fn(f.state(sec.Key, fd.Key+"."+fd.Fields[ci].Key, fd.Key, &fd.Fields[ci], p, active, today))
				}
			case catalog.TypePersonTable, catalog.TypeTable:
				for ri, p := range f.tables[fd.Key] {
					row := catalog.RowPath(fd.Key, ri)
					for ci := range fd.Fields {
						fn(f.state(sec.Key, row+"."+fd.Fields[ci].Key, row, &fd.Fields[ci], p, true, today))
					}
				}
			default:
				fn(f.state(sec.Key, fd.Key, "", fd, nil, true, today))
			}
		}
	}
}

func (f *Form) state(section, path, personPath string, fd *catalog.Field, p *person, active bool, today cccd.Date) FieldState {
	s := FieldState{Path: path, Section: section, Person: personPath, Field: fd}
	if p != nil {
		if e := p.values[fd.Key]; e != nil {
			s.Value = e.Value
		}
		s.FromCard = p.card != nil && fd.Identity() && p.card.carries(fd.Prefill)
		if u, bad := p.card.unparsedField(fd.Prefill); bad {
			s.CardUnparsed = &u
		}
	} else if e := f.top[fd.Key]; e != nil {
		s.Value = e.Value
	}
	s.Required = active && (fd.Required || fd.RequiredIf != nil && fd.RequiredIf.Holds(f.relValue(fd.RequiredIf.Field, p)))
	s.Missing = s.Required && s.Value.Value == "" && !s.FromCard
	// Chip-verified values are signed by the issuing state: the citizen
	// cannot change them, so they are not second-guessed here.
	if s.Value.Value != "" && s.Value.Provenance != dossier.FromChip {
		if err := checkValue(fd, s.Value.Value, p, today); err != nil && !cardDigitsWarning(s.Value, err) {
			s.Problems = append(s.Problems, problem(path, err))
		}
	}
	// An old ward split across several new units is never guessed: the
	// clerk picks the unit (one tap) or types the address before filing.
	if a := s.Value.Address; a != nil && a.Status == address.Ambiguous && s.Value.Value == a.Text {
		s.Problems = append(s.Problems, problem(path, invalid(CodeAddressChoice)))
	}
	if fd.MinAge > 0 && s.Value.Value != "" && len(s.Problems) == 0 {
		if dob, err := cccd.ParseISO(s.Value.Value); err == nil && dob.AgeOn(today) < fd.MinAge {
			s.Problems = append(s.Problems, problem(path, invalidLimit(CodeTooYoung, "min %d", fd.MinAge)))
		}
	}
	if fd.NotBefore != "" && s.Value.Value != "" && len(s.Problems) == 0 && precedes(s.Value.Value, f.relValue(fd.NotBefore, p)) {
		s.Problems = append(s.Problems, problem(path, invalidLimit(CodeDateOrder, "not before %s", fd.NotBefore)))
	}
	return s
}

// precedes reports whether date v is surely before date start: a partial
// date (a year) counts as its whole span, so "2024" is not before
// 2024-06-01. An empty or unparsable start is not checked here (it has its
// own problem).
func precedes(v, start string) bool {
	a, err := cccd.ParseISO(v)
	if err != nil {
		return false
	}
	b, err := cccd.ParseISO(start)
	if err != nil || b.IsZero() {
		return false
	}
	return a.Last().Before(b.First())
}

// blockRequired reports whether a person block must be filled.
func (f *Form) blockRequired(fd *catalog.Field) bool {
	return fd.Required || fd.RequiredIf != nil && fd.RequiredIf.Holds(f.relValue(fd.RequiredIf.Field, nil))
}

// relValue is the value of a field another field refers to (a condition, a
// date range): a sibling in p when p has that field, else a top-level or
// "block.sub" path.
func (f *Form) relValue(field string, p *person) string {
	if p != nil {
		if _, ok := p.field.Sub(field); ok {
			return p.get(field)
		}
	}
	v, _ := f.Get(field)
	return v.Value
}

// checkValue checks a non-empty value against its field's type and bounds.
func checkValue(fd *catalog.Field, v string, p *person, today cccd.Date) *Invalid {
	sex, dob := siblings(p)
	err := Types.Lookup(fd.Type).Check(fd, v, Context{Today: today, Sex: sex, Birth: dob})
	if err == nil {
		return nil
	}
	return err.(*Invalid)
}

// siblings finds the sex and date of birth in the same person, to check an
// ID number against; unknown or unparsable ones are not checked.
func siblings(p *person) (cccd.Sex, cccd.Date) {
	var sex cccd.Sex
	var dob cccd.Date
	if p == nil {
		return sex, dob
	}
	for i := range p.field.Fields {
		sf := &p.field.Fields[i]
		v := p.get(sf.Key)
		switch {
		case sf.Prefill == "citizen.sex" || sf.Key == "sex":
			if s, ok := cccd.ParseSex(v); ok {
				sex = s
			}
		case sf.Prefill == "citizen.dateOfBirth" || sf.Key == "dateOfBirth":
			if d, err := cccd.ParseISO(v); err == nil {
				dob = d
			}
		}
	}
	return sex, dob
}

// CheckField returns the problems of one field as it stands: its value's
// own problems, and "required" when it is missing. Call it as the citizen
// types for live feedback.
func (f *Form) CheckField(path string) ([]Problem, error) {
	if _, err := f.parse(path); err != nil {
		return nil, err
	}
	var out []Problem
	found := false
	f.each(func(s FieldState) {
		if s.Path != path {
			return
		}
		found = true
		out = append(out, s.Problems...)
		if s.Missing {
			out = append(out, problem(path, invalid(CodeRequired)))
		}
	})
	if !found {
		return nil, ErrUnknownField
	}
	return out, nil
}

// Missing is one thing still to supply: a field, an attachment, or rows of a
// table.
type Missing struct {
	Path       string       `json:"path"`
	Section    string       `json:"section,omitempty"`
	Label      catalog.Text `json:"label"`
	Attachment bool         `json:"attachment,omitempty"`
}

// Missing lists what the citizen must still supply, in form order: required
// fields that are empty and not answered by a card, required person tables
// short of rows, then required attachments not yet attached.
func (f *Form) Missing() []Missing {
	var out []Missing
	f.each(func(s FieldState) {
		if s.Missing {
			out = append(out, Missing{Path: s.Path, Section: s.Section, Label: s.Field.Label})
		}
	})
	for _, t := range f.tableShort() {
		out = append(out, Missing{Path: t.Key, Label: t.Label})
	}
	for _, a := range f.Attachments() {
		if a.Missing {
			out = append(out, Missing{Path: "attachments." + a.Spec.Key, Label: a.Spec.Name, Attachment: true})
		}
	}
	return out
}

func (f *Form) tableShort() []*catalog.Field {
	var out []*catalog.Field
	for si := range f.proc.Sections {
		for fi := range f.proc.Sections[si].Fields {
			fd := &f.proc.Sections[si].Fields[fi]
			if fd.Type.Rows() && len(f.tables[fd.Key]) < fd.MinRows {
				out = append(out, fd)
			}
		}
	}
	return out
}

// Validate returns every problem that stops the dossier from being filed:
// values that fail their checks, missing required fields, tables short of
// rows and missing required attachments. None quotes a value.
func (f *Form) Validate() []Problem {
	var out []Problem
	f.each(func(s FieldState) {
		out = append(out, s.Problems...)
		if s.Missing {
			out = append(out, problem(s.Path, invalid(CodeRequired)))
		}
	})
	for _, t := range f.tableShort() {
		out = append(out, problem(t.Key, invalidLimit(CodeTooFewRows, "min %d", t.MinRows)))
	}
	for _, a := range f.Attachments() {
		if a.Missing {
			out = append(out, problem("attachments."+a.Spec.Key, invalid(CodeAttachmentRequired)))
		}
	}
	return out
}

package form

import (
	"errors"
	"fmt"
	"strings"

	"motcua/kiosk/catalog"
	"motcua/offline/dossier"
)

// ErrBadID reports a dossier ID that is not a UUID from dossier.NewID.
var ErrBadID = errors.New("form: dossier ID is not a UUID")

// IncompleteError lists why a form cannot become a dossier yet.
// errors.Is(err, ErrIncomplete) matches it.
type IncompleteError struct{ Problems []Problem }

// ErrIncomplete matches every *IncompleteError.
var ErrIncomplete = errors.New("form: the form is not complete")

func (e *IncompleteError) Error() string {
	paths := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		paths = append(paths, p.Path+" ("+string(p.Code)+")")
	}
	return fmt.Sprintf("form: %d problem(s): %s", len(e.Problems), strings.Join(paths, ", "))
}

// Unwrap makes errors.Is(err, ErrIncomplete) match.
func (e *IncompleteError) Unwrap() error { return ErrIncomplete }

// Build turns a complete form into a dossier with the given ID (make one
// with dossier.NewID). Top-level values go to Dossier.Values; each person
// block or table row that holds anything becomes an Applicant with its role,
// its values with provenance, and how its card was verified. Empty values
// are left out. A form with problems returns an *IncompleteError.
func (f *Form) Build(id string) (dossier.Dossier, error) {
	if !dossier.ValidID(id) {
		return dossier.Dossier{}, ErrBadID
	}
	if probs := f.Validate(); len(probs) > 0 {
		return dossier.Dossier{}, &IncompleteError{Problems: probs}
	}
	return f.build(id), nil
}

func (f *Form) build(id string) dossier.Dossier {
	d := dossier.Dossier{
		ID:            id,
		ProcedureCode: f.proc.Ref(),
		ProcedureName: f.proc.Name.VI,
		Applicants:    []dossier.Applicant{},
		Values:        map[string]dossier.Value{},
		CreatedAt:     f.opts.now().UTC(),
		KioskID:       f.opts.KioskID,
		CounterID:     f.opts.CounterID,
		ClerkID:       f.opts.ClerkID,
		// The portal computes the appointment date from this.
		ProcessingDays: f.proc.Days,
	}
	for si := range f.proc.Sections {
		for fi := range f.proc.Sections[si].Fields {
			fd := &f.proc.Sections[si].Fields[fi]
			switch fd.Type {
			case catalog.TypePerson:
				if p := f.blocks[fd.Key]; !p.empty() {
					d.Applicants = append(d.Applicants, applicant(fd, p))
				}
			case catalog.TypePersonTable:
				for _, p := range f.tables[fd.Key] {
					if !p.empty() {
						d.Applicants = append(d.Applicants, applicant(fd, p))
					}
				}
			case catalog.TypeTable:
				// Typed rows are nobody's: their cells go in the dossier's
				// values as "key[i].col", empty rows dropped and the rest
				// numbered from 0 again.
				i := 0
				for _, p := range f.tables[fd.Key] {
					if p.empty() {
						continue
					}
					for col, e := range p.values {
						if e.Value.Value != "" {
							d.Values[catalog.CellPath(fd.Key, i, col)] = dossier.Value{Value: e.Value.Value, Provenance: e.Value.Provenance}
						}
					}
					i++
				}
			default:
				if e := f.top[fd.Key]; e != nil && e.Value.Value != "" {
					d.Values[fd.Key] = dossier.Value{Value: e.Value.Value, Provenance: e.Value.Provenance}
				}
			}
		}
	}
	for _, a := range f.proc.Attachments {
		d.Attachments = append(d.Attachments, f.attach[a.Key]...)
	}
	return d
}

// noCard is the verification summary of a person typed in by hand.
var noCard = dossier.Verification{Source: "none", Passive: "not-checked", Active: "not-checked", Chip: "not-checked"}

func applicant(fd *catalog.Field, p *person) dossier.Applicant {
	a := dossier.Applicant{Role: fd.Role, Values: map[string]dossier.Value{}, Verification: noCard}
	if p.card != nil {
		a.Verification = p.card.summary
	}
	for i := range fd.Fields {
		sf := &fd.Fields[i]
		v := p.get(sf.Key)
		if v == "" {
			continue
		}
		a.Values[sf.Key] = dossier.Value{Value: v, Provenance: p.values[sf.Key].Value.Provenance}
		recordAddress(&a, sf.Key, p.values[sf.Key])
		switch sf.Prefill {
		case "citizen.id":
			a.ID = v
		case "citizen.fullName":
			a.FullName = v
		}
		if sf.Prefill == "" && sf.Key == "fullName" {
			a.FullName = v // a cardless person (a newborn)
		}
	}
	return a
}

package demofill

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"motcua/kiosk/catalog"
	"motcua/kiosk/form"
	"motcua/kiosk/session"
)

// TypedValue is a valid value for a field a card cannot fill, as a citizen
// would type it.
func TypedValue(f *catalog.Field, now time.Time) string {
	if f == nil {
		return "x"
	}
	return form.Types.Lookup(f.Type).Sample(f, now)
}

// CatalogField finds the catalog field of a form path ("members[1].sex" is
// the table column "members[].sex").
func CatalogField(p *catalog.Procedure, path string) *catalog.Field {
	clean := path
	if i := strings.IndexByte(path, '['); i >= 0 {
		j := strings.IndexByte(path, ']')
		clean = path[:i] + "[]" + path[j+1:]
	}
	var out *catalog.Field
	p.Walk(func(fp string, f *catalog.Field, _ *catalog.Field) {
		if fp == clean {
			out = f
		}
	})
	return out
}

// Todo lists the required fields still empty and open for typing, with a
// value for each. Setting one may make others required (RequiredIf), so
// callers loop until it is empty.
func Todo(s *session.Session, now time.Time) map[string]string {
	f := s.Form()
	out := map[string]string{}
	for _, fd := range f.Fields("vi") {
		if fd.Locked || fd.Value != "" || !fd.Required || !fd.Type.Leaf() {
			continue
		}
		spec := fd.Spec
		if spec == nil {
			spec = CatalogField(f.Procedure(), fd.Path)
		}
		out[fd.Path] = TypedValue(spec, now)
	}
	// The sample ID number (001090000009) is a man born in 1990: a person
	// typed in whole (no card) gets a birth date that agrees with it.
	for p := range out {
		if block, ok := strings.CutSuffix(p, ".idNumber"); ok {
			if _, both := out[block+".dateOfBirth"]; both {
				out[block+".dateOfBirth"] = "15/03/1990"
			}
		}
	}
	return out
}

// Fill types every required value the card did not give, through the session.
func Fill(s *session.Session, now time.Time) error {
	// A table of typed rows (a residence history) gets the rows it needs.
	for _, fd := range s.Form().Fields("vi") {
		if fd.Type != catalog.TypeTable {
			continue
		}
		for n := fd.Rows; n < max(fd.Spec.MinRows, 1) && fd.Required; n++ {
			if _, err := s.AddRow(fd.Path); err != nil {
				return fmt.Errorf("add a row to %s: %w", fd.Path, err)
			}
		}
	}
	for range 5 {
		todo := Todo(s, now)
		if len(todo) == 0 {
			return nil
		}
		for p, v := range todo {
			// In a bundle an earlier step's value may have just been
			// carried into (and locked in) a later one.
			if err := s.Set(p, v); err != nil && !errors.Is(err, session.ErrLocked) {
				return fmt.Errorf("set %s: %w", p, err)
			}
		}
	}
	return nil
}

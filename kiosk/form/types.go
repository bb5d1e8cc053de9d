package form

import (
	"fmt"
	"strings"
	"time"

	"motcua/cardreader/cccd"
	"motcua/kiosk/catalog"
)

// Input is the kind of editor a field type wants on screen.
type Input int

// Editors.
const (
	InputText   Input = iota // a text box (with the on-screen keyboard in self-service)
	InputChoice              // a drop-down of the field's options
	InputCheck               // a yes/no box
	InputNone                // not typed: an attachment's hash is set by the checklist
)

// Hint tells the UI how to ask for a value.
type Hint struct {
	Input       Input
	Placeholder string // shown in an empty text box, e.g. "dd/mm/yyyy"
}

// Context is what a check may look at besides the value itself.
type Context struct {
	Today cccd.Date
	// Sex and Birth are the person's, when the same block holds them (an
	// ID number is checked against both); zero when unknown.
	Sex   cccd.Sex
	Birth cccd.Date
}

// Type is the kiosk's behaviour for one catalog field type: one row of
// Types. Normalize and Check are required; Display, when nil, shows the
// stored value as it is.
type Type struct {
	// Normalize puts a typed value in its stored form when it parses, and
	// otherwise returns it as typed (trimmed) so that Check can say what is
	// wrong.
	Normalize func(fd *catalog.Field, s string) string
	// Check checks a non-empty stored value; the error is an *Invalid.
	Check func(fd *catalog.Field, v string, c Context) error
	// Display turns a stored value into what people read.
	Display func(fd *catalog.Field, v string) string
	// Hint is how the UI asks for the value.
	Hint Hint
	// Sample is a valid value as a citizen would type it, for the demo
	// filler and tests.
	Sample func(fd *catalog.Field, now time.Time) string
}

// TypeTable maps each catalog field type to its behaviour.
type TypeTable map[catalog.FieldType]Type

// Has reports whether t has a row; it makes TypeTable a catalog.TypeSet,
// so the catalog loader accepts exactly the types listed here.
func (tt TypeTable) Has(t catalog.FieldType) bool {
	_, ok := tt[t]
	return ok
}

// Lookup returns the row of a value field's type. Every field of a loaded
// catalog has one (the loader refuses others), so a missing row is a
// programming error.
func (tt TypeTable) Lookup(t catalog.FieldType) Type {
	row, ok := tt[t]
	if !ok {
		panic(fmt.Sprintf("form: field type %q has no row in form.Types", t))
	}
	return row
}

// Types is the kiosk's field types, one row each. Adding a type is adding
// a row here (with its tests); the catalog loader then accepts it, and the
// form engine, the screens and the demo filler all use the row.
var Types = TypeTable{
	catalog.TypeText:    textRow,
	catalog.TypeAddress: textRow,
	catalog.TypeDate: {
		Normalize: func(_ *catalog.Field, s string) string {
			if d, err := ParseDate(s, true); err == nil {
				return d.ISO()
			}
			return strings.TrimSpace(s)
		},
		Check: func(fd *catalog.Field, v string, c Context) error {
			d, err := ParseDate(v, fd.YearOnlyAllowed)
			if err != nil {
				return err
			}
			return CheckDateBounds(d, c.Today, fd.NotAfterToday, fd.NotBeforeToday)
		},
		Display: func(_ *catalog.Field, v string) string {
			if d, err := cccd.ParseISO(v); err == nil {
				return d.String()
			}
			return v
		},
		Hint: Hint{Placeholder: "dd/mm/yyyy"},
		Sample: func(fd *catalog.Field, now time.Time) string {
			switch {
			case fd.NotBeforeToday:
				return now.AddDate(0, 6, 0).Format("02/01/2006")
			case fd.YearOnlyAllowed:
				// A date that may be a bare year is an adult's birth (a
				// parent's, a spouse's) or a history's start: decades ago.
				return "15/03/1965"
			}
			return now.AddDate(-1, 0, 0).Format("02/01/2006")
		},
	},
	catalog.TypeChoice: {
		Normalize: func(fd *catalog.Field, s string) string {
			s = strings.TrimSpace(s)
			if fd.Prefill == "citizen.sex" {
				if sx, ok := cccd.ParseSex(s); ok {
					b, _ := sx.MarshalText()
					return string(b)
				}
			}
			return s
		},
		Check: func(fd *catalog.Field, v string, _ Context) error {
			for _, o := range fd.Options {
				if o.Value == v {
					return nil
				}
			}
			return invalid(CodeChoice)
		},
		Hint:   Hint{Input: InputChoice},
		Sample: func(fd *catalog.Field, _ time.Time) string { return fd.Options[0].Value },
	},
	catalog.TypeIDNumber: {
		Normalize: func(_ *catalog.Field, s string) string { return strings.Join(strings.Fields(s), "") },
		Check:     func(_ *catalog.Field, v string, c Context) error { return CheckIDNumber(v, c.Sex, c.Birth) },
		Sample:    func(*catalog.Field, time.Time) string { return "001090000009" },
	},
	catalog.TypePhone: parsed(NormalizePhone, Hint{Placeholder: "09xx xxx xxx"}, "0912345678"),
	catalog.TypeEmail: {
		Normalize: func(_ *catalog.Field, s string) string { return strings.ToLower(strings.TrimSpace(s)) },
		Check:     func(_ *catalog.Field, v string, _ Context) error { return CheckEmail(v) },
		Sample:    func(*catalog.Field, time.Time) string { return "cong.dan@example.vn" },
	},
	catalog.TypeNumber: {
		Normalize: func(_ *catalog.Field, s string) string { return strings.Join(strings.Fields(s), "") },
		Check:     func(fd *catalog.Field, v string, _ Context) error { return checkNumber(v, fd.Min, fd.Max) },
		Sample: func(fd *catalog.Field, _ time.Time) string {
			if fd.Min != nil && *fd.Min > 1 {
				return fmt.Sprint(*fd.Min)
			}
			return "1"
		},
	},
	catalog.TypeBool: {
		Normalize: func(_ *catalog.Field, s string) string {
			switch s = strings.TrimSpace(s); strings.ToLower(s) {
			case "true", "yes", "có", "1":
				return "true"
			case "false", "no", "không", "0":
				return "false"
			}
			return s
		},
		Check: func(_ *catalog.Field, v string, _ Context) error {
			if v != "true" && v != "false" {
				return invalid(CodeBool)
			}
			return nil
		},
		Hint:   Hint{Input: InputCheck},
		Sample: func(*catalog.Field, time.Time) string { return "true" },
	},
	catalog.TypeAttachment: {
		Normalize: func(_ *catalog.Field, s string) string { return strings.TrimSpace(s) },
		Check: func(_ *catalog.Field, v string, _ Context) error {
			if !isHex64(v) {
				return invalid(CodeAttachmentHash)
			}
			return nil
		},
		Hint:   Hint{Input: InputNone},
		Sample: func(*catalog.Field, time.Time) string { return strings.Repeat("ab", 32) },
	},
	catalog.TypeVehiclePlate: parsed(NormalizePlate, Hint{Placeholder: "30A-123.45"}, "30A-123.45"),
}

// textRow is the row of free text (an address too: the conversion to the
// 2025 units is the form's, not the type's).
var textRow = Type{
	Normalize: func(_ *catalog.Field, s string) string { return cccd.NormalizeText(s) },
	Check:     func(fd *catalog.Field, v string, _ Context) error { return checkText(v, fd.MaxLength) },
	Sample: func(*catalog.Field, time.Time) string {
		return "Số 12 phố Lê Lợi, phường Hoàn Kiếm, Hà Nội"
	},
}

// parsed is the row of a type whose values one parser both checks and puts
// in stored form: parse returns the stored form or an *Invalid.
func parsed(parse func(string) (string, error), hint Hint, sample string) Type {
	return Type{
		Normalize: func(_ *catalog.Field, s string) string {
			if v, err := parse(s); err == nil {
				return v
			}
			return strings.TrimSpace(s)
		},
		Check: func(_ *catalog.Field, v string, _ Context) error {
			_, err := parse(v)
			return err
		},
		Hint:   hint,
		Sample: func(*catalog.Field, time.Time) string { return sample },
	}
}

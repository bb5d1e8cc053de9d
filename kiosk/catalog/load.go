package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"motcua/seeds"
)

// ErrInvalid matches every *Error with errors.Is.
var ErrInvalid = errors.New("catalog: invalid procedure file")

// Error is one problem in a catalog file: which file, where in it (a JSON
// path such as "sections[1].fields[0].label.en"), and what is wrong.
type Error struct {
	File    string
	Path    string
	Problem string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("catalog: %s: %s", e.File, e.Problem)
	}
	return fmt.Sprintf("catalog: %s: %s: %s", e.File, e.Path, e.Problem)
}

// Unwrap lets errors.Is(err, ErrInvalid) match.
func (e *Error) Unwrap() error { return ErrInvalid }

// maxFileSize bounds one catalog file; real ones are a few kilobytes.
const maxFileSize = 1 << 20

// TypeSet is the field types a catalog may use, besides the person blocks
// (which are structure, not values). The kiosk's is form.Types: one row per
// type with its behaviour, so a type without behaviour cannot load.
type TypeSet interface {
	Has(FieldType) bool
}

// Embedded loads the catalog shipped in the binary (seeds/procedures).
func Embedded(types TypeSet) (*Catalog, error) {
	sub, err := fs.Sub(seeds.Procedures, "procedures")
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	return LoadFS(sub, types)
}

// LoadDir loads every *.json file in dir.
func LoadDir(dir string, types TypeSet) (*Catalog, error) { return LoadFS(os.DirFS(dir), types) }

// LoadFS loads every *.json file at the root of fsys, checks each, then
// checks the catalog as a whole (unique slugs and codes, bundle steps that
// name loaded procedures, carried paths that exist). All problems are
// returned together, joined.
func LoadFS(fsys fs.FS, types TypeSet) (*Catalog, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	sort.Strings(names)
	var errs []error
	var ps []*Procedure
	for _, name := range names {
		f, err := fsys.Open(name)
		if err != nil {
			errs = append(errs, fmt.Errorf("catalog: %w", err))
			continue
		}
		b, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
		f.Close()
		if err != nil {
			errs = append(errs, fmt.Errorf("catalog: %s: %w", name, err))
			continue
		}
		p, err := Parse(name, b, types)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ps = append(ps, p)
	}
	if len(ps) == 0 && len(errs) == 0 {
		errs = append(errs, &Error{File: ".", Problem: "no procedure files"})
	}
	errs = append(errs, crossCheck(ps)...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	c := &Catalog{}
	c.index(ps)
	return c, nil
}

// Parse decodes and checks one catalog file. name is the file name used in
// messages; when it ends in ".json" it must be the slug plus ".json". Parse
// checks the file on its own against types; LoadFS adds the checks between
// files.
func Parse(name string, data []byte, types TypeSet) (*Procedure, error) {
	if len(data) > maxFileSize {
		return nil, &Error{File: name, Problem: "file larger than 1 MiB"}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p Procedure
	if err := dec.Decode(&p); err != nil {
		if at, problem, ok := locate(data); ok {
			return nil, &Error{File: name, Path: at, Problem: problem}
		}
		return nil, &Error{File: name, Path: jsonPath(err), Problem: jsonProblem(err)}
	}
	if dec.More() {
		return nil, &Error{File: name, Problem: "more than one JSON value"}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &Error{File: name, Problem: "trailing data after the JSON value"}
	}
	p.file = name
	c := checker{file: name, types: types}
	c.procedure(&p)
	if base := path.Base(name); strings.HasSuffix(base, ".json") && p.Slug != "" && base != p.Slug+".json" {
		c.add("slug", "must match the file name (%s)", strings.TrimSuffix(base, ".json"))
	}
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	return &p, nil
}

func jsonPath(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Field
	}
	return ""
}

func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		return "wrong JSON type: want " + te.Type.String() + ", have " + te.Value
	case errors.As(err, &se):
		return fmt.Sprintf("JSON syntax error at byte %d", se.Offset)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "empty or truncated JSON"
	}
	// The remaining decoder errors ("unknown field \"x\"") hold schema
	// names, not personal data.
	return strings.TrimPrefix(err.Error(), "json: ")
}

var (
	slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	keyRE  = regexp.MustCompile(`^[a-z][A-Za-z0-9]*$`)
	codeRE = regexp.MustCompile(`^[1-3]\.[0-9]{6}$`)
)

type checker struct {
	file  string
	types TypeSet
	errs  []error
}

func (c *checker) add(p, format string, args ...any) {
	c.errs = append(c.errs, &Error{File: c.file, Path: p, Problem: fmt.Sprintf(format, args...)})
}

func (c *checker) text(p string, t Text, required bool) {
	if !required && t.VI == "" && t.EN == "" {
		return
	}
	if strings.TrimSpace(t.VI) == "" {
		c.add(p+".vi", "missing Vietnamese text")
	}
	if strings.TrimSpace(t.EN) == "" {
		c.add(p+".en", "missing English text")
	}
}

func (c *checker) procedure(p *Procedure) {
	if p.Schema != 1 {
		c.add("schema", "unsupported schema version %d (want 1)", p.Schema)
	}
	if !slugRE.MatchString(p.Slug) {
		c.add("slug", "must be lower-case words joined by hyphens")
	}
	switch p.CodeStatus {
	case CodeReported:
		if !codeRE.MatchString(p.Code) {
			c.add("code", "a reported code must look like 1.004222")
		}
	case CodeUnknown:
		if p.Code != "" {
			c.add("code", "must be empty when codeStatus is unknown")
		}
	default:
		c.add("codeStatus", "must be %q or %q", CodeReported, CodeUnknown)
	}
	c.text("name", p.Name, true)
	if _, ok := DomainNames[p.Domain]; !ok {
		c.add("domain", "unknown domain %q", p.Domain)
	}
	switch p.Level {
	case LevelCommune, LevelProvince, LevelCentral:
	default:
		c.add("level", "must be commune, province or central")
	}
	c.text("agency", p.Agency, true)
	c.text("form", p.Form, false)
	c.text("help", p.Help, true)
	c.text("fee.note", p.Fee.Note, false)
	if p.Fee.AmountVND < 0 {
		c.add("fee.amountVND", "must not be negative")
	}
	if p.Days < 0 || p.Days > 365 {
		c.add("processingDays", "must be 0 to 365 working days")
	}
	switch p.Kind {
	case KindProcedure:
		if len(p.Steps) > 0 {
			c.add("steps", "only bundles have steps")
		}
		if len(p.Sections) == 0 {
			c.add("sections", "a procedure needs at least one section")
		}
		c.sections(p)
		c.attachments(p)
		c.cardOrder(p)
	case KindBundle:
		if len(p.Sections) > 0 || len(p.Attachments) > 0 || len(p.CardOrder) > 0 {
			c.add("sections", "a bundle has steps, not its own sections, attachments or card order")
		}
		if len(p.Steps) < 2 {
			c.add("steps", "a bundle needs at least two steps")
		}
		for i, s := range p.Steps {
			sp := fmt.Sprintf("steps[%d]", i)
			if !slugRE.MatchString(s.Procedure) {
				c.add(sp+".procedure", "must be a procedure slug")
			}
			if i == 0 && len(s.Carry) > 0 {
				c.add(sp+".carry", "the first step has nothing to carry from")
			}
			for j, cr := range s.Carry {
				cp := fmt.Sprintf("%s.carry[%d]", sp, j)
				if slug, _, ok := strings.Cut(cr.From, ":"); !ok || !slugRE.MatchString(slug) {
					c.add(cp+".from", "must be \"slug:path\"")
				}
				if slug, _, ok := strings.Cut(cr.Or, ":"); cr.Or != "" && (!ok || !slugRE.MatchString(slug)) {
					c.add(cp+".or", "must be \"slug:path\"")
				}
				if cr.To == "" {
					c.add(cp+".to", "missing target path")
				}
			}
		}
	default:
		c.add("kind", "must be %q or %q", KindProcedure, KindBundle)
	}
}

func (c *checker) sections(p *Procedure) {
	keys := map[string]bool{}
	sectionKeys := map[string]bool{}
	for si := range p.Sections {
		s := &p.Sections[si]
		sp := fmt.Sprintf("sections[%d]", si)
		if !keyRE.MatchString(s.Key) {
			c.add(sp+".key", "must be a camelCase identifier")
		} else if sectionKeys[s.Key] {
			c.add(sp+".key", "duplicate section key %q", s.Key)
		}
		sectionKeys[s.Key] = true
		c.text(sp+".title", s.Title, true)
		c.text(sp+".help", s.Help, false)
		if len(s.Fields) == 0 {
			c.add(sp+".fields", "a section needs at least one field")
		}
		for fi := range s.Fields {
			f := &s.Fields[fi]
			fp := fmt.Sprintf("%s.fields[%d]", sp, fi)
			if keys[f.Key] {
				c.add(fp+".key", "duplicate field key %q", f.Key)
			}
			keys[f.Key] = true
			c.field(p, fp, f, nil)
		}
	}
}

func (c *checker) field(p *Procedure, fp string, f *Field, parent *Field) {
	if !keyRE.MatchString(f.Key) {
		c.add(fp+".key", "must be a camelCase identifier")
	}
	c.text(fp+".label", f.Label, true)
	c.text(fp+".help", f.Help, false)
	switch {
	case !f.Type.Leaf():
		if parent != nil {
			c.add(fp+".type", "person blocks and tables cannot nest")
		}
	case c.types.Has(f.Type):
	default:
		c.add(fp+".type", "unknown field type %q", f.Type)
		return
	}
	if f.Type == TypeChoice {
		if len(f.Options) == 0 {
			c.add(fp+".options", "a choice needs options")
		}
		seen := map[string]bool{}
		for oi, o := range f.Options {
			op := fmt.Sprintf("%s.options[%d]", fp, oi)
			if o.Value == "" || seen[o.Value] {
				c.add(op+".value", "option values must be non-empty and unique")
			}
			seen[o.Value] = true
			c.text(op+".label", o.Label, true)
		}
	} else if len(f.Options) > 0 {
		c.add(fp+".options", "only choice fields have options")
	}
	if f.Type != TypeDate && (f.YearOnlyAllowed || f.NotAfterToday || f.NotBeforeToday) {
		c.add(fp, "yearOnlyAllowed, notAfterToday and notBeforeToday apply to dates only")
	}
	if f.MinAge != 0 && (f.Type != TypeDate || f.MinAge < 0 || f.MinAge > 150) {
		c.add(fp+".minAge", "applies to dates only, 1 to 150 years")
	}
	if f.NotBefore != "" {
		c.notBefore(p, fp+".notBefore", f, parent)
	}
	if f.NotAfterToday && f.NotBeforeToday {
		c.add(fp, "notAfterToday and notBeforeToday together leave only today; use a kiosk.today prefill")
	}
	if f.Type != TypeNumber && (f.Min != nil || f.Max != nil) {
		c.add(fp, "min and max apply to numbers only")
	}
	if f.Min != nil && f.Max != nil && *f.Min > *f.Max {
		c.add(fp+".min", "greater than max")
	}
	if f.MaxLength < 0 {
		c.add(fp+".maxLength", "must not be negative")
	}
	block := !f.Type.Leaf()
	switch {
	case f.Type == TypeTable:
		c.table(p, fp, f)
	case block:
		if f.Role == "" || !slugRE.MatchString(f.Role) {
			c.add(fp+".role", "a person block needs a lower-case role (e.g. \"wife\")")
		}
		if f.Sex != "" && f.Sex != "male" && f.Sex != "female" {
			c.add(fp+".sex", "must be \"male\" or \"female\"")
		}
		if f.Prefill != "" {
			c.add(fp+".prefill", "a block is filled by a card, not a prefill path")
		}
		if len(f.Fields) == 0 {
			c.add(fp+".fields", "a person block needs fields")
		}
		if f.Type == TypePerson && (f.MinRows != 0 || f.MaxRows != 0) {
			c.add(fp, "minRows and maxRows apply to tables only")
		}
		c.rows(fp, f)
		c.subFields(p, fp, f, func(sp string, sub *Field) {
			if f.Cardless && sub.CardField() != "" {
				c.add(sp+".prefill", "a cardless person has no card to prefill from")
			}
		})
	default:
		if len(f.Fields) > 0 {
			c.add(fp+".fields", "only person blocks have sub-fields")
		}
		if f.Role != "" || f.Sex != "" || f.Cardless || f.MinRows != 0 || f.MaxRows != 0 {
			c.add(fp, "role, sex, cardless and rows apply to person blocks only")
		}
	}
	if f.Prefill != "" && !block {
		c.prefill(fp, f, parent)
	}
	for i, from := range f.DefaultFrom {
		if block || !resolves(p, from) {
			c.add(fmt.Sprintf("%s.defaultFrom[%d]", fp, i), "names no field (%q)", from)
		}
	}
	if len(f.DefaultFrom) > 0 && f.Prefill != "" {
		c.add(fp+".defaultFrom", "a field has a prefill or a default, not both")
	}
	if f.ShowAfter != "" {
		c.showAfter(p, fp+".showAfter", f, parent)
	}
	if f.RequiredIf != nil {
		c.condition(p, fp+".requiredIf", f.RequiredIf, parent)
		if f.Required {
			c.add(fp+".requiredIf", "required and requiredIf together: pick one")
		}
	}
}

// prefillTypes pins the field type a card value can go into, so a date
// never lands in a phone field.
var prefillTypes = map[string][]FieldType{
	"citizen.id":          {TypeIDNumber},
	"citizen.oldId":       {TypeText},
	"citizen.dateOfBirth": {TypeDate},
	"citizen.issueDate":   {TypeDate},
	"citizen.expiryDate":  {TypeDate},
	"citizen.sex":         {TypeChoice},
	"kiosk.today":         {TypeDate},
}

func (c *checker) prefill(fp string, f *Field, parent *Field) {
	_, card := PrefillPaths[f.Prefill]
	switch {
	case KioskPaths[f.Prefill]:
	case card && parent == nil:
		c.add(fp+".prefill", "card paths are allowed only inside a person block")
		return
	case card:
	default:
		c.add(fp+".prefill", "unknown prefill path %q", f.Prefill)
		return
	}
	if want, ok := prefillTypes[f.Prefill]; ok {
		match := false
		for _, t := range want {
			match = match || f.Type == t
		}
		if !match {
			c.add(fp+".type", "%s needs type %s", f.Prefill, want[0])
		}
	} else if f.Type != TypeText && f.Type != TypeAddress {
		c.add(fp+".type", "%s fills text or address fields", f.Prefill)
	}
	if f.Prefill == "citizen.sex" {
		vals := map[string]bool{}
		for _, o := range f.Options {
			vals[o.Value] = true
		}
		if !vals["male"] || !vals["female"] {
			c.add(fp+".options", "a sex field needs the options \"male\" and \"female\"")
		}
	}
}

// condition checks that a RequiredIf names a field that exists: a sibling
// when inside a block, else a top-level field, or "block.sub".
func (c *checker) condition(p *Procedure, cp string, cond *Condition, parent *Field) {
	if len(cond.In) == 0 && !cond.NotEmpty {
		c.add(cp, "needs \"in\" values or \"notEmpty\"")
	}
	if len(cond.In) > 0 && cond.NotEmpty {
		c.add(cp, "\"in\" and \"notEmpty\" together: pick one")
	}
	if parent != nil {
		if _, ok := parent.Sub(cond.Field); ok {
			return
		}
	}
	if !resolves(p, cond.Field) {
		c.add(cp+".field", "names no field (%q)", cond.Field)
	}
}

// notBefore checks that a date range rule names another date field: a
// sibling when inside a block, else a top-level field or "block.sub".
func (c *checker) notBefore(p *Procedure, np string, f *Field, parent *Field) {
	if f.Type != TypeDate {
		c.add(np, "applies to dates only")
		return
	}
	var other *Field
	if parent != nil {
		other, _ = parent.Sub(f.NotBefore)
	}
	if other == nil {
		other = leaf(p, f.NotBefore)
	}
	switch {
	case other == nil:
		c.add(np, "names no field (%q)", f.NotBefore)
	case f.NotBefore == f.Key:
		c.add(np, "names the field itself")
	case other.Type != TypeDate:
		c.add(np, "names a field that is not a date (%q)", f.NotBefore)
	}
}

// showAfter checks that a display move names a sub-field of a person block
// in the field's own section, and is made by a top-level field.
func (c *checker) showAfter(p *Procedure, np string, f *Field, parent *Field) {
	if parent != nil || !f.Type.Leaf() {
		c.add(np, "only a top-level value field can be shown inside a person block")
		return
	}
	block, _, _ := strings.Cut(f.ShowAfter, ".")
	for _, sec := range p.Sections {
		mine, theirs := false, false
		for _, sf := range sec.Fields {
			mine = mine || sf.Key == f.Key
			theirs = theirs || sf.Key == block && sf.Type == TypePerson
		}
		if mine {
			if !theirs || leaf(p, f.ShowAfter) == nil || !strings.Contains(f.ShowAfter, ".") {
				c.add(np, "names no sub-field of a person block in this section (%q)", f.ShowAfter)
			}
			return
		}
	}
}

// table checks a table of typed rows: columns, row bounds, and nothing a
// card would fill (no card is read into a row).
func (c *checker) table(p *Procedure, fp string, f *Field) {
	if f.Role != "" || f.Sex != "" || f.Cardless || f.Prefill != "" {
		c.add(fp, "a table of typed rows has no role, sex, cardless or prefill")
	}
	if len(f.Fields) == 0 {
		c.add(fp+".fields", "a table needs columns")
	}
	c.rows(fp, f)
	c.subFields(p, fp, f, func(cp string, col *Field) {
		if col.Identity() {
			c.add(cp+".prefill", "no card is read into a table of typed rows")
		}
	})
}

// rows checks a table's row bounds.
func (c *checker) rows(fp string, f *Field) {
	if f.MinRows < 0 || f.MaxRows < 0 || (f.MaxRows > 0 && f.MinRows > f.MaxRows) {
		c.add(fp+".minRows", "rows must satisfy 0 <= minRows <= maxRows")
	}
}

// subFields checks the sub-fields of a block or the columns of a table:
// unique keys, each a field, and what more the block asks (more).
func (c *checker) subFields(p *Procedure, fp string, f *Field, more func(sp string, sub *Field)) {
	seen := map[string]bool{}
	for i := range f.Fields {
		sub := &f.Fields[i]
		sp := fmt.Sprintf("%s.fields[%d]", fp, i)
		if seen[sub.Key] {
			c.add(sp+".key", "duplicate field key %q", sub.Key)
		}
		seen[sub.Key] = true
		c.field(p, sp, sub, f)
		more(sp, sub)
	}
}

// leaf returns the leaf field a path names ("key" or "block.sub", the
// block a person block), or nil.
func leaf(p *Procedure, fieldPath string) *Field {
	top, sub, nested := strings.Cut(fieldPath, ".")
	f, ok := p.Field(top)
	switch {
	case !ok:
		return nil
	case !nested:
		if f.Type.Leaf() {
			return f
		}
		return nil
	case f.Type != TypePerson:
		return nil
	}
	sf, _ := f.Sub(sub)
	return sf
}

// resolves reports whether path names a leaf: "key" or "block.sub".
func resolves(p *Procedure, fieldPath string) bool { return leaf(p, fieldPath) != nil }

func (c *checker) attachments(p *Procedure) {
	seen := map[string]bool{}
	for i := range p.Attachments {
		a := &p.Attachments[i]
		ap := fmt.Sprintf("attachments[%d]", i)
		if !keyRE.MatchString(a.Key) {
			c.add(ap+".key", "must be a camelCase identifier")
		} else if seen[a.Key] {
			c.add(ap+".key", "duplicate attachment key %q", a.Key)
		}
		seen[a.Key] = true
		c.text(ap+".name", a.Name, true)
		c.text(ap+".help", a.Help, false)
		if a.Count < 1 || a.Count > 20 {
			c.add(ap+".count", "must be 1 to 20")
		}
		if a.RequiredIf != nil {
			c.condition(p, ap+".requiredIf", a.RequiredIf, nil)
			if a.Required {
				c.add(ap+".requiredIf", "required and requiredIf together: pick one")
			}
		}
	}
}

func (c *checker) cardOrder(p *Procedure) {
	for i, k := range p.CardOrder {
		f, ok := p.Field(k)
		if !ok || f.Type.Leaf() {
			c.add(fmt.Sprintf("cardOrder[%d]", i), "names no person block or table (%q)", k)
		} else if f.Cardless {
			c.add(fmt.Sprintf("cardOrder[%d]", i), "%q is cardless", k)
		}
	}
}

// crossCheck checks what no single file can: unique slugs and codes, and
// bundles whose steps and carried paths exist.
func crossCheck(ps []*Procedure) []error {
	var errs []error
	slugs := map[string]*Procedure{}
	codes := map[string]*Procedure{}
	for _, p := range ps {
		if q, dup := slugs[p.Slug]; dup {
			errs = append(errs, &Error{File: p.file, Path: "slug", Problem: "duplicate slug, also in " + q.file})
		}
		slugs[p.Slug] = p
		if p.Code != "" {
			if q, dup := codes[p.Code]; dup {
				errs = append(errs, &Error{File: p.file, Path: "code", Problem: "duplicate code, also in " + q.file})
			}
			codes[p.Code] = p
		}
	}
	for _, b := range ps {
		if b.Kind != KindBundle {
			continue
		}
		earlier := map[string]bool{}
		for i, s := range b.Steps {
			sp := fmt.Sprintf("steps[%d]", i)
			step, ok := slugs[s.Procedure]
			switch {
			case !ok:
				errs = append(errs, &Error{File: b.file, Path: sp + ".procedure", Problem: fmt.Sprintf("no procedure %q in the catalog", s.Procedure)})
				continue
			case step.Kind != KindProcedure:
				errs = append(errs, &Error{File: b.file, Path: sp + ".procedure", Problem: "a step must be a procedure, not a bundle"})
				continue
			case earlier[s.Procedure]:
				errs = append(errs, &Error{File: b.file, Path: sp + ".procedure", Problem: "the same procedure twice in one bundle"})
				continue
			}
			for j, cr := range s.Carry {
				cp := fmt.Sprintf("%s.carry[%d]", sp, j)
				toBlock := isBlock(step, cr.To)
				if !toBlock && !resolves(step, cr.To) {
					errs = append(errs, &Error{File: b.file, Path: cp + ".to", Problem: fmt.Sprintf("names no field of %s", step.Slug)})
				}
				for _, src := range []struct{ key, ref string }{{"from", cr.From}, {"or", cr.Or}} {
					if src.ref == "" && src.key == "or" {
						continue
					}
					slug, from, _ := strings.Cut(src.ref, ":")
					sp, ok := slugs[slug]
					switch {
					case !ok || !earlier[slug]:
						errs = append(errs, &Error{File: b.file, Path: cp + "." + src.key, Problem: fmt.Sprintf("%q is not an earlier step", slug)})
					case isBlock(sp, from) != toBlock:
						errs = append(errs, &Error{File: b.file, Path: cp + "." + src.key, Problem: "carries a block into a value or a value into a block"})
					case !toBlock && !resolves(sp, from):
						errs = append(errs, &Error{File: b.file, Path: cp + "." + src.key, Problem: fmt.Sprintf("names no field of %s", slug)})
					}
				}
			}
			for _, to := range slices.Sorted(maps.Keys(s.Set)) {
				if !resolves(step, to) {
					errs = append(errs, &Error{File: b.file, Path: sp + ".set." + to, Problem: fmt.Sprintf("names no field of %s", step.Slug)})
				}
			}
			for _, key := range slices.Sorted(maps.Keys(s.Provided)) {
				if _, ok := step.Attachment(key); !ok {
					errs = append(errs, &Error{File: b.file, Path: sp + ".provided." + key, Problem: fmt.Sprintf("names no document of %s", step.Slug)})
				}
				if by := s.Provided[key]; !earlier[by] {
					errs = append(errs, &Error{File: b.file, Path: sp + ".provided." + key, Problem: fmt.Sprintf("%q is not an earlier step", by)})
				}
			}
			earlier[s.Procedure] = true
		}
	}
	return errs
}

func isBlock(p *Procedure, key string) bool {
	f, ok := p.Field(key)
	return ok && f.Type == TypePerson
}

// Fold lower-cases s and strips Vietnamese diacritics (đ becomes d), for
// searching "dang ky khai sinh" and finding "Đăng ký khai sinh".
func Fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

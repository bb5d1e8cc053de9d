package declaration

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"

	"motcua/kiosk/catalog"
	"motcua/seeds"
)

// Layout is the printed form of one procedure's declaration, as data
// (seeds/procedures/forms/SLUG.json; see FORMS.md).
type Layout struct {
	Schema    int    `json:"schema"`    // 1
	Procedure string `json:"procedure"` // the catalog slug
	// Form is the form's number ("Mẫu CT01") and IssuedBy the line that
	// says which circular issued it; both print in the top right corner.
	Form     string `json:"form,omitempty"`
	IssuedBy string `json:"issuedBy,omitempty"`
	Title    string `json:"title"`              // e.g. "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ"
	Subtitle string `json:"subtitle,omitempty"` // a line under the title
	// Recipient is the path of the "Kính gửi" value (usually "recipient").
	Recipient string  `json:"recipient,omitempty"`
	Blocks    []Block `json:"blocks"`
	// Pledge is the closing sentence above the date line.
	Pledge     string      `json:"pledge,omitempty"`
	Signatures []Signature `json:"signatures"`
	Notes      []string    `json:"notes,omitempty"` // footnotes of the official form
	// Omit lists catalog fields deliberately not printed, each "path: why".
	Omit []string `json:"omit,omitempty"`
}

// Block kinds.
const (
	KindItem    = "item"    // "label: value" (value or template)
	KindRow     = "row"     // several items on one line, side by side
	KindHeading = "heading" // a bold line, e.g. "Người yêu cầu"
	KindText    = "text"    // a paragraph of fixed text
	KindParties = "parties" // two columns, one per party (marriage)
	KindTable   = "table"   // one row per person of a table (household members)
)

// Block is one element of the form, in print order.
type Block struct {
	Type  string `json:"type"`
	Label string `json:"label,omitempty"` // item, row, table: the printed label with its number, e.g. "1. Họ, chữ đệm và tên:"
	// Value is a field path ("recipient", "subject.fullName"); Template is
	// text with {path} placeholders. An item has one or the other.
	Value    string  `json:"value,omitempty"`
	Template string  `json:"template,omitempty"`
	Text     string  `json:"text,omitempty"`  // heading, text
	Items    []Block `json:"items,omitempty"` // row
	// Parties: Left and Right name person blocks; Rows give the sub-field
	// of each row (Value is the sub-field key).
	Left       string  `json:"left,omitempty"`
	Right      string  `json:"right,omitempty"`
	LeftTitle  string  `json:"leftTitle,omitempty"`
	RightTitle string  `json:"rightTitle,omitempty"`
	Rows       []Block `json:"rows,omitempty"`
	// Table: Table names the person table (or a person block, printed as
	// one row); Columns give header and sub-field (Value) with a relative
	// Width; MinRows blank rows are printed for hand-written additions.
	// A table of typed rows (a residence history) prints the same way.
	Table   string   `json:"table,omitempty"`
	Columns []Column `json:"columns,omitempty"`
	MinRows int      `json:"minRows,omitempty"`
}

// Column is one column of a table block.
type Column struct {
	Header string  `json:"header"`
	Value  string  `json:"value,omitempty"` // sub-field key; empty with Number for "TT"
	Number bool    `json:"number,omitempty"`
	Width  float64 `json:"width"`
}

// Signature is one signature box: its title, the hint under it, and the
// path of the name printed under the space for the signature.
type Signature struct {
	Title string `json:"title"`
	Hint  string `json:"hint,omitempty"`
	Name  string `json:"name,omitempty"`
}

// Layouts is a loaded set of layouts by procedure slug.
type Layouts struct{ bySlug map[string]*Layout }

// Get returns the layout of a procedure.
func (l *Layouts) Get(slug string) (*Layout, bool) {
	x, ok := l.bySlug[slug]
	return x, ok
}

// Slugs lists the procedures that have a layout, sorted.
func (l *Layouts) Slugs() []string { return slices.Sorted(maps.Keys(l.bySlug)) }

// ErrLayout matches every layout problem.
var ErrLayout = errors.New("declaration: bad form layout")

// LayoutError is one problem in one layout file.
type LayoutError struct{ File, Problem string }

func (e *LayoutError) Error() string { return "declaration: " + e.File + ": " + e.Problem }

// Unwrap makes errors.Is(err, ErrLayout) match.
func (e *LayoutError) Unwrap() error { return ErrLayout }

// EmbeddedLayouts loads the layouts shipped in the binary and checks them
// against the catalog.
func EmbeddedLayouts(c *catalog.Catalog) (*Layouts, error) {
	sub, err := fs.Sub(seeds.Forms, "procedures/forms")
	if err != nil {
		return nil, err
	}
	return LoadLayouts(sub, c)
}

// LoadLayoutDir loads DIR/*.json (seeds/procedures/forms).
func LoadLayoutDir(dir string, c *catalog.Catalog) (*Layouts, error) {
	return LoadLayouts(os.DirFS(dir), c)
}

// LoadLayouts reads every *.json at the root of fsys and checks each
// against the catalog: the procedure exists, every path names one of its
// fields, and every field is printed or listed in Omit with a reason.
// Problems are returned together.
func LoadLayouts(fsys fs.FS, c *catalog.Catalog) (*Layouts, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := &Layouts{bySlug: map[string]*Layout{}}
	var errs []error
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, &LayoutError{name, err.Error()})
			continue
		}
		l, err := ParseLayout(b)
		if err != nil {
			errs = append(errs, &LayoutError{name, err.Error()})
			continue
		}
		if name != l.Procedure+".json" {
			errs = append(errs, &LayoutError{name, "file name must be " + l.Procedure + ".json"})
			continue
		}
		if c != nil {
			for _, p := range Check(l, c) {
				errs = append(errs, &LayoutError{name, p})
			}
		}
		out.bySlug[l.Procedure] = l
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// ParseLayout reads one layout; unknown keys are errors.
func ParseLayout(b []byte) (*Layout, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var l Layout
	if err := dec.Decode(&l); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the layout")
	}
	if l.Schema != 1 {
		return nil, fmt.Errorf("schema %d, want 1", l.Schema)
	}
	if l.Procedure == "" || l.Title == "" {
		return nil, errors.New("procedure and title are required")
	}
	return &l, nil
}

var rePlaceholder = regexp.MustCompile(`\{([^{}]+)\}`)

// Paths returns every field path the layout prints, in order: top-level
// keys, "block.sub" for person blocks, "table[].col" for table columns (the
// catalog's Walk paths).
func (l *Layout) Paths() []string {
	var out []string
	add := func(p string) {
		p, _, _ = strings.Cut(p, "|") // a modifier: "child.dateOfBirth|words"
		if p != "" {
			out = append(out, p)
		}
	}
	var walk func(bs []Block)
	walk = func(bs []Block) {
		for _, b := range bs {
			add(b.Value)
			for _, m := range rePlaceholder.FindAllStringSubmatch(b.Template, -1) {
				add(m[1])
			}
			walk(b.Items)
			if b.Type == KindParties {
				for _, r := range b.Rows {
					subs := []string{r.Value}
					for _, m := range rePlaceholder.FindAllStringSubmatch(r.Template, -1) {
						subs = append(subs, m[1])
					}
					for _, sub := range subs {
						if sub != "" {
							add(b.Left + "." + sub)
							add(b.Right + "." + sub)
						}
					}
				}
			}
			if b.Type == KindTable {
				for _, c := range b.Columns {
					if c.Value != "" {
						add(b.Table + "[]." + c.Value)
					}
				}
			}
		}
	}
	add(l.Recipient)
	walk(l.Blocks)
	for _, s := range l.Signatures {
		add(s.Name)
	}
	return out
}

// Check lists the layout's problems against the catalog (nil when none).
func Check(l *Layout, c *catalog.Catalog) []string {
	p, ok := c.Lookup(l.Procedure)
	if !ok || p.Kind != catalog.KindProcedure {
		return []string{"procedure " + l.Procedure + " is not in the catalog"}
	}
	var probs []string
	fields := map[string]*catalog.Field{}
	tables := map[string]bool{}
	roles := map[string]string{}
	p.Walk(func(path string, f *catalog.Field, parent *catalog.Field) {
		fields[path] = f
		if f.Type.Rows() {
			tables[f.Key] = true
		}
		if f.Type == catalog.TypePerson || f.Type == catalog.TypePersonTable {
			// The dossier keeps people by role: two blocks with one role
			// could not be told apart on paper.
			if other, dup := roles[f.Role]; dup {
				probs = append(probs, fmt.Sprintf("blocks %s and %s share the role %q", other, f.Key, f.Role))
			}
			roles[f.Role] = f.Key
		}
	})
	// A person block may also be printed as a one-row table.
	norm := func(path string) string {
		if blk, sub, ok := strings.Cut(path, "[]."); ok && !tables[blk] {
			return blk + "." + sub
		}
		return path
	}
	printed := map[string]bool{}
	for _, path := range l.Paths() {
		np := norm(path)
		f, ok := fields[np]
		switch {
		case !ok:
			probs = append(probs, "path "+path+" is not a field of "+l.Procedure)
		case !f.Type.Leaf():
			probs = append(probs, "path "+path+" is a block, not a value")
		}
		printed[np] = true
	}
	omitted := map[string]bool{}
	for _, o := range l.Omit {
		path, why, ok := strings.Cut(o, ":")
		if !ok || strings.TrimSpace(why) == "" {
			probs = append(probs, "omit "+o+": give the reason after a colon")
			continue
		}
		if _, ok := fields[path]; !ok {
			probs = append(probs, "omit "+path+" is not a field")
		}
		omitted[path] = true
	}
	p.Walk(func(path string, f *catalog.Field, parent *catalog.Field) {
		if !f.Type.Leaf() || f.Type == catalog.TypeAttachment {
			return
		}
		if !printed[path] && !omitted[path] {
			probs = append(probs, "field "+path+" is neither printed nor omitted")
		}
	})
	var checkBlocks func(bs []Block)
	checkBlocks = func(bs []Block) {
		for _, b := range bs {
			switch b.Type {
			case KindItem:
				if (b.Value == "") == (b.Template == "") && b.Label == "" {
					probs = append(probs, "an item needs a label and a value or a template")
				}
			case KindRow:
				checkBlocks(b.Items)
			case KindHeading, KindText:
				if b.Text == "" {
					probs = append(probs, b.Type+" without text")
				}
			case KindParties:
				for _, side := range []string{b.Left, b.Right} {
					if f, ok := fields[side]; !ok || f.Type != catalog.TypePerson {
						probs = append(probs, "parties: "+side+" is not a person block")
					}
				}
			case KindTable:
				f, ok := fields[b.Table]
				if !ok || f.Type.Leaf() {
					probs = append(probs, "table: "+b.Table+" is not a person block or table")
				}
				if len(b.Columns) == 0 {
					probs = append(probs, "table "+b.Table+" has no columns")
				}
			default:
				probs = append(probs, "unknown block type "+b.Type)
			}
		}
	}
	checkBlocks(l.Blocks)
	if len(l.Signatures) == 0 {
		probs = append(probs, "no signature box")
	}
	return probs
}

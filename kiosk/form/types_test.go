package form

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"motcua/kiosk/catalog"
)

// catalogTypes reads the FieldType constants declared in package catalog's
// source, so a type added there without a row here fails this test.
func catalogTypes(t *testing.T) map[catalog.FieldType]string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join("..", "catalog", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[catalog.FieldType]string{}
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok || vs.Type == nil || len(vs.Values) != len(vs.Names) {
				return true
			}
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "FieldType" {
				return true
			}
			for i, v := range vs.Values {
				if lit, ok := v.(*ast.BasicLit); ok {
					s, _ := strconv.Unquote(lit.Value)
					out[catalog.FieldType(s)] = vs.Names[i].Name
				}
			}
			return true
		})
	}
	if len(out) < 10 {
		t.Fatalf("found only %d field type constants in package catalog", len(out))
	}
	return out
}

// TestEveryTypeHasARow fails when a catalog field type lacks its row, or a
// row lacks a behaviour, or a row names a type the catalog does not declare.
func TestEveryTypeHasARow(t *testing.T) {
	declared := catalogTypes(t)
	for ft, name := range declared {
		if !ft.Leaf() {
			if Types.Has(ft) {
				t.Errorf("%s (%q) is a block; blocks are structure and have no row", name, ft)
			}
			continue
		}
		row, ok := Types[ft]
		if !ok {
			t.Errorf("catalog.%s (%q) has no row in form.Types", name, ft)
			continue
		}
		if row.Normalize == nil || row.Check == nil || row.Sample == nil {
			t.Errorf("%q: row without Normalize, Check or Sample", ft)
		}
	}
	for ft := range Types {
		if _, ok := declared[ft]; !ok {
			t.Errorf("form.Types has a row for %q, which package catalog does not declare", ft)
		}
	}
}

// sampleField is a field of type ft as a catalog would write it.
func sampleField(ft catalog.FieldType) *catalog.Field {
	fd := &catalog.Field{Key: "x", Type: ft}
	if ft == catalog.TypeChoice {
		fd.Options = []catalog.Option{{Value: "a"}, {Value: "b"}}
	}
	return fd
}

// TestRowsAgree checks each row with itself: its sample, typed, normalises
// to a value its check accepts, normalising twice changes nothing, and
// something is refused (a check that accepts everything is no check).
func TestRowsAgree(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	c := Context{Today: Options{Now: func() time.Time { return now }}.today()}
	refused := "\x00 không hợp lệ"
	for ft, row := range Types {
		fd := sampleField(ft)
		v := row.Normalize(fd, row.Sample(fd, now))
		if err := row.Check(fd, v, c); err != nil {
			t.Errorf("%q: sample %q refused: %v", ft, v, err)
		}
		if again := row.Normalize(fd, v); again != v {
			t.Errorf("%q: normalising %q again gives %q", ft, v, again)
		}
		err := row.Check(fd, row.Normalize(fd, refused), c)
		var inv *Invalid
		if !errors.As(err, &inv) {
			t.Errorf("%q: %q accepted or refused without an *Invalid (%v)", ft, refused, err)
		}
		if row.Display != nil && row.Display(fd, v) == "" {
			t.Errorf("%q: displays %q as nothing", ft, v)
		}
	}
}

// TestLoaderAcceptsExactlyTheTable: a type with a row loads, one without
// does not, whatever else the file gets right.
func TestLoaderAcceptsExactlyTheTable(t *testing.T) {
	const file = `{"schema": 1, "slug": "x", "kind": "procedure", "codeStatus": "unknown",
	  "name": {"vi": "Thử", "en": "Test"}, "domain": "residence", "level": "commune",
	  "agency": {"vi": "UBND", "en": "Commune"}, "help": {"vi": "h", "en": "h"}, "fee": {"amountVND": 0}, "processingDays": 1,
	  "sections": [{"key": "s", "title": {"vi": "T", "en": "T"}, "fields": [
	    {"key": "who", "label": {"vi": "Người", "en": "Person"}, "type": "person", "role": "applicant",
	     "fields": [{"key": "id", "label": {"vi": "Số", "en": "ID"}, "type": "idNumber", "prefill": "citizen.id"}]},
	    {"key": "v", "label": {"vi": "Giá trị", "en": "Value"}, "type": "TYPE"}]}]}`
	for ft := range catalogTypes(t) {
		if !ft.Leaf() || ft == catalog.TypeChoice {
			continue
		}
		src := []byte(replaceType(file, string(ft)))
		if _, err := catalog.Parse("x.json", src, Types); err != nil {
			t.Errorf("%q: %v", ft, err)
		}
		without := TypeTable{}
		for k, v := range Types {
			if k != ft {
				without[k] = v
			}
		}
		if _, err := catalog.Parse("x.json", src, without); !errors.Is(err, catalog.ErrInvalid) {
			t.Errorf("%q loaded without a row: %v", ft, err)
		}
	}
	if _, err := catalog.Parse("x.json", []byte(replaceType(file, "licencePlate")), Types); !errors.Is(err, catalog.ErrInvalid) {
		t.Errorf("an unknown type loaded: %v", err)
	}
}

func replaceType(file, ft string) string {
	const at = `"type": "TYPE"`
	for i := 0; i+len(at) <= len(file); i++ {
		if file[i:i+len(at)] == at {
			return file[:i] + `"type": "` + ft + `"` + file[i+len(at):]
		}
	}
	return file
}

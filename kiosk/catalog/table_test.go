package catalog

import (
	"errors"
	"strings"
	"testing"
)

// goodTable is a procedure with a table of typed rows (a residence
// history): date columns with a range rule inside the row.
const goodTable = `{"schema":1,"slug":"x","kind":"procedure","codeStatus":"unknown",
"name":{"vi":"X","en":"X"},"domain":"residence","level":"commune","agency":{"vi":"A","en":"A"},
"help":{"vi":"H","en":"H"},"fee":{"amountVND":0},"processingDays":1,
"sections":[{"key":"s","title":{"vi":"S","en":"S"},"fields":[
 {"key":"history","label":{"vi":"H","en":"H"},"type":"table","minRows":1,"maxRows":5,"fields":[
   {"key":"fromDate","label":{"vi":"T","en":"F"},"type":"date","required":true,"yearOnlyAllowed":true},
   {"key":"toDate","label":{"vi":"Đ","en":"T"},"type":"date","yearOnlyAllowed":true,"notBefore":"fromDate"},
   {"key":"place","label":{"vi":"N","en":"P"},"type":"address","required":true}]}]}]}`

func TestTableOfTypedRows(t *testing.T) {
	p, err := Parse("x.json", []byte(goodTable), testTypes)
	if err != nil {
		t.Fatalf("good table: %v", err)
	}
	var paths []string
	p.Walk(func(path string, _, _ *Field) { paths = append(paths, path) })
	if got := strings.Join(paths, " "); got != "history history[].fromDate history[].toDate history[].place" {
		t.Errorf("walk: %s", got)
	}
	f, _ := p.Field("history")
	if f.Type.Leaf() || !f.Type.Rows() {
		t.Errorf("a table is a leaf (%v) or has no rows (%v)", f.Type.Leaf(), f.Type.Rows())
	}
	for _, tc := range []struct{ name, old, new, path string }{
		{"a role", `"type":"table",`, `"type":"table","role":"member",`, "sections[0].fields[0]"},
		{"a card prefill in a column", `"type":"address","required":true`, `"type":"address","prefill":"citizen.placeOfResidence"`, "sections[0].fields[0].fields[2].prefill"},
		{"a person column", `{"key":"place","label":{"vi":"N","en":"P"},"type":"address","required":true}`, `{"key":"place","label":{"vi":"N","en":"P"},"type":"person","role":"x","fields":[{"key":"a","label":{"vi":"A","en":"A"},"type":"text"}]}`, "sections[0].fields[0].fields[2].type"},
		{"rows upside down", `"minRows":1,"maxRows":5`, `"minRows":6,"maxRows":5`, "sections[0].fields[0].minRows"},
		{"a range to nowhere", `"notBefore":"fromDate"`, `"notBefore":"since"`, "sections[0].fields[0].fields[1].notBefore"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(goodTable, tc.old, tc.new, 1)
			if src == goodTable {
				t.Fatal("test case did not change the file")
			}
			_, err := Parse("x.json", []byte(src), testTypes)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("bad table accepted or wrong error: %v", err)
			}
			if tc.path == "" {
				return
			}
			var ce *Error
			found := false
			for _, e := range unjoin(err) {
				if errors.As(e, &ce) && ce.Path == tc.path {
					found = true
				}
			}
			if !found {
				t.Errorf("error %q does not name path %q", err, tc.path)
			}
		})
	}
}

package catalog

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestEmbeddedLoads(t *testing.T) {
	c, err := Embedded(testTypes)
	if err != nil {
		t.Fatal(err)
	}
	procs, bundles := 0, 0
	for _, p := range c.All() {
		switch p.Kind {
		case KindProcedure:
			procs++
		case KindBundle:
			bundles++
		}
	}
	if procs < 15 || bundles < 2 {
		t.Errorf("catalog has %d procedures and %d bundles; want at least 15 and 2", procs, bundles)
	}
}

// TestEveryFileParses loads each seed file on its own, so a broken file
// shows up under its own name.
func TestEveryFileParses(t *testing.T) {
	names, err := filepath.Glob("../../seeds/procedures/*.json")
	if err != nil || len(names) == 0 {
		t.Fatalf("no seed files: %v", err)
	}
	for _, name := range names {
		t.Run(filepath.Base(name), func(t *testing.T) {
			b, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Parse(filepath.Base(name), b, testTypes); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	c, err := Embedded(testTypes)
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"thuong-tru", "1.004222", "khai-sinh", "1.001193", "lien-thong-khai-tu"} {
		if _, ok := c.Lookup(ref); !ok {
			t.Errorf("Lookup(%q) found nothing", ref)
		}
	}
	if _, ok := c.Lookup("9.999999"); ok {
		t.Error("Lookup of an unknown code succeeded")
	}
	got := c.Search("dang ky KHAI sinh")
	if len(got) == 0 || got[0].Slug != "khai-sinh" {
		t.Errorf("Search without diacritics: got %d results", len(got))
	}
}

const good = `{"schema":1,"slug":"x","kind":"procedure","codeStatus":"unknown",
"name":{"vi":"X","en":"X"},"domain":"residence","level":"commune","agency":{"vi":"A","en":"A"},
"help":{"vi":"H","en":"H"},"fee":{"amountVND":0},"processingDays":1,
"sections":[{"key":"s","title":{"vi":"S","en":"S"},"fields":[
 {"key":"p","label":{"vi":"P","en":"P"},"type":"person","role":"requester","fields":[
   {"key":"fullName","label":{"vi":"T","en":"N"},"type":"text","required":true,"prefill":"citizen.fullName"}]}]}]}`

func TestParseErrorsNameFileAndPath(t *testing.T) {
	if _, err := Parse("x.json", []byte(good), testTypes); err != nil {
		t.Fatalf("good file: %v", err)
	}
	cases := []struct {
		name, old, new, path string
	}{
		{"bad type", `"type":"text"`, `"type":"txt"`, "sections[0].fields[0].fields[0].type"},
		{"missing en label", `"label":{"vi":"T","en":"N"}`, `"label":{"vi":"T","en":""}`, "sections[0].fields[0].fields[0].label.en"},
		{"unknown prefill", `"citizen.fullName"`, `"citizen.shoeSize"`, "sections[0].fields[0].fields[0].prefill"},
		{"card prefill outside block", `"type":"person","role":"requester","fields":[`, `"type":"text","prefill":"citizen.id","fields":[`, "sections[0].fields[0].prefill"},
		{"bad domain", `"residence"`, `"astrology"`, "domain"},
		{"code with unknown status", `"codeStatus":"unknown"`, `"codeStatus":"unknown","code":"1.004222"`, "code"},
		{"bad reported code", `"codeStatus":"unknown"`, `"codeStatus":"reported","code":"1-2"`, "code"},
		{"unknown JSON field", `"schema":1`, `"schema":1,"colour":"red"`, "colour"},
		{"nested unknown field", `"required":true`, `"requird":true`, "sections[0].fields[0].fields[0].requird"},
		{"wrong JSON type", `"processingDays":1`, `"processingDays":"one"`, "processingDays"},
		{"nested wrong type", `"required":true`, `"required":"yes"`, "sections[0].fields[0].fields[0].required"},
		{"fraction for an int", `"processingDays":1`, `"processingDays":1.5`, "processingDays"},
		{"default from nowhere", `"required":true,"prefill":"citizen.fullName"`, `"required":true,"defaultFrom":["p.nope"]`, "sections[0].fields[0].fields[0].defaultFrom[0]"},
		{"syntax error", `"schema":1,`, `"schema":1,,`, ""},
		{"requiredIf to nowhere", `"required":true,"prefill"`, `"requiredIf":{"field":"nope","in":["a"]},"prefill"`, "sections[0].fields[0].fields[0].requiredIf.field"},
		{"notBefore to nowhere", `"required":true,"prefill":"citizen.fullName"`, `"type":"date","notBefore":"nope"`, "sections[0].fields[0].fields[0].notBefore"},
		{"notBefore on a text", `"required":true,"prefill":"citizen.fullName"`, `"notBefore":"fullName"`, "sections[0].fields[0].fields[0].notBefore"},
		{"notBefore to itself", `"type":"text","required":true,"prefill":"citizen.fullName"`, `"type":"date","notBefore":"fullName"`, "sections[0].fields[0].fields[0].notBefore"},
		{"notBefore to a text", `"type":"text","required":true,"prefill":"citizen.fullName"`, `"type":"date","notBefore":"p.other"},{"key":"other","label":{"vi":"O","en":"O"},"type":"text"`, "sections[0].fields[0].fields[0].notBefore"},
		{"slug vs file name", `"slug":"x"`, `"slug":"y"`, "slug"},
		{"shown after nothing", `"prefill":"citizen.fullName"}]}]}]}`, `"prefill":"citizen.fullName"}]},{"key":"r","label":{"vi":"R","en":"R"},"type":"text","showAfter":"p.nope"}]}]}`, "sections[0].fields[1].showAfter"},
		{"shown after from inside", `"prefill":"citizen.fullName"}]}]}]}`, `"prefill":"citizen.fullName"},{"key":"r","label":{"vi":"R","en":"R"},"type":"text","showAfter":"p.fullName"}]}]}]}`, "sections[0].fields[0].fields[1].showAfter"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(good, tc.old, tc.new, 1)
			if src == good {
				t.Fatal("test case did not change the file")
			}
			_, err := Parse("x.json", []byte(src), testTypes)
			if err == nil {
				t.Fatal("bad file accepted")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not match ErrInvalid", err)
			}
			var ce *Error
			if !errors.As(err, &ce) || ce.File != "x.json" {
				t.Fatalf("error %v does not name the file", err)
			}
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

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func TestCrossFileChecks(t *testing.T) {
	bundle := `{"schema":1,"slug":"b","kind":"bundle","codeStatus":"unknown","name":{"vi":"B","en":"B"},
"domain":"interlinked","level":"commune","agency":{"vi":"A","en":"A"},"help":{"vi":"H","en":"H"},"fee":{"amountVND":0},
"processingDays":1,"steps":[{"procedure":"x"},{"procedure":"y","carry":[{"from":"x:p","to":"p"}]}]}`
	fsys := fstest.MapFS{
		"x.json": {Data: []byte(good)},
		"b.json": {Data: []byte(bundle)},
	}
	_, err := LoadFS(fsys, testTypes)
	if err == nil || !strings.Contains(err.Error(), `b.json: steps[1].procedure: no procedure "y"`) {
		t.Fatalf("missing step not reported: %v", err)
	}
	fsys["y.json"] = &fstest.MapFile{Data: []byte(strings.Replace(good, `"slug":"x"`, `"slug":"y"`, 1))}
	c, err := LoadFS(fsys, testTypes)
	if err != nil {
		t.Fatalf("valid bundle: %v", err)
	}
	if c.Len() != 3 {
		t.Errorf("Len = %d, want 3", c.Len())
	}
	bad := strings.Replace(bundle, `"from":"x:p"`, `"from":"x:p","or":"x:nope"`, 1)
	fsys["b.json"] = &fstest.MapFile{Data: []byte(bad)}
	if _, err := LoadFS(fsys, testTypes); err == nil || !strings.Contains(err.Error(), "steps[1].carry[0].or") {
		t.Errorf("bad fallback not reported: %v", err)
	}
	// A document "provided" by a step must be one of the step's own, and
	// its producer an earlier step.
	for _, tc := range []struct{ provided, want string }{
		{`"provided":{"nope":"x"}`, `steps[1].provided.nope: names no document of y`},
		{`"provided":{"nope":"y"}`, `steps[1].provided.nope: "y" is not an earlier step`},
	} {
		fsys["b.json"] = &fstest.MapFile{Data: []byte(strings.Replace(bundle, `"to":"p"}]`, `"to":"p"}],`+tc.provided, 1))}
		if _, err := LoadFS(fsys, testTypes); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want %q", tc.provided, err, tc.want)
		}
	}
	fsys["b.json"] = &fstest.MapFile{Data: []byte(bundle)}
	fsys["y.json"] = &fstest.MapFile{Data: []byte(strings.Replace(good, `"slug":"x"`, `"slug":"x"`, 1))}
	if _, err := LoadFS(fsys, testTypes); err == nil || !strings.Contains(err.Error(), "duplicate slug") && !strings.Contains(err.Error(), "file name") {
		t.Errorf("duplicate slug not reported: %v", err)
	}
}

func FuzzCatalogLoad(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"schema":1,"kind":"bundle","steps":[{"procedure":"a","carry":[{"from":":","to":""}]}]}`))
	if names, _ := filepath.Glob("../../seeds/procedures/*.json"); len(names) > 0 {
		for _, n := range names[:3] {
			if b, err := os.ReadFile(n); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("fuzz.json", data, testTypes)
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error is not a *catalog.Error: %v", err)
			}
			return
		}
		// A file that parses must be walkable and searchable.
		n := 0
		p.Walk(func(string, *Field, *Field) { n++ })
		_ = p.Ref()
		c := &Catalog{}
		c.index([]*Procedure{p})
		c.Search(p.Name.VI)
	})
}

package i18n

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

func TestShippedFilesHaveTheSameKeys(t *testing.T) {
	b := Default()
	vi, en := b.Keys(VI), b.Keys(EN)
	if len(vi) == 0 {
		t.Fatal("no Vietnamese messages")
	}
	inEN := map[string]bool{}
	for _, k := range en {
		inEN[k] = true
	}
	for _, k := range vi {
		if !inEN[k] {
			t.Errorf("key %q missing in en.json", k)
		}
		delete(inEN, k)
	}
	for k := range inEN {
		t.Errorf("key %q only in en.json", k)
	}
}

func TestPlaceholdersMatch(t *testing.T) {
	b := Default()
	ph := regexp.MustCompile(`\{\d\}`)
	for _, k := range b.Keys(VI) {
		v, e := ph.FindAllString(b.In(VI, k), -1), ph.FindAllString(b.In(EN, k), -1)
		if len(v) != len(e) {
			t.Errorf("%s: vi has %v, en has %v", k, v, e)
		}
	}
}

func TestLookup(t *testing.T) {
	fsys := fstest.MapFS{
		"vi.json": {Data: []byte(`{"a":"xin chào {0}","only.vi":"chỉ có","n":"{0}/{1}"}`)},
		"en.json": {Data: []byte(`{"a":"hello {0}","n":"{0} of {1}"}`)},
	}
	b, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var switched []Lang
	b.OnChange(func(l Lang) { switched = append(switched, l) })
	tests := []struct {
		lang Lang
		key  string
		args []any
		want string
	}{
		{VI, "a", []any{"An"}, "xin chào An"},
		{EN, "a", []any{"An"}, "hello An"},
		{EN, "only.vi", nil, "chỉ có"},
		{EN, "missing", nil, "missing"},
		{VI, "n", []any{1, 2}, "1/2"},
		{EN, "n", []any{1, 2}, "1 of 2"},
	}
	for _, tt := range tests {
		b.SetLang(tt.lang)
		if got := b.T(tt.key, tt.args...); got != tt.want {
			t.Errorf("%s %s = %q, want %q", tt.lang, tt.key, got, tt.want)
		}
	}
	if len(switched) == 0 || switched[len(switched)-1] != EN {
		t.Errorf("listeners saw %v", switched)
	}
}

func TestLoadErrors(t *testing.T) {
	if _, err := Load(fstest.MapFS{}); err == nil {
		t.Error("no vi.json: want error")
	}
	if _, err := Load(fstest.MapFS{"vi.json": {Data: []byte(`{`)}}); err == nil {
		t.Error("bad JSON: want error")
	}
	if _, err := ParseLang("fr"); !errors.Is(err, ErrUnknownLang) {
		t.Errorf("ParseLang(fr) = %v", err)
	}
	if l, err := ParseLang(" EN "); err != nil || l != EN {
		t.Errorf("ParseLang(EN) = %v, %v", l, err)
	}
}

func TestTopicFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"vi.json":         {Data: []byte(`{"a": "một"}`)},
		"vi/address.json": {Data: []byte(`{"address.x": "địa chỉ"}`)},
		"en.json":         {Data: []byte(`{"a": "one"}`)},
	}
	b, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.T("address.x"); got != "địa chỉ" {
		t.Errorf("topic key = %q", got)
	}
	fsys["vi/dup.json"] = &fstest.MapFile{Data: []byte(`{"a": "hai"}`)}
	if _, err := Load(fsys); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("duplicate key across files: err = %v", err)
	}
}

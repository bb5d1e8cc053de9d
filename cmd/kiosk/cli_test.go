package main

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestVersionJSONFromLdflags(t *testing.T) {
	defer func(v, c, d string) { version, commit, buildDate = v, c, d }(version, commit, buildDate)
	version, commit, buildDate = "1.4.0", "0123456789abcdef0123", "2026-12-02T12:00:00Z"
	code, out, errs := kioskRun(t, "version", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var v versionInfo
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if v.Version != "1.4.0" || v.Commit != "0123456789abcdef0123" || v.BuildDate != "2026-12-02T12:00:00Z" || v.Go == "" {
		t.Errorf("version --json = %+v", v)
	}
	_, out, _ = kioskRun(t, "version")
	if !strings.HasPrefix(out, "kiosk 1.4.0 (0123456789ab") || !strings.Contains(out, "built 2026-12-02T12:00:00Z") {
		t.Errorf("version = %q", out)
	}
	if code, _, _ := kioskRun(t, "version", "extra"); code != 2 {
		t.Errorf("version extra: exit %d, want 2", code)
	}
}

func TestHelpLevels(t *testing.T) {
	cases := []struct {
		args     []string
		wantCode int
		want     []string // in stdout+stderr
		not      []string
	}{
		{[]string{"--help"}, 0, []string{"Commands:", "  procedures"}, []string{"-fullscreen"}},
		{[]string{"help"}, 0, []string{"Commands:"}, nil},
		{[]string{"gui", "--help"}, 0, []string{"Usage: kiosk gui", "-fullscreen", "-mode", "-reader", "-config"}, []string{"Commands:"}},
		{[]string{"gui", "-h"}, 0, []string{"-fullscreen"}, []string{"Commands:"}},
		{[]string{"version", "--help"}, 0, []string{"-json"}, nil},
	}
	for _, c := range cases {
		code, out, errs := kioskRun(t, c.args...)
		all := out + errs
		if code != c.wantCode {
			t.Errorf("%v: exit %d, want %d", c.args, code, c.wantCode)
		}
		for _, w := range c.want {
			if !strings.Contains(all, w) {
				t.Errorf("%v: output lacks %q:\n%s", c.args, w, all)
			}
		}
		for _, w := range c.not {
			if strings.Contains(all, w) {
				t.Errorf("%v: output has %q:\n%s", c.args, w, all)
			}
		}
	}
}

func TestReadValues(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "v.json")
	if err := os.WriteFile(file, []byte(`{"ly_do": "chuyển nơi ở"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`["not", "an", "object"]`), 0o600)
	cases := []struct {
		arg     string
		want    map[string]string
		wantErr string
	}{
		{"", map[string]string{}, ""},
		{`{"ly_do": "chuyển nơi ở"}`, map[string]string{"ly_do": "chuyển nơi ở"}, ""},
		{`  {"a": "1", "thuong-tru:b": "2"} `, map[string]string{"a": "1", "thuong-tru:b": "2"}, ""},
		{"@" + file, map[string]string{"ly_do": "chuyển nơi ở"}, ""},
		{file, map[string]string{"ly_do": "chuyển nơi ở"}, ""}, // bare file name, as before
		{"@", nil, "give a file name"},
		{"@" + filepath.Join(dir, "missing.json"), nil, "no such file"},
		{"@" + bad, nil, "want a JSON object of strings"},
		{`{"a": 1}`, nil, "want a JSON object of strings"},
		{`{"a": "1"} {"b": "2"}`, nil, "trailing data"},
		{`{"a": "1"`, nil, "want a JSON object"},
	}
	for _, c := range cases {
		got, err := readValues(c.arg)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("readValues(%q) error = %v, want %q", c.arg, err, c.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("readValues(%q): %v", c.arg, err)
			continue
		}
		if len(got) != len(c.want) {
			t.Errorf("readValues(%q) = %v, want %v", c.arg, got, c.want)
		}
		for k, v := range c.want {
			if got[k] != v {
				t.Errorf("readValues(%q)[%q] = %q, want %q", c.arg, k, got[k], v)
			}
		}
	}
	if _, err := readValues("@" + filepath.Join(dir, "missing.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
}

func TestReadSimByNameFromAnyDirectory(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Chdir(t.TempDir()) // no seeds directory here
	for _, name := range []string{"nguyen-van-an", "faults/tamper-dg13"} {
		code, out, errs := kioskRun(t, "read", "--sim", name, "--json")
		if code != 0 {
			t.Fatalf("read --sim %s: exit %d: %s", name, code, errs)
		}
		var r struct {
			Citizen struct{ ID string } `json:"citizen"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil || r.Citizen.ID == "" {
			t.Errorf("read --sim %s: %v\n%.300s", name, err, out)
		}
	}
	if code, _, errs := kioskRun(t, "read", "--sim", "nobody"); code != 1 || !strings.Contains(errs, "no such card fixture") {
		t.Errorf("read --sim nobody: exit %d, %s", code, errs)
	}
}

// FuzzReadValues: whatever the argument, readValues returns a map or an
// error, never panics, and a map it returns survives a JSON round trip.
func FuzzReadValues(f *testing.F) {
	for _, s := range []string{`{"a":"1"}`, `{"thuong-tru:ly_do":"chuyển"}`, `{`, `{"a":1}`, `{} {}`, "@", "@/nonexistent", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		if !strings.HasPrefix(strings.TrimSpace(arg), "{") {
			return // file names: not the parser under test
		}
		m, err := readValues(arg)
		if err != nil {
			return
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		again, err := readValues(string(b))
		if err != nil || len(again) != len(m) {
			t.Fatalf("round trip of %q: %v %v", arg, again, err)
		}
	})
}

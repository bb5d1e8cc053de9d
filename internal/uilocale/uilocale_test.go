package uilocale

import "testing"

func TestFix(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string // "" for no change
	}{
		{map[string]string{"LANG": "C.UTF-8"}, "en"},
		{map[string]string{"LANG": "C.utf8"}, "en"},
		{map[string]string{"LANG": "POSIX.UTF-8"}, "en"},
		{map[string]string{"LANG": "C@euro"}, "en"},
		{map[string]string{"LANG": "vi_VN.UTF-8", "LC_ALL": "C.UTF-8"}, "en"},    // LC_ALL wins
		{map[string]string{"LANG": "C.UTF-8", "LC_MESSAGES": "vi_VN.UTF-8"}, ""}, // messages are Vietnamese
		{map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "vi"}, ""},             // the user chose
		{map[string]string{"LANG": "C"}, ""},                                     // Fyne copes
		{map[string]string{"LANG": "POSIX"}, ""},                                 // Fyne copes
		{map[string]string{}, ""},                                                // Fyne copes
		{map[string]string{"LANG": "en_US.UTF-8"}, ""},                           // fine already
		{map[string]string{"LANG": "vi_VN"}, ""},                                 // fine already
		{map[string]string{"LANG": "Cy_GB.UTF-8"}, ""},                           // not the C locale
	}
	for _, c := range cases {
		got, ok := Fix(func(k string) string { return c.env[k] })
		if got != c.want || ok != (c.want != "") {
			t.Errorf("Fix(%v) = %q, %v; want %q", c.env, got, ok, c.want)
		}
	}
}

// FuzzFix: any environment gives "en" or nothing, and "en" only when the
// locale in effect is a C or POSIX one with a codeset or modifier.
func FuzzFix(f *testing.F) {
	for _, s := range []string{"C.UTF-8", "C", "vi_VN.UTF-8", "", "POSIX@x", ".", "@"} {
		f.Add(s, "", "")
	}
	f.Fuzz(func(t *testing.T, lang, lcAll, language string) {
		env := map[string]string{"LANG": lang, "LC_ALL": lcAll, "LANGUAGE": language}
		got, ok := Fix(func(k string) string { return env[k] })
		if ok != (got == "en") || (!ok && got != "") {
			t.Fatalf("Fix = %q, %v", got, ok)
		}
		if ok && language != "" {
			t.Fatal("Fix overrode the user's LANGUAGE")
		}
	})
}

package uilocale

import (
	"os"
	"strings"
)

func init() {
	if v, ok := Fix(os.Getenv); ok {
		os.Setenv("LANGUAGE", v)
	}
}

// Fix reports the LANGUAGE value to set, given the environment, so that
// Fyne reads a locale it can parse; ok is false when nothing needs to change.
func Fix(getenv func(string) string) (language string, ok bool) {
	if getenv("LANGUAGE") != "" {
		return "", false
	}
	var locale string
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if locale = getenv(name); locale != "" {
			break
		}
	}
	// Fyne (through go-locale) copes with "", "C" and "POSIX" exactly;
	// only a C or POSIX locale with a codeset or modifier trips it up.
	if locale == "" || locale == "C" || locale == "POSIX" {
		return "", false
	}
	base := locale
	if i := strings.IndexAny(base, ".@"); i >= 0 {
		base = base[:i]
	}
	if base != "C" && base != "POSIX" {
		return "", false
	}
	return "en", true
}

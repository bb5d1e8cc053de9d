package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestNoFyneNoiseUnderPOSIXLocale runs this test binary again under each
// locale: Fyne initialises afresh in the child, and its stderr must be empty
// for a CLI command.
func TestNoFyneNoiseUnderPOSIXLocale(t *testing.T) {
	if os.Getenv("KIOSK_LOCALE_CHILD") != "" {
		var out, errb bytes.Buffer
		code := run(context.Background(), []string{"procedures", "--json"}, &env{stdout: &out, stderr: &errb})
		os.Stderr.WriteString(errb.String())
		if code != 0 || out.Len() == 0 {
			t.Fatalf("procedures exit %d, %d bytes", code, out.Len())
		}
		return
	}
	for _, locale := range []string{"C.UTF-8", "C.utf8", "POSIX", "C", "vi_VN.UTF-8", ""} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestNoFyneNoiseUnderPOSIXLocale$")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		cmd.Env = append(cleanLocaleEnv(), "KIOSK_LOCALE_CHILD=1", "LANG="+locale)
		if err := cmd.Run(); err != nil {
			t.Fatalf("LANG=%q: %v\n%s", locale, err, stderr.String())
		}
		if strings.Contains(stderr.String(), "Fyne") || strings.Contains(stderr.String(), "locale") {
			t.Errorf("LANG=%q: stderr:\n%s", locale, stderr.String())
		}
	}
}

// cleanLocaleEnv is the environment without any locale variable.
func cleanLocaleEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES":
			continue
		}
		env = append(env, kv)
	}
	return env
}

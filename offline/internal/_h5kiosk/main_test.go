package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestHelpAndUnknownCommand(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"help"}, &env{stdout: &out, stderr: &errb}); code != 0 {
		t.Fatalf("help exit %d", code)
	}
	for name := range commands {
		if !strings.Contains(out.String(), "  "+name) {
			t.Errorf("help does not list %q:\n%s", name, out.String())
		}
	}
	out.Reset()
	if code := run(context.Background(), []string{"no-such-command"}, &env{stdout: &out, stderr: &errb}); code != 2 {
		t.Errorf("unknown command exit %d, want 2", code)
	}
	if !strings.Contains(errb.String(), `unknown command "no-such-command"`) {
		t.Errorf("stderr = %q", errb.String())
	}
}

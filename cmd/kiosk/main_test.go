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
	for _, c := range commands {
		if !strings.Contains(out.String(), "  "+c.name+" ") {
			t.Errorf("help does not list %q:\n%s", c.name, out.String())
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

// TestCommands checks the list: names unique, each with a summary and a
// function, and each found by name.
func TestCommands(t *testing.T) {
	seen := map[string]bool{}
	for i, c := range commands {
		if c == nil || c.name == "" || c.summary == "" || c.run == nil {
			t.Fatalf("commands[%d] is incomplete", i)
		}
		if seen[c.name] {
			t.Errorf("command %q listed twice", c.name)
		}
		seen[c.name] = true
		if got, ok := lookup(c.name); !ok || got != c {
			t.Errorf("lookup(%q) = %v, %t", c.name, got, ok)
		}
	}
	if _, ok := lookup("gui"); !ok {
		t.Error("no gui command: kiosk with no arguments would fail")
	}
}

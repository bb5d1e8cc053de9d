package pcscdtest

import (
	"net"
	"strings"
	"testing"
)

func TestStart(t *testing.T) {
	env := Start(t)
	if again := Start(t); again != env {
		t.Fatal("second Start in one process returned a different Env")
	}
	if !DaemonUp() {
		t.Fatal("pcscd is not accepting clients after Start")
	}
	if env.Slot < 0 || env.Slot >= Slots {
		t.Fatalf("slot %d out of range", env.Slot)
	}
	if env.VPCDAddr != VPCDAddr(env.Slot) || env.Reader != ReaderName(env.Slot) {
		t.Fatalf("env %+v does not match its slot", env)
	}
	// The slot's vpcd port must be listening; closing at once is a card
	// that left, which pcscd shrugs off.
	c, err := net.Dial("tcp", env.VPCDAddr)
	if err != nil {
		t.Fatalf("vpcd port of slot %d: %v", env.Slot, err)
	}
	c.Close()
}

func TestReaderName(t *testing.T) {
	for _, tc := range []struct {
		slot int
		name string
		addr string
	}{
		{0, "Virtual PCD 00 00", "127.0.0.1:35963"},
		{1, "Virtual PCD 00 01", "127.0.0.1:35964"},
	} {
		if got := ReaderName(tc.slot); got != tc.name {
			t.Errorf("ReaderName(%d) = %q, want %q", tc.slot, got, tc.name)
		}
		if got := VPCDAddr(tc.slot); got != tc.addr {
			t.Errorf("VPCDAddr(%d) = %q, want %q", tc.slot, got, tc.addr)
		}
	}
}

// TestPrerequisitesMissing: a missing daemon is reported with the exact
// install line, in CI and out of it.
func TestPrerequisitesMissing(t *testing.T) {
	for _, ci := range []string{"true", ""} {
		t.Setenv("CI", ci)
		t.Setenv("PCSCDTEST_PCSCD", "/nonexistent/pcscd")
		err := Prerequisites()
		if err == nil {
			t.Fatal("no error with pcscd missing")
		}
		if !strings.Contains(err.Error(), AptGet) || !strings.Contains(err.Error(), "pcscd") {
			t.Fatalf("error %q lacks the install line", err)
		}
		if ci == "true" && !strings.Contains(err.Error(), "CI=true") {
			t.Fatalf("error %q does not say CI requires it", err)
		}
	}
	t.Setenv("PCSCDTEST_PCSCD", "")
	if err := Prerequisites(); err != nil {
		t.Fatalf("with the Debian packages installed: %v", err)
	}
}

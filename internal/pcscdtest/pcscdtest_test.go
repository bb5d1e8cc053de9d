package pcscdtest

import (
	"net"
	"strings"
	"testing"
	"time"

	"motcua/cardreader/vpcd"
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

// emptyCard is the smallest card: an ATR and 6D00 to everything.
type emptyCard struct{}

func (emptyCard) ATR() []byte                      { return []byte{0x3B, 0x80, 0x80, 0x01, 0x01} }
func (emptyCard) Reset()                           {}
func (emptyCard) Process(b []byte) ([]byte, error) { return []byte{0x6D, 0x00}, nil }

// TestServe: the client Serve starts links a card to pcscd, and is gone
// once its test has ended.
func TestServe(t *testing.T) {
	env := Start(t)
	var cl *vpcd.Client
	applied := false
	t.Run("serve", func(t *testing.T) {
		cl = env.Serve(t, func(c *vpcd.Client) { applied = c.Addr() == env.VPCDAddr })
		cl.Insert(emptyCard{})
		deadline := time.Now().Add(15 * time.Second)
		for !cl.Connected() {
			if time.Now().After(deadline) {
				t.Fatal("the served card never linked to pcscd")
			}
			time.Sleep(20 * time.Millisecond)
		}
		// Left in: ending the test must unlink it.
	})
	if !applied {
		t.Error("option not applied to the client of this slot")
	}
	if cl.Connected() {
		t.Error("client still linked after its test ended")
	}
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

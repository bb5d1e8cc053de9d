package main

import (
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"

	kapp "motcua/kiosk/app"
	"motcua/kiosk/session"
)

// guiParts parses args as `kiosk gui` flags, which must parse, and builds
// the kiosk's parts from them, its output discarded. The caller stops them.
func guiParts(t *testing.T, args ...string) (*kioskParts, error) {
	t.Helper()
	g, err := parseGUIFlags("gui", &env{stdout: io.Discard, stderr: io.Discard}, args)
	if err != nil {
		t.Fatal(err)
	}
	return buildParts(context.Background(), g)
}

func TestBuildParts(t *testing.T) {
	seeds := filepath.Join("..", "..", "seeds")
	tests := []struct {
		args []string
		mode session.Mode
		full bool
		err  bool
	}{
		{[]string{"--sim", filepath.Join(seeds, "cards", "nguyen-van-an.json")}, session.Counter, false, false},
		{[]string{"--mode", "self-service", "--lang", "en", "--sim", filepath.Join(seeds, "cards", "tran-thi-binh.json")}, session.SelfService, true, false},
		{[]string{"--mode", "kiosk"}, "", false, true},
		{[]string{"--lang", "fr"}, "", false, true},
		{[]string{"--sim", "no-such-card.json"}, "", false, true},
	}
	for _, tt := range tests {
		p, err := guiParts(t, append([]string{"--data", t.TempDir(), "--portal", "http://127.0.0.1:1"}, tt.args...)...)
		if tt.err {
			if err == nil {
				p.stop()
				t.Errorf("%v: want an error", tt.args)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if p.k.Session.Mode() != tt.mode || p.full != tt.full {
			t.Errorf("%v: mode %s full %t", tt.args, p.k.Session.Mode(), p.full)
		}
		// The card reads in process, end to end.
		if err := p.k.Session.StartRead(context.Background(), session.ReadRequest{}); err != nil {
			t.Fatal(err)
		}
		for p.k.Session.State() == session.StateReading {
			time.Sleep(time.Millisecond)
		}
		if p.k.Session.State() != session.StateIdentity {
			t.Errorf("%v: state %s (%s)", tt.args, p.k.Session.State(), p.k.Session.Problem())
		}
		p.stop()
	}
}

// The attachments step holds a scanned part to the portal's limit the
// configuration gives (maxAttachmentMB), not to docpart's default.
func TestDocSourcesTakeThePortalLimit(t *testing.T) {
	var c kapp.Config
	c.MaxAttachment = 4 << 20
	c.Scanner = "none"
	if got := docSources(c).Part.MaxBytes; got != 4<<20 {
		t.Errorf("part limit %d, want %d", got, 4<<20)
	}
	if docSources(c).Scanner != nil {
		t.Error("scanner \"none\" still scans")
	}
}

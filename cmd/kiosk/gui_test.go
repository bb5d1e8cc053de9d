package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"motcua/kiosk/session"
)

func TestClerkChecker(t *testing.T) {
	check := clerkChecker("CB-01:1357, CB-02:2468,bad,:9,CB-03:")
	tests := []struct {
		id, pin string
		ok      bool
	}{
		{"CB-01", "1357", true},
		{" CB-02 ", "2468", true},
		{"CB-01", "2468", false},
		{"CB-03", "", false},
		{"", "9", false},
		{"bad", "", false},
	}
	for _, tt := range tests {
		if got := check(tt.id, tt.pin); got != tt.ok {
			t.Errorf("check(%q, %q) = %t", tt.id, tt.pin, got)
		}
	}
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
		var stderr bytes.Buffer
		args := append([]string{"--data", t.TempDir(), "--portal", "http://127.0.0.1:1"}, tt.args...)
		g, err := parseGUIFlags("gui", &env{stdout: &stderr, stderr: &stderr}, args)
		if err != nil {
			t.Fatal(err)
		}
		p, err := buildParts(context.Background(), g)
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
		if p.sess.Mode() != tt.mode || p.full != tt.full {
			t.Errorf("%v: mode %s full %t", tt.args, p.sess.Mode(), p.full)
		}
		// The card reads in process, end to end.
		if err := p.sess.StartRead(context.Background(), session.ReadRequest{}); err != nil {
			t.Fatal(err)
		}
		for p.sess.State() == session.StateReading {
			time.Sleep(time.Millisecond)
		}
		if p.sess.State() != session.StateIdentity {
			t.Errorf("%v: state %s (%s)", tt.args, p.sess.State(), p.sess.Problem())
		}
		p.stop()
	}
}

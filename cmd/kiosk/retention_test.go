package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"motcua/kiosk/session"
	"motcua/kiosk/session/demofill"
	"motcua/offline/store"
)

// TestGUIRetention files a dossier through the GUI's own build path, against
// the reference portal on loopback, and checks that the config file's
// "retention" reaches the store: "keep" keeps the personal data once the
// portal confirms receipt, the default deletes it.
func TestGUIRetention(t *testing.T) {
	seeds := filepath.Join("..", "..", "seeds")
	tests := []struct {
		retention string
		kept      bool
	}{
		{"keep", true},
		{"delete-on-receipt", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run("retention="+tt.retention, func(t *testing.T) {
			_, portalURL := testPortal(t)
			data := t.TempDir()
			cfg := `{"kioskId": "KIOSK-01", "token": "tok", "portalURL": "` + portalURL + `"`
			if tt.retention != "" {
				cfg += `, "retention": "` + tt.retention + `"`
			}
			if err := os.WriteFile(filepath.Join(data, "config.json"), []byte(cfg+"}"), 0o600); err != nil {
				t.Fatal(err)
			}
			p, err := guiParts(t, "--data", data, "--sim", filepath.Join(seeds, "cards", "nguyen-van-an.json"))
			if err != nil {
				t.Fatal(err)
			}
			defer p.stop()
			id := fileOne(t, p.k.Session)
			st := p.k.Store
			deadline := time.Now().Add(20 * time.Second)
			for {
				r, err := st.Get(id)
				if err != nil {
					t.Fatal(err)
				}
				if r.State == store.Filed || r.State == store.Closed {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("dossier still %s", r.State)
				}
				time.Sleep(20 * time.Millisecond)
			}
			_, err = st.Dossier(id, store.Actor{Clerk: "test", Purpose: "retention test"})
			if kept := err == nil; kept != tt.kept || err != nil && !errors.Is(err, store.ErrPurged) {
				t.Errorf("after receipt: err %v, want kept=%t", err, tt.kept)
			}
		})
	}
}

// fileOne walks one visit from the card to the receipt and returns the
// dossier's ID.
func fileOne(t *testing.T, s *session.Session) string {
	t.Helper()
	bg := context.Background()
	wait := func(want session.State) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for s.State() != want {
			if time.Now().After(deadline) {
				t.Fatalf("state %s (%s), want %s", s.State(), s.Problem(), want)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	if err := s.StartRead(bg, session.ReadRequest{}); err != nil {
		t.Fatal(err)
	}
	wait(session.StateIdentity)
	if err := s.Continue(); err != nil {
		t.Fatal(err)
	}
	procs, _ := s.Procedures(bg)
	for _, p := range procs {
		if p.Slug == "tam-vang" {
			if err := s.Choose(p); err != nil {
				t.Fatal(err)
			}
		}
	}
	wait(session.StateForm)
	demofill.Fill(s, time.Now())
	if err := s.Next(); err != nil {
		t.Fatal(err)
	}
	for _, at := range s.Form().Attachments("vi") {
		s.SetAttachment(at.Key, true)
	}
	if err := s.Next(); err != nil {
		t.Fatal(err)
	}
	if err := s.Submit(bg); err != nil {
		t.Fatal(err)
	}
	wait(session.StateReceipt)
	return s.Filed().DossierID
}

package session_test

import (
	"context"
	"testing"
	"time"

	"motcua/kiosk/catalog"
	"motcua/kiosk/session"
	"motcua/kiosk/session/demofill"
	"motcua/kiosk/session/sessiontest"
)

// Every procedure in the catalog can be taken from card tap to receipt:
// the requester's card, a second card where the form has another person
// (a spouse, a household member), typed values for the rest.
func TestEveryProcedure(t *testing.T) {
	h0 := newHarness(t, harnessOpts{})
	procs, _ := h0.s.Procedures(context.Background())
	for _, p := range procs {
		t.Run(p.Slug, func(t *testing.T) {
			h := newHarness(t, harnessOpts{})
			s, ctx := h.s, context.Background()
			s.StartRead(ctx, session.ReadRequest{})
			waitState(t, s, session.StateIdentity)
			if err := s.Continue(); err != nil {
				t.Fatal(err)
			}
			if err := s.Choose(p); err != nil {
				t.Fatal(err)
			}
			// A second person's card for the blocks still empty.
			for _, sl := range s.Form().Slots("vi") {
				if sl.Filled {
					continue
				}
				if n, _ := s.Form().Validate("vi"); n == 0 {
					break
				}
				h.rig.Card.Put(sessiontest.Fixture("tran-thi-binh"))
				if err := s.AddPerson(ctx, sl.Path); err != nil {
					t.Fatal(err)
				}
				for s.Adding() {
					time.Sleep(time.Millisecond)
				}
				break
			}
			if err := demofill.Fill(s, time.Now()); err != nil {
				t.Fatal(err)
			}
			if err := s.Next(); err != nil {
				for _, f := range s.Form().Fields("en") {
					if f.Error != "" {
						t.Logf("%s: %q: %s", f.Path, f.Value, f.Error)
					}
				}
				t.Fatalf("form: %v", err)
			}
			attachAll(t, s)
			if err := s.Submit(ctx); err != nil {
				t.Fatal(err)
			}
			waitState(t, s, session.StateReceipt)
			rc := s.Receipt()
			if rc.Local || rc.Code == "" || rc.ProcedureCode != p.Ref() {
				t.Errorf("receipt %+v", rc)
			}
			if p.Kind == catalog.KindBundle {
				if len(rc.Linked) != len(p.Steps) {
					t.Errorf("bundle of %d steps, %d linked dossiers on the slip", len(p.Steps), len(rc.Linked))
				}
				for _, l := range rc.Linked {
					if l.Code == "" || l.Local {
						t.Errorf("linked dossier %+v", l)
					}
				}
			}
		})
	}
}

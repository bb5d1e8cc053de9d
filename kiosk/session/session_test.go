package session_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"motcua/cardreader"
	"motcua/kiosk/session"
)

// waitState waits for the session to reach want (reads and submissions run
// on their own goroutines). It fails the test after a generous limit; it
// measures nothing.
func waitState(t *testing.T, s *session.Session, want session.State) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for s.State() != want {
		if time.Now().After(deadline) {
			t.Fatalf("state %s, want %s (problem %q)", s.State(), want, s.Problem())
		}
		time.Sleep(time.Millisecond)
	}
}

func TestJourney(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	s := h.s
	ctx := context.Background()
	var mu sync.Mutex
	var seen []session.State
	s.OnChange(func() { mu.Lock(); seen = append(seen, s.State()); mu.Unlock() })

	if err := s.StartRead(ctx, session.ReadRequest{}); err != nil {
		t.Fatal(err)
	}
	waitState(t, s, session.StateIdentity)
	if v, _ := session.Judge(s.Requester()); v != session.VerdictChip {
		t.Fatalf("verdict %s", v)
	}
	if err := s.Continue(); err != nil {
		t.Fatal(err)
	}
	procs, _ := s.Procedures(ctx)
	if len(procs) == 0 {
		t.Fatal("no procedures")
	}
	p := h.pick(t, procs)
	if err := s.Choose(p); err != nil {
		t.Fatal(err)
	}
	// The form is not complete until the typed fields are filled.
	if err := s.Next(); !errors.Is(err, session.ErrInvalid) {
		t.Fatalf("Next on empty form = %v", err)
	}
	h.fill(t)
	if err := s.Next(); err != nil {
		t.Fatalf("Next from form: %v", err)
	}
	if s.State() != session.StateAttachments {
		t.Fatalf("state %s", s.State())
	}
	for _, a := range s.Form().Attachments("vi") {
		s.SetAttachment(a.Key, true)
	}
	if err := s.Next(); err != nil {
		t.Fatalf("Next from attachments: %v", err)
	}
	if err := s.Submit(ctx); err != nil {
		t.Fatal(err)
	}
	waitState(t, s, session.StateReceipt)
	rc := s.Receipt()
	if rc == nil || rc.Code == "" || rc.ApplicantID == "" {
		t.Fatalf("receipt %+v", rc)
	}
	if err := s.Finish(); err != nil {
		t.Fatal(err)
	}
	photo := s.Requester().Photo.Data
	if err := s.Rate(ctx, 3); err != nil {
		t.Fatal(err)
	}
	if s.State() != session.StateWelcome || s.Requester() != nil || s.Form() != nil || s.Receipt() != nil {
		t.Fatalf("after rating: state %s", s.State())
	}
	for _, b := range photo {
		if b != 0 {
			t.Fatal("photo bytes not zeroed by the wipe")
		}
	}
	mu.Lock()
	defer mu.Unlock()
	want := []session.State{session.StateReading, session.StateIdentity, session.StateChooseProcedure, session.StateForm,
		session.StateAttachments, session.StateSubmitting, session.StateReceipt, session.StateRating, session.StateWiped, session.StateWelcome}
	for _, w := range want {
		if !containsState(seen, w) {
			t.Errorf("listener never saw %s (saw %v)", w, seen)
		}
	}
	h.checkRated(t, 3)
}

func containsState(ss []session.State, w session.State) bool {
	for _, s := range ss {
		if s == w {
			return true
		}
	}
	return false
}

func TestProgressSteps(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	var mu sync.Mutex
	var steps []session.Step
	h.s.OnChange(func() {
		if h.s.State() == session.StateReading {
			mu.Lock()
			steps = append(steps, h.s.Step())
			mu.Unlock()
		}
	})
	h.s.StartRead(context.Background(), session.ReadRequest{})
	waitState(t, h.s, session.StateIdentity)
	mu.Lock()
	defer mu.Unlock()
	for _, want := range []session.Step{session.StepConnecting, session.StepOpening, session.StepReading, session.StepVerifying} {
		found := false
		for _, s := range steps {
			found = found || s == want
		}
		if !found {
			t.Errorf("step %s never shown (saw %v)", want, steps)
		}
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name    string
		opts    harnessOpts
		problem string
	}{
		{"wrong card", harnessOpts{wrongCard: true}, "error.wrongcard"},
		{"bad QR", harnessOpts{qr: "not|a|card"}, "error.qr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.opts)
			h.s.StartRead(context.Background(), session.ReadRequest{QR: tt.opts.qr})
			waitState(t, h.s, session.StateReadFailed)
			if got := h.s.Problem(); got != tt.problem {
				t.Errorf("problem %q, want %q", got, tt.problem)
			}
			// Retry is allowed from a failed read.
			if err := h.s.StartRead(context.Background(), session.ReadRequest{}); err != nil {
				t.Errorf("retry: %v", err)
			}
		})
	}
}

func TestCardRemovedDuringRead(t *testing.T) {
	h := newHarness(t, harnessOpts{slow: true})
	h.s.StartRead(context.Background(), session.ReadRequest{})
	waitState(t, h.s, session.StateReading)
	h.waitReading(t)
	h.s.CardRemoved()
	waitState(t, h.s, session.StateReadFailed)
	if h.s.Problem() != "error.removed" {
		t.Errorf("problem %q", h.s.Problem())
	}
}

func TestFailedPassiveAuthBlocksSelfService(t *testing.T) {
	for _, mode := range []session.Mode{session.SelfService, session.Counter} {
		t.Run(string(mode), func(t *testing.T) {
			h := newHarness(t, harnessOpts{tampered: true, mode: mode})
			ctx := context.Background()
			h.s.StartRead(ctx, session.ReadRequest{})
			waitState(t, h.s, session.StateIdentity)
			v, c := session.Judge(h.s.Requester())
			if v != session.VerdictFailed || c.Status != cardreader.StatusFailed || c.Code == "" {
				t.Fatalf("verdict %s %+v", v, c)
			}
			if err := h.s.Continue(); !errors.Is(err, session.ErrNotVerified) {
				t.Fatalf("Continue = %v", err)
			}
			err := h.s.Override(ctx)
			if mode == session.SelfService {
				if err == nil {
					t.Fatal("self-service override allowed")
				}
				return
			}
			if err == nil {
				t.Fatal("override without a clerk allowed")
			}
			h.s.SignIn(ctx, "CB-007")
			if err := h.s.Override(ctx); err != nil {
				t.Fatal(err)
			}
			if err := h.s.Continue(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestIdleWipe(t *testing.T) {
	h := newHarness(t, harnessOpts{mode: session.SelfService})
	ctx := context.Background()
	h.s.StartRead(ctx, session.ReadRequest{})
	waitState(t, h.s, session.StateIdentity)
	photo := h.s.Requester().Photo.Data
	h.clock.Add(50 * time.Second)
	h.s.Tick(ctx)
	if w, _ := h.s.Idle(); w {
		t.Fatal("warning too early")
	}
	h.clock.Add(25 * time.Second)
	h.s.Tick(ctx)
	w, left := h.s.Idle()
	if !w || left != 15*time.Second {
		t.Fatalf("warning %t left %s", w, left)
	}
	h.s.Touch() // the citizen is still there
	if w, _ := h.s.Idle(); w {
		t.Fatal("Touch did not clear the warning")
	}
	h.clock.Add(95 * time.Second)
	h.s.Tick(ctx)
	if h.s.State() != session.StateWelcome || h.s.Requester() != nil || h.s.Wipes() != 1 {
		t.Fatalf("not wiped: %s", h.s.State())
	}
	for _, b := range photo {
		if b != 0 {
			t.Fatal("photo not zeroed")
		}
	}
	if !h.audited("session.wipe") {
		t.Error("wipe not audited")
	}
}

func TestPortalDownGivesLocalReceipt(t *testing.T) {
	h := newHarness(t, harnessOpts{portalDown: true})
	ctx := context.Background()
	h.s.StartRead(ctx, session.ReadRequest{})
	waitState(t, h.s, session.StateIdentity)
	h.s.Continue()
	procs, _ := h.s.Procedures(ctx)
	h.s.Choose(h.pick(t, procs))
	h.fill(t)
	if err := h.s.Next(); err != nil {
		t.Fatal(err)
	}
	for _, a := range h.s.Form().Attachments("vi") {
		h.s.SetAttachment(a.Key, true)
	}
	if err := h.s.Next(); err != nil {
		t.Fatal(err)
	}
	h.s.Submit(ctx)
	waitState(t, h.s, session.StateReceipt)
	rc := h.s.Receipt()
	if !rc.Local || rc.Code == "" || h.s.Filed().Synced {
		t.Fatalf("receipt %+v filed %+v", rc, h.s.Filed())
	}
	if st := h.s.Queue().Status(); st.Online || st.Queued != 1 {
		t.Errorf("status %+v", st)
	}
}

func TestStateGuards(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	ctx := context.Background()
	for name, err := range map[string]error{
		"continue": h.s.Continue(),
		"next":     h.s.Next(),
		"submit":   h.s.Submit(ctx),
		"finish":   h.s.Finish(),
		"rate":     h.s.Rate(ctx, 1),
		"add":      h.s.AddPerson(ctx, ""),
	} {
		if !errors.Is(err, session.ErrState) {
			t.Errorf("%s at welcome = %v", name, err)
		}
	}
}

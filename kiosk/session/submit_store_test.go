package session_test

import (
	"context"
	"testing"

	"motcua/kiosk/session"
)

// Issue 13.4: when the store cannot take the dossier(s), the session stays
// on Review with the error and no receipt: nothing is lost, nothing is
// half-filed.
func TestSubmitStoreFailureStaysOnReview(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	s := h.s
	ctx := context.Background()
	h.open(t, "tam-tru")
	h.fill(t)
	if err := s.Next(); err != nil {
		t.Fatal(err)
	}
	attachAll(t, s)
	h.rig.Store.Close() // the fault: every write now fails
	if err := s.Submit(ctx); err != nil {
		t.Fatal(err)
	}
	waitState(t, s, session.StateReview)
	if s.Problem() != "error.submit" || s.Receipt() != nil {
		t.Fatalf("problem %q, receipt %+v", s.Problem(), s.Receipt())
	}
}

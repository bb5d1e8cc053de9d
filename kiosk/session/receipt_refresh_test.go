package session_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"motcua/kiosk/session"
)

// Issue 17.8: a receipt made while the portal was down shows the kiosk's
// local code; once the worker files the dossier, RefreshReceipt switches
// the receipt (and Filed) to the portal's code, and says so only once.
func TestRefreshReceiptTakesPortalCode(t *testing.T) {
	h := newHarness(t, harnessOpts{portalDown: true})
	s := h.s
	ctx := context.Background()
	h.open(t, "tam-tru")
	h.fill(t)
	if err := s.Next(); err != nil {
		t.Fatal(err)
	}
	attachAll(t, s)
	if err := s.Submit(ctx); err != nil {
		t.Fatal(err)
	}
	waitState(t, s, session.StateReceipt)
	local := s.Receipt()
	if !local.Local || !strings.HasPrefix(local.Code, "KIOSK-T-") {
		t.Fatalf("receipt %+v", local)
	}
	// Still down: nothing to take.
	if s.RefreshReceipt() {
		t.Fatal("RefreshReceipt changed the receipt while the portal is down")
	}
	var changes atomic.Int32
	s.OnChange(func() { changes.Add(1) })
	h.rig.PortalDown(false)
	h.rig.Worker.Wake()
	deadline := time.Now().Add(10 * time.Second)
	for !s.RefreshReceipt() {
		if time.Now().After(deadline) {
			t.Fatal("the receipt never took the portal's code")
		}
		time.Sleep(20 * time.Millisecond)
	}
	rec, err := h.rig.Store.Get(local.DossierID)
	if err != nil {
		t.Fatal(err)
	}
	rc, f := s.Receipt(), s.Filed()
	if rc.Local || rc.Code != rec.Code || rc.Code == local.Code || rc.DossierID != local.DossierID {
		t.Errorf("receipt after sync: local %v code %q, store %q", rc.Local, rc.Code, rec.Code)
	}
	if !f.Synced || f.Code != rec.Code || f.LocalCode != local.Code {
		t.Errorf("filed after sync %+v", f)
	}
	if local.Code == rc.Code || !local.Local {
		t.Error("the receipt handed out before was changed in place")
	}
	if s.RefreshReceipt() {
		t.Error("a second refresh reported a change")
	}
	if changes.Load() == 0 {
		t.Error("listeners were not told")
	}
}

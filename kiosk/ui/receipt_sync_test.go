package ui_test

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"motcua/kiosk/session"
)

// Issue 17.8: a receipt made while the portal was down shows the local
// code; once the worker files the dossier, the receipt screen switches to
// the portal's code on its own refresh tick (Poll), without the clerk
// doing anything, and the offline note goes away.
func TestReceiptTakesPortalCodeOnceSynced(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.Counter, portalDown: true})
	a := k.app
	k.signIn(t)
	a.Key(fyne.KeyF2)
	waitFor(t, a, session.StateIdentity)
	k.fileFromIdentity(t, "tam-vang")
	local := a.Session().Receipt()
	if !local.Local || !strings.HasPrefix(local.Code, "KIOSK-T-") {
		t.Fatalf("receipt %+v", local)
	}
	contains(t, a, "Mã tạm (ngoại tuyến)", local.Code, "Máy đang mất kết nối")
	a.Poll() // the portal is still down: the slip stays as it is
	contains(t, a, "Mã tạm (ngoại tuyến)", local.Code)

	k.rig.PortalDown(false)
	k.rig.Worker.Wake()
	var code string
	deadline := time.Now().Add(10 * time.Second)
	for code == "" {
		if rec, err := k.rig.Store.Get(local.DossierID); err == nil {
			code = rec.Code
		}
		if time.Now().After(deadline) {
			t.Fatal("the worker never filed the dossier")
		}
		time.Sleep(10 * time.Millisecond)
	}
	a.Poll()
	waitText(t, a, code)
	quiet(a)
	s := allText(a)
	for _, gone := range []string{local.Code, "Mã tạm (ngoại tuyến)", "Máy đang mất kết nối"} {
		if strings.Contains(s, gone) {
			t.Errorf("the synced receipt still shows %q:\n%s", gone, s)
		}
	}
	contains(t, a, "Mã hồ sơ")
	if rc := a.Session().Receipt(); rc.Local || rc.Code != code {
		t.Errorf("session receipt %+v, want the portal's code", rc)
	}
	if a.Session().State() != session.StateReceipt {
		t.Errorf("state %s, want the receipt still", a.Session().State())
	}
}

package ui_test

import (
	"strings"
	"testing"

	"motcua/kiosk/session"
)

// Issue 17.6 on the screen: a guest with no card is typed in from the
// form, and taken off again after a question.
func TestTypeAndRemoveGuestOnScreen(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.SelfService})
	a := k.app
	tap(t, a, "Bắt đầu")
	waitFor(t, a, session.StateIdentity)
	tap(t, a, "Tiếp tục")
	waitFor(t, a, session.StateChooseProcedure)
	p, _ := k.catalog.Lookup("luu-tru")
	tap(t, a, p.Name.VI)
	waitFor(t, a, session.StateForm)
	tap(t, a, "Nhập tay:")
	waitFor(t, a, session.StateForm)
	guests := func() (n int) {
		for _, pp := range a.Session().Form().People("vi") {
			if strings.HasPrefix(pp.Path, "guests[") {
				n++
			}
		}
		return n
	}
	if guests() != 1 {
		t.Fatalf("guests after typing one in: %d", guests())
	}
	for _, f := range a.Session().Form().Fields("vi") {
		if strings.HasPrefix(f.Path, "guests[0].") && f.Locked {
			t.Errorf("%s locked on a typed guest", f.Path)
		}
	}
	var guest string
	for _, pp := range a.Session().Form().People("vi") {
		if pp.Path == "guests[0]" {
			guest = pp.Label
		}
	}
	tap(t, a, "Bỏ "+guest+" khỏi tờ khai")
	tap(t, a, "Bỏ người này") // the question's answer
	waitFor(t, a, session.StateForm)
	if guests() != 0 {
		t.Errorf("guests after removing: %d", guests())
	}
}

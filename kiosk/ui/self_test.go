package ui_test

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"motcua/kiosk/session"
)

// 17.11: on the kiosk a touch anywhere starts, and no screen shows a key
// hint (a touch screen has no Esc or Ctrl).
func TestSelfServiceTouch(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.SelfService})
	a := k.app
	quiet(a)
	a.Inspect(func(c fyne.Canvas) { test.TapCanvas(c, fyne.NewPos(30, 300)) }) // blank space
	waitFor(t, a, session.StateIdentity)
	hints := func(where string) {
		t.Helper()
		s := allText(a)
		for _, h := range []string{"(Esc)", "Ctrl+", "(F2)", "(F9)"} {
			if strings.Contains(s, h) {
				t.Errorf("%s: the touch screen shows the key hint %q", where, h)
			}
		}
	}
	hints("identity")
	a.Session().Continue()
	waitFor(t, a, session.StateChooseProcedure)
	hints("picker")
	p, _ := k.catalog.Lookup("tam-tru")
	a.Session().Choose(p)
	waitFor(t, a, session.StateForm)
	hints("form")
	fillForm(t, a, time.Now())
	a.Session().Next()
	waitFor(t, a, session.StateAttachments)
	hints("attachments")
	for _, at := range a.Session().Form().Attachments("vi") {
		a.Session().SetAttachment(at.Key, true)
	}
	a.Session().Next()
	waitFor(t, a, session.StateReview)
	hints("review")
}

// The counter keeps its key hints.
func TestCounterKeyHints(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.Counter})
	toForm(t, k, "tam-tru")
	contains(t, k.app, "Quay lại (Esc)")
}

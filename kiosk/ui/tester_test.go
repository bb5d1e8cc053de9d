package ui_test

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"motcua/kiosk/session"
)

// 17.6: the development build's menu places a second card on the
// simulated reader, so a marriage is walked with two cards from the app.
func TestTesterPlacesSecondCard(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.Counter, tester: true})
	a := k.app
	toForm(t, k, "ket-hon")
	tap(t, a, "Thẻ thử")
	tap(t, a, secondCard)
	if !strings.HasSuffix(k.rig.Card.Present(), secondCard+".json") {
		t.Fatalf("the reader holds %q", k.rig.Card.Present())
	}
	contains(t, a, "Thẻ thử: "+secondCard)
	press(a, fyne.KeyF2)
	waitText(t, a, k.second.name)
	fillForm(t, a, time.Now())
	tap(t, a, "Tiếp theo")
	waitFor(t, a, session.StateAttachments)
}

// Production builds have no such menu.
func TestNoTesterByDefault(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.Counter})
	k.app.Session().SignIn(t.Context(), "CB-01")
	if strings.Contains(allText(k.app), "Thẻ thử") {
		t.Error("the test-card menu shows without a tester")
	}
}

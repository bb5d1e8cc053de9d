package ui_test

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"motcua/internal/vntime"
	"motcua/kiosk/session"
)

// 17.7: the clerk sees an expired card, a failure they can act on (not
// "go to the counter"), and their own manual acceptance.
func TestCardChecksShown(t *testing.T) {
	t.Run("expired card", func(t *testing.T) {
		later := time.Date(2031, 1, 5, 9, 0, 0, 0, vntime.Zone) // the 2021 card of a man born 1990 ends at 40
		k := newKit(t, kitOpts{mode: session.Counter, now: func() time.Time { return later }})
		a := k.app
		a.Session().SignIn(t.Context(), "CB-01")
		a.Key(fyne.KeyF2)
		waitFor(t, a, session.StateIdentity)
		waitText(t, a, "Thẻ đã hết hạn từ ngày 12/03/2030")
	})
	t.Run("card in date", func(t *testing.T) {
		k := newKit(t, kitOpts{mode: session.Counter})
		a := k.app
		a.Session().SignIn(t.Context(), "CB-01")
		a.Key(fyne.KeyF2)
		waitFor(t, a, session.StateIdentity)
		if strings.Contains(allText(a), "hết hạn") {
			t.Error("a valid card is shown as expired")
		}
	})
	t.Run("failed chip at the counter", func(t *testing.T) {
		k := newKit(t, kitOpts{mode: session.Counter, fixture: "faults/tamper-dg13"})
		a := k.app
		a.Session().SignIn(t.Context(), "CB-01")
		a.Key(fyne.KeyF2)
		waitFor(t, a, session.StateIdentity)
		s := allText(a)
		if strings.Contains(s, "Xin mời đến quầy") {
			t.Error("the counter tells its own clerk to go to the counter")
		}
		contains(t, a, "Kiểm tra thẻ thật")
		tap(t, a, "Cán bộ đã kiểm tra thẻ — tiếp tục")
		waitText(t, a, "Cán bộ CB-01 đã kiểm tra thẻ và chấp nhận thủ công")
	})
	t.Run("failed chip at the kiosk", func(t *testing.T) {
		k := newKit(t, kitOpts{mode: session.SelfService, fixture: "faults/tamper-dg13"})
		a := k.app
		a.Session().StartRead(t.Context(), session.ReadRequest{})
		waitFor(t, a, session.StateIdentity)
		contains(t, a, "Xin mời đến quầy")
	})
}

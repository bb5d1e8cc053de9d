package ui_test

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"motcua/kiosk/i18n"
	"motcua/kiosk/session"
	"motcua/kiosk/session/sessiontest"
	"motcua/kiosk/ui"
)

// fits fails when the screen needs more than the window or when a main
// action lies outside it.
func fits(t *testing.T, k *kit, size fyne.Size, where string, actions ...string) {
	t.Helper()
	a := k.app
	quiet(a)
	var min fyne.Size
	a.Inspect(func(c fyne.Canvas) { min = c.Content().MinSize() })
	if min.Width > size.Width || min.Height > size.Height {
		t.Errorf("%s at %v: the screen needs %v", where, size, min)
	}
	for _, l := range actions {
		b := button(t, a, l)
		var pos fyne.Position
		a.Inspect(func(fyne.Canvas) { pos = fyne.CurrentApp().Driver().AbsolutePositionForObject(b) })
		if pos.X < 0 || pos.Y < 0 || pos.X+b.Size().Width > size.Width+1 || pos.Y+b.Size().Height > size.Height+1 {
			t.Errorf("%s at %v: %q at %v (%v) is outside the window", where, size, l, pos, b.Size())
		}
	}
}

// 17.10: every step fits 1024×768, 1366×768 and 1920×1080 with its actions
// in view; the side list goes on a narrow window.
func TestLayoutSizes(t *testing.T) {
	for _, mode := range []session.Mode{session.Counter, session.SelfService} {
		for _, size := range []fyne.Size{{Width: 1024, Height: 768}, {Width: 1366, Height: 768}, {Width: 1920, Height: 1080}} {
			t.Run(fmt.Sprintf("%s/%vx%v", mode, size.Width, size.Height), func(t *testing.T) {
				k := newKit(t, kitOpts{mode: mode})
				a := k.app
				k.w.Resize(size)
				if mode == session.Counter {
					a.Session().SignIn(t.Context(), "CB-01")
				}
				a.Session().StartRead(t.Context(), session.ReadRequest{})
				waitFor(t, a, session.StateIdentity)
				fits(t, k, size, "identity", "Tiếp tục")
				a.Session().Continue()
				waitFor(t, a, session.StateChooseProcedure)
				fits(t, k, size, "picker", "Quay lại")
				p, _ := k.catalog.Lookup("ket-hon")
				a.Session().Choose(p)
				waitFor(t, a, session.StateForm)
				fits(t, k, size, "form", "Tiếp theo", "Hủy và xóa dữ liệu")
				k.rig.Card.Put(sessiontest.Fixture(secondCard))
				a.Session().AddPerson(t.Context(), "")
				for deadline := time.Now().Add(10 * time.Second); a.Session().Adding() && time.Now().Before(deadline); {
					time.Sleep(time.Millisecond)
				}
				fillForm(t, a, time.Now())
				a.Session().Next()
				waitFor(t, a, session.StateAttachments)
				fits(t, k, size, "attachments", "Tiếp theo")
				for _, at := range a.Session().Form().Attachments("vi") {
					a.Session().SetAttachment(at.Key, true)
				}
				a.Session().Next()
				waitFor(t, a, session.StateReview)
				fits(t, k, size, "review", "Nộp hồ sơ")
				a.Session().Submit(t.Context())
				waitFor(t, a, session.StateReceipt)
				fits(t, k, size, "receipt", "Xong")
				if mode == session.Counter {
					shown := a.SideShown()
					if wide := size.Width >= ui.SideMinWidth; shown != wide {
						t.Errorf("side list shown=%t at width %v", shown, size.Width)
					}
				}
			})
		}
	}
}

// 17.10 in English, whose words are longer: no screen of either mode needs
// more than 1024×768, the on-screen keyboard up included.
func TestLayoutEnglishNarrow(t *testing.T) {
	size := fyne.NewSize(1024, 768)
	for _, mode := range []session.Mode{session.Counter, session.SelfService} {
		t.Run(string(mode), func(t *testing.T) {
			k := newKit(t, kitOpts{mode: mode})
			a := k.app
			a.SetLang(i18n.EN)
			k.w.Resize(size)
			fits(t, k, size, "welcome")
			if mode == session.Counter {
				a.Session().SignIn(t.Context(), "CB-01")
			}
			a.Session().StartRead(t.Context(), session.ReadRequest{})
			waitFor(t, a, session.StateIdentity)
			fits(t, k, size, "identity")
			a.Session().Continue()
			waitFor(t, a, session.StateChooseProcedure)
			fits(t, k, size, "picker")
			p, _ := k.catalog.Lookup("tam-tru")
			a.Session().Choose(p)
			waitFor(t, a, session.StateForm)
			a.FocusField("subject.phone") // the keyboard up in self-service
			fits(t, k, size, "form")
			fillForm(t, a, time.Now())
			a.Session().Next()
			waitFor(t, a, session.StateAttachments)
			fits(t, k, size, "attachments")
			for _, at := range a.Session().Form().Attachments("en") {
				a.Session().SetAttachment(at.Key, true)
			}
			a.Session().Next()
			waitFor(t, a, session.StateReview)
			fits(t, k, size, "review")
			a.Session().Submit(t.Context())
			waitFor(t, a, session.StateReceipt)
			fits(t, k, size, "receipt")
		})
	}
}

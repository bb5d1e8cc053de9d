package ui_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"motcua/cardreader/cccd"
	"motcua/kiosk/session"
	"motcua/kiosk/session/sessiontest"
	"motcua/kiosk/ui"
)

// press types a key the way the desktop driver does: to the focused
// widget if there is one, else to the canvas.
func press(a *ui.App, k fyne.KeyName) {
	quiet(a)
	a.Inspect(func(c fyne.Canvas) {
		ev := &fyne.KeyEvent{Name: k}
		if f := c.Focused(); f != nil {
			f.TypedKey(ev)
			return
		}
		c.OnTypedKey()(ev)
	})
}

// ctrl types Ctrl+k the way the desktop driver does: to the focused
// widget when it takes shortcuts, else to the canvas.
func ctrl(a *ui.App, k fyne.KeyName) {
	quiet(a)
	sc := &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierControl}
	a.Inspect(func(c fyne.Canvas) {
		if f, ok := c.Focused().(fyne.Shortcutable); ok {
			f.TypedShortcut(sc)
			return
		}
		c.(interface{ TypedShortcut(fyne.Shortcut) }).TypedShortcut(sc)
	})
}

func focused(a *ui.App) fyne.Focusable {
	quiet(a)
	var f fyne.Focusable
	a.Inspect(func(c fyne.Canvas) { f = c.Focused() })
	return f
}

// toForm signs in, reads the card and picks the procedure by keyboard.
func toForm(t *testing.T, k *kit, slug string) {
	t.Helper()
	a := k.app
	k.signIn(t)
	press(a, fyne.KeyF2)
	waitFor(t, a, session.StateIdentity)
	ctrl(a, fyne.KeyReturn)
	waitFor(t, a, session.StateChooseProcedure)
	p, _ := k.catalog.Lookup(slug)
	search, ok := focused(a).(*ui.TextField)
	if !ok {
		t.Fatalf("the picker's search is not focused on arrival (%T)", focused(a))
	}
	a.Inspect(func(fyne.Canvas) { test.Type(search, p.Name.VI) })
	quiet(a)
	if h := a.Highlighted(); h == nil || h.Slug != p.Slug {
		t.Fatalf("highlighted %v, want %s", h, p.Slug)
	}
	press(a, fyne.KeyReturn)
	waitFor(t, a, session.StateForm)
}

// 17.1: the counter's keys work with the cursor in a field.
func TestKeysInsideFields(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.Counter})
	a := k.app
	toForm(t, k, "xac-nhan-hon-nhan")
	f, ok := focused(a).(*ui.TextField)
	if !ok {
		t.Fatalf("no field focused on the form (%T)", focused(a))
	}
	if f.CursorColumn != len([]rune(f.Text)) {
		t.Errorf("cursor at %d in a prefilled value of %d characters", f.CursorColumn, len([]rune(f.Text)))
	}
	if f.Scroll != fyne.ScrollNone {
		t.Error("a field keeps its own scroller: the wheel over it would not scroll the form")
	}
	press(a, fyne.KeyEscape) // Esc in a field goes back
	waitFor(t, a, session.StateChooseProcedure)
	press(a, fyne.KeyReturn) // the search kept its text: Enter chooses again
	waitFor(t, a, session.StateForm)
	fillForm(t, a, time.Now())
	a.Inspect(func(c fyne.Canvas) { c.Focus(f) })
	ctrl(a, fyne.KeyReturn) // Ctrl+Enter in a field moves on
	waitFor(t, a, session.StateAttachments)
	press(a, fyne.KeyEscape)
	waitFor(t, a, session.StateForm)
}

// 17.1: Up/Down move the picker's highlight; Enter takes it.
func TestPickerArrows(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.Counter})
	a := k.app
	k.signIn(t)
	press(a, fyne.KeyF2)
	waitFor(t, a, session.StateIdentity)
	tap(t, a, "Tiếp tục")
	waitFor(t, a, session.StateChooseProcedure)
	first := a.Highlighted()
	press(a, fyne.KeyDown)
	second := a.Highlighted()
	if first == nil || second == nil || first == second {
		t.Fatalf("Down did not move the highlight: %v -> %v", first, second)
	}
	press(a, fyne.KeyUp)
	if a.Highlighted() != first {
		t.Fatal("Up did not move the highlight back")
	}
	press(a, fyne.KeyDown)
	press(a, fyne.KeyReturn)
	waitFor(t, a, session.StateForm)
	if got := a.Session().Form().Procedure().Slug; got != second.Slug {
		t.Errorf("Enter chose %s, want %s", got, second.Slug)
	}
}

// 17.1: a keyboard-wedge QR is caught with no field focused.
func TestWedgeQRAnywhere(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.SelfService})
	a := k.app
	quiet(a)
	a.Inspect(func(c fyne.Canvas) {
		c.Unfocus()
		for _, r := range "001301007733||Trần Thị Bình|05112001|Nữ|Hà Nội|15082024" {
			c.OnTypedRune()(r)
		}
	})
	press(a, fyne.KeyReturn)
	waitFor(t, a, session.StateReadFailed) // the QR is another person's card: it was read
}

// 17.1 at the counter, where the cursor is always in a field: a QR the
// wedge scanner types into the focused field is taken out of it again and
// read as the next person's card (the marriage's second party).
func TestWedgeQRInAField(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.Counter})
	a := k.app
	toForm(t, k, "ket-hon")
	f, ok := focused(a).(*ui.TextField)
	if !ok {
		t.Fatalf("no field focused on the form (%T)", focused(a))
	}
	before := f.Text
	raw, err := os.ReadFile(sessiontest.Fixture(secondCard))
	if err != nil {
		t.Fatal(err)
	}
	var fx struct {
		Person cccd.Citizen `json:"person"`
	}
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	k.rig.Card.Put(sessiontest.Fixture(secondCard)) // the card itself lies on the reader too
	a.Inspect(func(fyne.Canvas) { test.Type(f, cccd.QRFromCitizen(fx.Person).String()) })
	press(a, fyne.KeyReturn)
	waitText(t, a, k.second.name)
	if v := value(a, f.Path()); v != before {
		t.Errorf("%s holds %q after the scan, want %q back", f.Path(), v, before)
	}
	people := 0
	for range a.Session().Form().People("vi") {
		people++
	}
	if people != 2 {
		t.Errorf("%d people on the form after the second party's QR, want 2", people)
	}
}

// 17.2: cancelling asks, with the safe answer focused.
func TestCancelNeedsIntent(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.Counter})
	a := k.app
	toForm(t, k, "xac-nhan-hon-nhan")
	tap(t, a, "Hủy và xóa dữ liệu")
	quiet(a)
	b, ok := focused(a).(*widget.Button)
	if !ok || b.Text != "Không, giữ lại" {
		t.Fatalf("focus on %v, want the keep button", focused(a))
	}
	a.Inspect(func(fyne.Canvas) { b.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace}) }) // a stray Space
	quiet(a)
	if a.Session().State() != session.StateForm || a.Session().Requester() == nil {
		t.Fatal("a stray Space ended the visit")
	}
	tap(t, a, "Hủy và xóa dữ liệu")
	tap(t, a, "Có, hủy và xóa")
	waitFor(t, a, session.StateWelcome)
	k.noPersonalData(t)
}

// 17.2: Submit does not sit where Next sat on the screens before it.
func TestSubmitNotUnderNext(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.Counter})
	a := k.app
	toForm(t, k, "xac-nhan-hon-nhan")
	fillForm(t, a, time.Now())
	next := button(t, a, "Tiếp theo")
	var nextAt fyne.Position
	a.Inspect(func(fyne.Canvas) { nextAt = fyne.CurrentApp().Driver().AbsolutePositionForObject(next) })
	nextSize := next.Size()
	tap(t, a, "Tiếp theo")
	waitFor(t, a, session.StateAttachments)
	tap(t, a, "Tiếp theo")
	waitFor(t, a, session.StateReview)
	sub := button(t, a, "Nộp hồ sơ")
	var subAt fyne.Position
	a.Inspect(func(fyne.Canvas) { subAt = fyne.CurrentApp().Driver().AbsolutePositionForObject(sub) })
	overlapX := subAt.X < nextAt.X+nextSize.Width && nextAt.X < subAt.X+sub.Size().Width
	if overlapX {
		t.Errorf("Submit at %v (%v) overlaps where Next was, %v (%v)", subAt, sub.Size(), nextAt, nextSize)
	}
}

// 17.3: signing out ends the visit; nothing works until someone signs in.
func TestSignOutEndsVisit(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.Counter})
	a := k.app
	toForm(t, k, "xac-nhan-hon-nhan")
	tap(t, a, "Đăng xuất")
	quiet(a)
	if a.Session().Clerk() == "" || a.Session().Requester() == nil {
		t.Fatal("signed out without confirming")
	}
	tap(t, a, "Có, đăng xuất")
	quiet(a)
	if a.Session().Clerk() != "" {
		t.Fatal("still signed in")
	}
	k.noPersonalData(t)
	press(a, fyne.KeyF2)
	a.Key(fyne.KeyF2)
	ctrl(a, fyne.KeyReturn)
	time.Sleep(50 * time.Millisecond)
	if st := a.Session().State(); st != session.StateWelcome && st != session.StateWiped {
		t.Errorf("a card was read while nobody is signed in: %s", st)
	}
	a.Key(fyne.KeyF9)
	s := allText(a)
	for _, bad := range []string{"Chỉ số", "In lại", "Tổng số hồ sơ"} {
		if strings.Contains(s, bad) {
			t.Errorf("signed out, yet the screen offers %q", bad)
		}
	}
	if len(a.Entries()) != 0 {
		t.Errorf("signed out, yet the dossier list holds %d entries", len(a.Entries()))
	}
}

// 17.3: Ctrl+L locks the counter; the clerk's PIN opens it on the same visit.
func TestScreenLock(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.Counter})
	a := k.app
	toForm(t, k, "xac-nhan-hon-nhan")
	ctrl(a, fyne.KeyL)
	waitText(t, a, "Màn hình đã khóa")
	s := allText(a)
	if strings.Contains(s, k.first.name) || strings.Contains(s, "Chỉ số") {
		t.Error("the locked screen shows the citizen or the indicators")
	}
	a.Key(fyne.KeyEscape) // keys do nothing while locked
	quiet(a)
	if a.Session().State() != session.StateForm {
		t.Fatalf("Esc acted behind the lock: %s", a.Session().State())
	}
	pin, ok := focused(a).(*ui.TextField)
	if !ok {
		t.Fatal("the PIN box is not focused")
	}
	a.Inspect(func(fyne.Canvas) { test.Type(pin, "9999") })
	press(a, fyne.KeyReturn)
	waitText(t, a, "Mã PIN không đúng")
	if !a.Locked() {
		t.Fatal("a wrong PIN unlocked")
	}
	a.Inspect(func(fyne.Canvas) { test.Type(pin, "1357") })
	press(a, fyne.KeyReturn)
	quiet(a)
	if a.Locked() {
		t.Fatal("the right PIN did not unlock")
	}
	contains(t, a, k.first.name)
}

// 17.1: a field taking the focus below the fold is scrolled into view.
func TestFocusedFieldScrolledIntoView(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.Counter})
	a := k.app
	k.w.Resize(fyne.NewSize(1024, 768))
	toForm(t, k, "ket-hon")
	var last *ui.TextField
	var lastY float32
	a.Inspect(func(c fyne.Canvas) {
		for _, o := range objects(c) {
			if f, ok := o.(*ui.TextField); ok && f.Visible() && f.Path() != "" {
				if y := f.Position().Y; last == nil || y >= lastY {
					last, lastY = f, y
				}
			}
		}
	})
	if last == nil {
		t.Fatal("no field")
	}
	a.Inspect(func(c fyne.Canvas) { c.Focus(last) })
	quiet(a)
	var y, h float32
	a.Inspect(func(c fyne.Canvas) {
		y = fyne.CurrentApp().Driver().AbsolutePositionForObject(last).Y
		h = c.Size().Height
	})
	if y < 0 || y+last.Size().Height > h {
		t.Errorf("the focused field %s is at y=%v in a %v-high window", last.Path(), y, h)
	}
}

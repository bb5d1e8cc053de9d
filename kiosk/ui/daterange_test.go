package ui_test

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"motcua/kiosk/form"
	"motcua/kiosk/session"
	"motcua/kiosk/ui"
)

// 17.12: a date range is checked again when its start changes: the end's
// message follows the start, shown when the start is left, not while it
// is typed.
func TestDateRangeRecheckedOnStart(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.Counter})
	a := k.app
	toForm(t, k, "tam-vang")
	var start, end *ui.TextField
	for _, fd := range a.Session().Form().Fields("vi") {
		if fd.Spec != nil && fd.Spec.NotBefore != "" && end == nil {
			end = fields(a)[fd.Path]
			start = fields(a)[fd.Spec.NotBefore]
		}
	}
	if start == nil || end == nil {
		t.Fatal("no typed date range (notBefore) on the tạm vắng form")
	}
	msg := form.MessageFor(form.CodeDateOrder).In("vi")
	day := func(days int) string { return time.Now().AddDate(0, 0, days).Format("02/01/2006") }
	retype := func(f *ui.TextField, v string) {
		a.Inspect(func(c fyne.Canvas) { c.Focus(f); f.SetText(""); test.Type(f, v) })
	}
	leave := func() { a.Inspect(func(c fyne.Canvas) { c.Unfocus() }) }
	shown := func() bool { return visibleText(a, msg) }

	retype(end, day(10))
	leave()
	if shown() {
		t.Fatalf("an end after today with no start shows %q", msg)
	}

	// The start moves after the end: the end's message shows once the start
	// is left, and not while the start is typed.
	retype(start, day(20))
	if shown() {
		t.Errorf("the end's message shows while the start is still typed")
	}
	leave()
	if !shown() {
		t.Errorf("a start after the end, once left, did not show %q under the end", msg)
	}

	// The start back before the end: the message goes.
	retype(start, day(1))
	leave()
	if shown() {
		t.Errorf("the end's message %q stays after the start was fixed", msg)
	}
}

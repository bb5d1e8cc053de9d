package ui_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"motcua/kiosk/session"
	"motcua/kiosk/ui"
)

// visibleText reports whether a shown label holds s.
func visibleText(a *ui.App, s string) bool {
	quiet(a)
	found := false
	a.Inspect(func(c fyne.Canvas) {
		for _, o := range objects(c) {
			if l, ok := o.(*widget.Label); ok && l.Visible() && strings.Contains(l.Text, s) {
				found = true
			}
		}
	})
	return found
}

// 17.12: "N fields to fix" names the first one and puts the cursor there;
// a field's message shows when it is left, not while typing.
func TestClearErrors(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.Counter})
	a := k.app
	toForm(t, k, "ket-hon")
	var firstErr session.Field
	tap(t, a, "Tiếp theo")
	for _, fd := range a.Session().Form().Fields("vi") {
		if fd.Error != "" {
			firstErr = fd
			break
		}
	}
	if firstErr.Path == "" {
		t.Fatal("an empty form had no error")
	}
	waitText(t, a, "ô đầu tiên: “"+firstErr.Label+"”")
	f, ok := focused(a).(*ui.TextField)
	if !ok || f.Path() != firstErr.Path {
		t.Fatalf("focus on %v, want the field %s", focused(a), firstErr.Path)
	}

	// Typing a wrong date: no message yet; leaving the field shows it.
	var date, other *ui.TextField
	for p, e := range fields(a) {
		if strings.HasSuffix(p, "dateOfBirth") && date == nil {
			date = e
		} else if other == nil && !strings.HasSuffix(p, "dateOfBirth") {
			other = e
		}
	}
	if date == nil || other == nil {
		t.Fatal("no typed date field on the marriage form")
	}
	a.Inspect(func(c fyne.Canvas) { c.Focus(date); date.SetText(""); test.Type(date, "31/02/2000") })
	var msg string
	for _, fd := range a.Session().Form().Fields("vi") {
		if fd.Path == date.Path() {
			msg = fd.Error
		}
	}
	if !strings.Contains(msg, "không có trong lịch") {
		t.Fatalf("31/02/2000: message %q does not say the day does not exist", msg)
	}
	if visibleText(a, msg) {
		t.Errorf("the message %q shows while the clerk is still typing", msg)
	}
	a.Inspect(func(c fyne.Canvas) { c.Focus(other) })
	if !visibleText(a, msg) {
		t.Errorf("leaving the field did not show %q", msg)
	}
	// Fixing it clears the message while typing.
	a.Inspect(func(c fyne.Canvas) { c.Focus(date); date.SetText(""); test.Type(date, "01/02/1990") })
	if visibleText(a, msg) {
		t.Errorf("the message %q stays after the fix", msg)
	}
}

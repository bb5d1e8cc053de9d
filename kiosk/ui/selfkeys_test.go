package ui_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"motcua/kiosk/session"
	"motcua/kiosk/ui"
)

// formScroll is the scroller the form's field f sits in.
func formScroll(a *ui.App, f fyne.CanvasObject) *container.Scroll {
	var out *container.Scroll
	a.Inspect(func(c fyne.Canvas) {
		for _, o := range objects(c) {
			sc, ok := o.(*container.Scroll)
			if !ok || sc.Content == nil {
				continue
			}
			for _, in := range test.LaidOutObjects(sc.Content) {
				if in == f {
					out = sc
				}
			}
		}
	})
	return out
}

// selfForm opens the form of slug on a 1024×768 self-service kiosk.
func selfForm(t *testing.T, slug string) *ui.App {
	t.Helper()
	k := newKit(t, kitOpts{mode: session.SelfService})
	a := k.app
	k.w.Resize(fyne.NewSize(1024, 768))
	a.Session().StartRead(t.Context(), session.ReadRequest{})
	waitFor(t, a, session.StateIdentity)
	a.Session().Continue()
	waitFor(t, a, session.StateChooseProcedure)
	p, _ := k.catalog.Lookup(slug)
	a.Session().Choose(p)
	waitFor(t, a, session.StateForm)
	quiet(a)
	return a
}

// 17.11: on the kiosk's 1024×768 touch screen, "Ô tiếp" on the on-screen
// keyboard moves the focus field by field down a long form with the view
// (each field it lands on is inside the form's visible part, above the
// keyboard), and the keys then type into that field, keeping it in view.
// No key hints show.
func TestSelfServiceNextKeyScrolls(t *testing.T) {
	a := selfForm(t, "tam-tru")
	for _, h := range []string{"(Esc)", "Ctrl+", "(F2)", "(F9)"} {
		if strings.Contains(allText(a), h) {
			t.Errorf("the self-service form shows the key hint %q", h)
		}
	}

	var sc *container.Scroll
	var last *ui.TextField
	below := false // reached a field that started below the visible part
	for n := 0; n < 60 && !below; n++ {
		tap(t, a, "Ô tiếp")
		quiet(a)
		f, ok := focused(a).(*ui.TextField)
		if !ok {
			t.Fatalf("after %d taps on Ô tiếp the focus is on %T, not a field", n+1, focused(a))
		}
		if f == last {
			t.Fatalf("Ô tiếp left the focus on %s", f.Path())
		}
		last = f
		if sc == nil {
			if sc = formScroll(a, f); sc == nil {
				t.Fatal("the form's fields are not in a scroller")
			}
		}
		var fy, top, view, inContent float32
		a.Inspect(func(fyne.Canvas) {
			d := fyne.CurrentApp().Driver()
			fy, top = d.AbsolutePositionForObject(f).Y, d.AbsolutePositionForObject(sc).Y
			view = sc.Size().Height
			inContent = fy - d.AbsolutePositionForObject(sc.Content).Y
		})
		if fy < top || fy+f.Size().Height > top+view {
			t.Fatalf("tap %d: the focused field %s at y=%v..%v is outside the form's view %v..%v",
				n+1, f.Path(), fy, fy+f.Size().Height, top, top+view)
		}
		below = inContent+f.Size().Height > view
	}
	if !below {
		t.Fatalf("Ô tiếp never reached a field below the first view (last %s)", last.Path())
	}

	// The citizen scrolls back up to read; the on-screen keys still type
	// into the field Ô tiếp reached, and bring it back into view.
	a.Inspect(func(fyne.Canvas) { sc.ScrollToTop() })
	before := last.Text
	for _, key := range []string{"a", "n"} {
		tap(t, a, key)
	}
	quiet(a)
	if !strings.HasSuffix(last.Text, "an") || len(last.Text) != len(before)+2 {
		t.Errorf("the keys typed %q into %s (was %q), want \"an\" added", last.Text, last.Path(), before)
	}
	var fy, top float32
	a.Inspect(func(fyne.Canvas) {
		d := fyne.CurrentApp().Driver()
		fy, top = d.AbsolutePositionForObject(last).Y, d.AbsolutePositionForObject(sc).Y
	})
	if fy < top || fy+last.Size().Height > top+sc.Size().Height {
		t.Errorf("typing left the field %s at y=%v outside the form's view from y=%v, %v high", last.Path(), fy, top, sc.Size().Height)
	}
}

// 17.11 on a 768-px touch screen: the on-screen keyboard is down while the
// citizen reads the form (the form has the screen), comes up when a field
// is tapped with that field in view above it, and "Ẩn bàn phím" puts it
// down again.
func TestKeyboardComesUpOnDemand(t *testing.T) {
	a := selfForm(t, "tam-tru")
	var field *ui.TextField
	for _, path := range []string{"subject.phone", "recipient"} {
		if f := fields(a)[path]; f != nil && field == nil {
			field = f
		}
	}
	if field == nil {
		t.Fatal("no typed field on the tạm trú form")
	}
	sc := formScroll(a, field)
	height := func() (h float32) {
		quiet(a)
		a.Inspect(func(fyne.Canvas) { h = sc.Size().Height })
		return h
	}
	reading := height()
	if reading < 400 {
		t.Errorf("with the keyboard down the form has %v px of 768", reading)
	}
	// A touch on a field focuses it (the driver does that; test.Tap does not).
	a.Inspect(func(c fyne.Canvas) { c.Focus(field); test.Tap(field) })
	typing := height()
	if typing >= reading-150 {
		t.Fatalf("tapping a field did not bring the keyboard up (form %v px, was %v)", typing, reading)
	}
	var fy, top float32
	a.Inspect(func(fyne.Canvas) {
		d := fyne.CurrentApp().Driver()
		fy, top = d.AbsolutePositionForObject(field).Y, d.AbsolutePositionForObject(sc).Y
	})
	if fy < top || fy+field.Size().Height > top+typing {
		t.Errorf("the tapped field at y=%v is not in the form's view %v..%v above the keyboard", fy, top, top+typing)
	}
	tap(t, a, "a")
	if !strings.HasSuffix(field.Text, "a") {
		t.Errorf("the key went elsewhere: %q", field.Text)
	}
	tap(t, a, "Ẩn bàn phím")
	if h := height(); h != reading {
		t.Errorf("after Ẩn bàn phím the form has %v px, want %v", h, reading)
	}
	if focused(a) != nil {
		t.Errorf("the field keeps the cursor with the keyboard down: %T", focused(a))
	}
	// "Tiếp theo" on an unfinished form takes the citizen to the first
	// field to fix, with the keyboard up.
	tap(t, a, "Tiếp theo")
	waitFor(t, a, session.StateForm)
	f, ok := focused(a).(*ui.TextField)
	if !ok {
		t.Fatalf("after Tiếp theo on an unfinished form the cursor is on %T", focused(a))
	}
	sc = formScroll(a, f)
	if h := height(); h >= reading-150 {
		t.Errorf("the keyboard is not up for the field to fix %s (form %v px)", f.Path(), h)
	}
}

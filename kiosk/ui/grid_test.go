package ui_test

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"motcua/kiosk/session"
	"motcua/kiosk/session/sessiontest"
	"motcua/kiosk/ui"
)

// 17.4, 17.9: the form and the review are one aligned grid; one
// provenance line per person; the focused field's help shows; "Sửa" on the
// review goes back to its section.
func TestFormGrid(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.Counter})
	a := k.app
	k.w.Resize(fyne.NewSize(1920, 1080))
	toForm(t, k, "ket-hon")
	k.rig.Card.Put(sessiontest.Fixture(secondCard))
	a.Key(fyne.KeyF2)
	waitText(t, a, k.second.name)
	quiet(a)

	// Every typed field of a column starts at the same x (the bride's
	// column and the groom's, side by side on a 1920-px screen: see
	// TestPartiesSideBySide), and none is wider than the value column's
	// limit.
	xs := map[float32]int{}
	a.Inspect(func(c fyne.Canvas) {
		for _, o := range objects(c) {
			if f, ok := o.(*ui.TextField); ok && f.Visible() {
				xs[fyne.CurrentApp().Driver().AbsolutePositionForObject(f).X]++
				if f.Size().Width > ui.MaxValueWidth {
					t.Errorf("field %s is %v wide", f.Path(), f.Size().Width)
				}
			}
		}
	})
	if len(xs) > 2 {
		t.Errorf("typed fields start at %d different x: %v", len(xs), xs)
	}
	// The label column is as wide as its labels (up to its limit), never
	// folded to a letter per line.
	labels := map[string]bool{}
	for _, fd := range a.Session().Form().Fields("vi") {
		labels[fd.Label] = true
		labels[fd.Label+" *"] = true
	}
	a.Inspect(func(c fyne.Canvas) {
		for _, o := range objects(c) {
			if l, ok := o.(*widget.Label); ok && labels[l.Text] && l.Size().Width < 150 {
				t.Errorf("the label %q is %v wide", l.Text, l.Size().Width)
			}
		}
	})

	// Two cards read: one "from the chip" line per person, not per field.
	chipLines := 0
	a.Inspect(func(c fyne.Canvas) {
		for _, o := range objects(c) {
			if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, "Lấy từ chip — không sửa được") {
				chipLines++
			}
		}
	})
	locked := 0
	for _, fd := range a.Session().Form().Fields("vi") {
		if fd.Locked && fd.Person != "" {
			locked++
		}
	}
	if chipLines != 2 || locked <= 2 {
		t.Errorf("%d provenance lines for %d locked fields of two people, want 2", chipLines, locked)
	}

	// The review: one "Sửa" per section; it goes back to that section.
	fillForm(t, a, time.Now())
	tap(t, a, "Tiếp theo")
	waitFor(t, a, session.StateAttachments)
	for _, at := range a.Session().Form().Attachments("vi") {
		a.Session().SetAttachment(at.Key, true)
	}
	tap(t, a, "Tiếp theo")
	waitFor(t, a, session.StateReview)
	sections := map[string]bool{}
	for _, fd := range a.Session().Form().Fields("vi") {
		sections[fd.Section] = true
	}
	var edits []*widget.Button
	a.Inspect(func(c fyne.Canvas) {
		for _, o := range objects(c) {
			if b, ok := o.(*widget.Button); ok && b.Text == "Sửa" {
				edits = append(edits, b)
			}
		}
	})
	if len(edits) != len(sections) {
		t.Fatalf("%d Sửa buttons for %d sections", len(edits), len(sections))
	}
	last := edits[len(edits)-1]
	a.Inspect(func(fyne.Canvas) { last.OnTapped() })
	waitFor(t, a, session.StateForm)
	f, ok := focused(a).(*ui.TextField)
	if !ok {
		t.Fatal("no field focused after Sửa")
	}
	var lastSection string
	for _, fd := range a.Session().Form().Fields("vi") {
		lastSection = fd.Section
	}
	for _, fd := range a.Session().Form().Fields("vi") {
		if fd.Path == f.Path() && fd.Section != lastSection {
			t.Errorf("Sửa of %q put the cursor in %q", lastSection, fd.Section)
		}
	}
}

// 17.4: the catalog's help of the focused field shows under the form.
func TestFieldHelpOnFocus(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.Counter})
	a := k.app
	toForm(t, k, "tam-tru")
	// The help of the focused field shows under the form.
	var withHelp session.Field
	for _, fd := range a.Session().Form().Fields("vi") {
		if fd.Help != "" && !fd.Locked && fields(a)[fd.Path] != nil {
			withHelp = fd
			break
		}
	}
	if withHelp.Path == "" {
		t.Fatal("no typed field with help on the marriage form")
	}
	target := fields(a)[withHelp.Path]
	a.Inspect(func(c fyne.Canvas) { c.Focus(target) })
	if !visibleText(a, withHelp.Help) {
		t.Errorf("focusing %s did not show its help %q", withHelp.Path, withHelp.Help)
	}

}

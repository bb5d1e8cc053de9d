package ui_test

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"motcua/kiosk/session"
	"motcua/kiosk/session/sessiontest"
	"motcua/kiosk/ui"
)

// at is where an object is drawn in the window.
func at(a *ui.App, o fyne.CanvasObject) (p fyne.Position) {
	a.Inspect(func(fyne.Canvas) { p = fyne.CurrentApp().Driver().AbsolutePositionForObject(o) })
	return p
}

// personHeads finds the person blocks' headings on screen, by title.
func personHeads(a *ui.App, titles []string) map[string]*widget.Label {
	want := map[string]bool{}
	for _, s := range titles {
		want[s] = true
	}
	out := map[string]*widget.Label{}
	a.Inspect(func(c fyne.Canvas) {
		for _, o := range objects(c) {
			if l, ok := o.(*widget.Label); ok && l.Visible() && want[l.Text] && l.TextStyle.Italic {
				out[l.Text] = l
			}
		}
	})
	return out
}

// parties are the two person blocks of the marriage form, in order.
func parties(t *testing.T, a *ui.App) []string {
	t.Helper()
	var out []string
	for _, fd := range a.Session().Form().Fields("vi") {
		if fd.Person != "" && (len(out) == 0 || out[len(out)-1] != fd.Person) {
			out = append(out, fd.Person)
		}
	}
	if len(out) != 2 {
		t.Fatalf("the marriage form has person blocks %q, want two", out)
	}
	return out
}

// sideBySide checks the two parties' headings: one beside the other on a
// wide window, one above the other on a narrow one.
func sideBySide(t *testing.T, a *ui.App, where string, wide bool) {
	t.Helper()
	quiet(a)
	ps := parties(t, a)
	heads := personHeads(a, ps)
	if len(heads) != 2 {
		t.Fatalf("%s: person headings on screen %v, want %q", where, heads, ps)
	}
	p0, p1 := at(a, heads[ps[0]]), at(a, heads[ps[1]])
	switch {
	case wide && (p0.Y != p1.Y || p1.X < p0.X+300):
		t.Errorf("%s: %q at %v and %q at %v are not side by side", where, ps[0], p0, ps[1], p1)
	case !wide && (p0.X != p1.X || p1.Y <= p0.Y):
		t.Errorf("%s: %q at %v and %q at %v are not one above the other", where, ps[0], p0, ps[1], p1)
	}
}

// 17.4: the marriage form puts Bên nữ | Bên nam side by side from
// PairMinWidth, each with the form's aligned grid; narrower, one column.
// The review does the same.
func TestPartiesSideBySide(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 1920, Height: 1080}, {Width: 1366, Height: 768}, {Width: 1024, Height: 768}} {
		t.Run(fmt.Sprintf("%vx%v", size.Width, size.Height), func(t *testing.T) {
			wide := size.Width >= ui.PairMinWidth
			k := newKit(t, kitOpts{mode: session.Counter})
			a := k.app
			k.w.Resize(size)
			toForm(t, k, "ket-hon")
			k.rig.Card.Put(sessiontest.Fixture(secondCard))
			a.Key(fyne.KeyF2)
			waitText(t, a, k.second.name)
			sideBySide(t, a, "form", wide)

			// Within each party, the values start at one x; the groom's
			// column starts right of the bride's when side by side.
			xs := map[string]map[float32]bool{}
			for _, fd := range a.Session().Form().Fields("vi") {
				if f := fields(a)[fd.Path]; f != nil && fd.Person != "" {
					if xs[fd.Person] == nil {
						xs[fd.Person] = map[float32]bool{}
					}
					xs[fd.Person][at(a, f).X] = true
				}
			}
			for p, set := range xs {
				if len(set) != 1 {
					t.Errorf("the typed fields of %q start at %d x: %v", p, len(set), set)
				}
			}
			fits(t, k, size, "form", "Tiếp theo")

			fillForm(t, a, time.Now())
			tap(t, a, "Tiếp theo")
			waitFor(t, a, session.StateAttachments)
			for _, at := range a.Session().Form().Attachments("vi") {
				a.Session().SetAttachment(at.Key, true)
			}
			tap(t, a, "Tiếp theo")
			waitFor(t, a, session.StateReview)
			sideBySide(t, a, "review", wide)
			fits(t, k, size, "review", "Nộp hồ sơ")
		})
	}
}

// 17.10: on a 1920×1080 window a form of several sections uses two
// columns and no input is wider than ~700 px; at 1366 and 1024 it stays
// one column (every value at one x).
func TestWideFormColumns(t *testing.T) {
	for _, mode := range []session.Mode{session.Counter, session.SelfService} {
		for _, size := range []fyne.Size{{Width: 1920, Height: 1080}, {Width: 1366, Height: 768}, {Width: 1024, Height: 768}} {
			t.Run(fmt.Sprintf("%s/%vx%v", mode, size.Width, size.Height), func(t *testing.T) {
				k := newKit(t, kitOpts{mode: mode})
				a := k.app
				k.w.Resize(size)
				if mode == session.Counter {
					a.Session().SignIn(t.Context(), "CB-01")
				}
				a.Session().StartRead(t.Context(), session.ReadRequest{})
				waitFor(t, a, session.StateIdentity)
				a.Session().Continue()
				waitFor(t, a, session.StateChooseProcedure)
				p, _ := k.catalog.Lookup("tam-tru")
				a.Session().Choose(p)
				waitFor(t, a, session.StateForm)
				quiet(a)
				xs := map[float32]int{}
				for _, f := range fields(a) {
					xs[at(a, f).X]++
					if w := f.Size().Width; w > 700 {
						t.Errorf("field %s is %v wide", f.Path(), w)
					}
				}
				lo, hi := float32(1e9), float32(0)
				for x := range xs {
					lo, hi = min(lo, x), max(hi, x)
				}
				if size.Width >= ui.WideMinWidth {
					if len(xs) != 2 || hi-lo < 400 {
						t.Errorf("typed fields at x %v: want two columns, both used", xs)
					}
				} else if len(xs) != 1 {
					t.Errorf("typed fields at x %v: want one column", xs)
				}
				fits(t, k, size, "form", "Tiếp theo")
			})
		}
	}
}

package ui_test

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"motcua/kiosk/session"
	"motcua/kiosk/ui"
)

// objects returns every object drawn in the window, popups included.
func objects(c fyne.Canvas) []fyne.CanvasObject {
	out := test.LaidOutObjects(c.Content())
	for _, o := range c.Overlays().List() {
		out = append(out, test.LaidOutObjects(o)...)
	}
	return out
}

// texts returns every piece of text any widget in the window holds.
func texts(c fyne.Canvas) []string {
	var out []string
	for _, o := range objects(c) {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *widget.Button:
			out = append(out, w.Text)
		case *widget.Entry:
			out = append(out, w.Text)
		case *ui.TextField:
			out = append(out, w.Text)
		case *widget.Check:
			out = append(out, w.Text)
		case *widget.Select:
			out = append(out, w.Selected)
		case *ui.Choice:
			if w.Selected == "" {
				out = append(out, w.PlaceHolder)
			}
			out = append(out, w.Selected)
		case *canvas.Text:
			out = append(out, w.Text)
		case *widget.RichText:
			out = append(out, w.String())
		}
	}
	return out
}

func allText(a *ui.App) string {
	quiet(a)
	var s string
	a.Inspect(func(c fyne.Canvas) { s = strings.Join(texts(c), "\n") })
	return s
}

// button finds a visible button whose label contains label.
func button(t *testing.T, a *ui.App, label string) *widget.Button {
	t.Helper()
	quiet(a)
	var found, exact *widget.Button
	a.Inspect(func(c fyne.Canvas) {
		for _, o := range objects(c) {
			// Long labels are broken into lines (procedure names).
			if b, ok := o.(*widget.Button); ok && b.Visible() && strings.Contains(strings.ReplaceAll(b.Text, "\n", " "), label) && !b.Disabled() {
				found = b
				if strings.ReplaceAll(b.Text, "\n", " ") == label && exact == nil {
					exact = b
				}
			}
		}
	})
	if exact != nil {
		return exact
	}
	if found == nil {
		t.Fatalf("no button %q on screen %s:\n%s", label, a.Session().State(), allText(a))
	}
	return found
}

func tap(t *testing.T, a *ui.App, label string) {
	t.Helper()
	b := button(t, a, label)
	a.Inspect(func(fyne.Canvas) { test.Tap(b) })
}

// waitFor waits until the session reaches want; the limit only stops a
// stuck test, it measures nothing.
func waitFor(t *testing.T, a *ui.App, want session.State) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for a.Session().State() != want || !a.Settled() {
		if time.Now().After(deadline) {
			t.Fatalf("state %s, want %s; screen:\n%s", a.Session().State(), want, allText(a))
		}
		time.Sleep(time.Millisecond)
	}
}

// fields returns the form's typed fields by path.
func fields(a *ui.App) map[string]*ui.TextField {
	out := map[string]*ui.TextField{}
	a.Inspect(func(c fyne.Canvas) {
		for _, o := range objects(c) {
			if e, ok := o.(*ui.TextField); ok && e.Visible() {
				out[e.Path()] = e
			}
		}
	})
	return out
}

// quiet waits until every change so far is drawn.
func quiet(a *ui.App) {
	deadline := time.Now().Add(10 * time.Second)
	for !a.Settled() && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
}

func contains(t *testing.T, a *ui.App, want ...string) {
	t.Helper()
	quiet(a)
	s := allText(a)
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("screen %s lacks %q:\n%s", a.Session().State(), w, s)
		}
	}
}

// waitText waits until the window shows want (redraws follow the session
// on its own goroutine).
func waitText(t *testing.T, a *ui.App, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(allText(a), want) {
		if time.Now().After(deadline) {
			t.Fatalf("screen %s never showed %q (notice %v, problem %q):\n%s", a.Session().State(), want, a.Session().Notice(), a.Session().Problem(), allText(a))
		}
		time.Sleep(time.Millisecond)
	}
}

package ui_test

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"motcua/kiosk/session"
	"motcua/kiosk/ui"
)

// rowLabels finds, for each field key both parties have, the two labels
// of that row on screen: the left party's and the right one's, by x.
func rowLabels(t *testing.T, a *ui.App) map[string][2]*widget.Label {
	t.Helper()
	quiet(a)
	ps := parties(t, a)
	byKey := map[string][2]string{} // key → the two parties' label texts
	for _, fd := range a.Session().Form().Fields("vi") {
		side := -1
		switch fd.Person {
		case ps[0]:
			side = 0
		case ps[1]:
			side = 1
		}
		if side < 0 || fd.Spec == nil {
			continue
		}
		label := fd.Label
		if fd.Required {
			label += " *"
		}
		l := byKey[fd.Spec.Key]
		l[side] = label
		byKey[fd.Spec.Key] = l
	}
	out := map[string][2]*widget.Label{}
	a.Inspect(func(c fyne.Canvas) {
		var shown []*widget.Label
		for _, o := range objects(c) {
			if l, ok := o.(*widget.Label); ok && l.Visible() {
				shown = append(shown, l)
			}
		}
		for key, texts := range byKey {
			if texts[0] == "" || texts[1] == "" {
				continue
			}
			var pair [2]*widget.Label
			for _, l := range shown {
				for side, text := range texts {
					if l.Text != text {
						continue
					}
					x := fyne.CurrentApp().Driver().AbsolutePositionForObject(l).X
					// The same text on both sides: the left one is the one
					// further left.
					if pair[side] == nil || (side == 0) == (x < fyne.CurrentApp().Driver().AbsolutePositionForObject(pair[side]).X) {
						pair[side] = l
					}
				}
			}
			if pair[0] != nil && pair[1] != nil && pair[0] != pair[1] {
				out[key] = pair
			}
		}
	})
	return out
}

// aligned checks that every field both parties have sits at one y in both
// columns, side by side.
func aligned(t *testing.T, a *ui.App, where string) {
	t.Helper()
	rows := rowLabels(t, a)
	if len(rows) < 5 {
		t.Fatalf("%s: %d rows found in both parties, want the marriage form's", where, len(rows))
	}
	for key, pair := range rows {
		l, r := at(a, pair[0]), at(a, pair[1])
		if r.X < l.X+300 {
			t.Errorf("%s: the %s rows are not side by side (x %v and %v)", where, key, l.X, r.X)
		}
		if l.Y != r.Y {
			t.Errorf("%s: the %s row is at y=%v on the left and y=%v on the right", where, key, l.Y, r.Y)
		}
	}
}

// 17.4: the two parties of the marriage form, side by side at 1366×768,
// keep their rows level when one side is taller: the read party has a
// provenance line the typed one lacks, and a message under a typed date
// pushes the rows below it down on both sides alike.
func TestPartyRowsLineUp(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.Counter})
	a := k.app
	k.w.Resize(fyne.NewSize(1366, 768))
	toForm(t, k, "ket-hon") // one card read; the other party is typed
	aligned(t, a, "one card read")

	// A wrong date under the left party's date of birth.
	ps := parties(t, a)
	var date, other *ui.TextField
	for _, fd := range a.Session().Form().Fields("vi") {
		f := fields(a)[fd.Path]
		switch {
		case f == nil || fd.Person != ps[0]:
		case fd.Spec.Key == "dateOfBirth":
			date = f
		case other == nil:
			other = f
		}
	}
	if date == nil || other == nil {
		t.Fatalf("the left party %q has no typed date of birth", ps[0])
	}
	a.Inspect(func(c fyne.Canvas) { c.Focus(date); test.Type(date, "31/02/2000"); c.Focus(other) })
	waitText(t, a, "không có trong lịch")
	aligned(t, a, "a message under a date")
}

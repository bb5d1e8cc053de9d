package ui_test

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"motcua/kiosk/session"
	"motcua/kiosk/session/demofill"
	"motcua/kiosk/ui"
)

// Issue 17.4: the criminal-record request's residence history is a table,
// one line per place, as on the paper form: lines are added and removed,
// each cell is checked (an end before its start says so when the cell is
// left), and the review shows the same table.
func TestResidenceHistoryTable(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.Counter})
	a := k.app
	k.w.Resize(fyne.NewSize(1024, 768))
	toForm(t, k, "ly-lich-tu-phap")
	contains(t, a, "Quá trình cư trú, nghề nghiệp, nơi làm việc *", "Từ tháng/năm *", "Đến tháng/năm", "Nơi thường trú/tạm trú *", "Chưa có dòng nào")
	cells := func() map[string]*ui.TextField {
		out := map[string]*ui.TextField{}
		for p, e := range fields(a) {
			if strings.HasPrefix(p, "residenceHistory[") {
				out[p] = e
			}
		}
		return out
	}
	if n := len(cells()); n != 0 {
		t.Fatalf("%d cells before any line was added", n)
	}

	// Next with no line: the table itself says what is missing.
	tap(t, a, "Tiếp theo")
	waitFor(t, a, session.StateForm)
	var tableErr string
	for _, fd := range a.Session().Form().Fields("vi") {
		if fd.Path == "residenceHistory" {
			tableErr = fd.Error
		}
	}
	if tableErr == "" || !visibleText(a, tableErr) {
		t.Fatalf("an empty residence history shows no message (%q)", tableErr)
	}

	tap(t, a, "Thêm dòng")
	waitFor(t, a, session.StateForm)
	tap(t, a, "Thêm dòng")
	waitFor(t, a, session.StateForm)
	c := cells()
	for _, col := range []string{"fromDate", "toDate", "residence", "occupation", "workplace"} {
		for _, row := range []string{"[0].", "[1]."} {
			if c["residenceHistory"+row+col] == nil {
				t.Fatalf("no cell residenceHistory%s%s on screen; cells %v", row, col, keys(c))
			}
		}
	}
	// The cells of one line sit side by side, the lines one under the other.
	pos := func(p string) fyne.Position {
		var at fyne.Position
		a.Inspect(func(cv fyne.Canvas) {
			at = fyne.CurrentApp().Driver().AbsolutePositionForObject(c[p])
		})
		return at
	}
	from0, res0, from1 := pos("residenceHistory[0].fromDate"), pos("residenceHistory[0].residence"), pos("residenceHistory[1].fromDate")
	if from0.Y != res0.Y || res0.X <= from0.X {
		t.Errorf("line 1 is not one line: from at %v, residence at %v", from0, res0)
	}
	if from1.Y <= from0.Y || from1.X != from0.X {
		t.Errorf("line 2 is not under line 1: %v vs %v", from1, from0)
	}

	// An end before its start: said when the cell is left, not while typing.
	typeIn := func(p, v string) {
		e := c[p]
		a.Inspect(func(cv fyne.Canvas) { cv.Focus(e); e.SetText(""); test.Type(e, v) })
	}
	typeIn("residenceHistory[0].fromDate", "09/2010")
	typeIn("residenceHistory[0].toDate", "05/2008")
	msg := ""
	for _, fd := range a.Session().Form().Fields("vi") {
		if fd.Path == "residenceHistory[0].toDate" {
			msg = fd.Error
		}
	}
	if msg == "" {
		t.Fatal("an end before its start raised no message")
	}
	typeIn("residenceHistory[0].residence", "Số 5 đường Trần Phú, phường Ba Đình, Hà Nội")
	if !visibleText(a, msg) {
		t.Errorf("leaving the end date did not show %q", msg)
	}
	typeIn("residenceHistory[0].toDate", "08/2015")
	typeIn("residenceHistory[0].occupation", "Kỹ sư")
	typeIn("residenceHistory[1].fromDate", "09/2015")
	typeIn("residenceHistory[1].residence", "Số 12 phố Lê Lợi, phường Hoàn Kiếm, Hà Nội")

	// A line with something typed asks before it goes; the rest moves up.
	removes := iconButtonsIn(a, "residenceHistory")
	if len(removes) != 2 {
		t.Fatalf("%d remove buttons for 2 lines", len(removes))
	}
	a.Inspect(func(fyne.Canvas) { test.Tap(removes[0]) })
	tap(t, a, "Xóa dòng này")
	waitFor(t, a, session.StateForm)
	if v := value(a, "residenceHistory[0].fromDate"); v != "09/2015" {
		t.Errorf("after removing line 1, line 1 starts %q, want the old line 2's 09/2015", v)
	}
	if n := len(cells()); n != 5 {
		t.Errorf("%d cells after removing a line, want 5", n)
	}

	fillForm(t, a, time.Now())
	tap(t, a, "Tiếp theo")
	waitFor(t, a, session.StateAttachments)
	tap(t, a, "Tiếp theo")
	waitFor(t, a, session.StateReview)
	contains(t, a, "Nơi thường trú/tạm trú", "09/2015", "Số 12 phố Lê Lợi, phường Hoàn Kiếm, Hà Nội")
}

// FocusField (the screenshot script's way to a part of a long form) puts
// the cursor in a cell of the table.
func TestFocusFieldInTable(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.Counter})
	a := k.app
	toForm(t, k, "ly-lich-tu-phap")
	s := a.Session()
	if err := demofill.Fill(s, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddRow("residenceHistory"); err != nil {
		t.Fatal(err)
	}
	quiet(a)
	a.FocusField("residenceHistory[1].workplace")
	if f, ok := focused(a).(*ui.TextField); !ok || f.Path() != "residenceHistory[1].workplace" {
		t.Fatalf("focus on %v", focused(a))
	}
}

// iconButtonsIn returns the visible icon-only buttons of the form (the
// remove buttons of a table's lines), in screen order.
func iconButtonsIn(a *ui.App, _ string) []*widget.Button {
	quiet(a)
	var out []*widget.Button
	a.Inspect(func(c fyne.Canvas) {
		for _, o := range objects(c) {
			if b, ok := o.(*widget.Button); ok && b.Text == "" && b.Visible() && b.Icon != nil && b.Icon.Name() == "foreground_content-remove.svg" {
				out = append(out, b)
			}
		}
	})
	return out
}

// value is what the form shows at path.
func value(a *ui.App, path string) string {
	for _, fd := range a.Session().Form().Fields("vi") {
		if fd.Path == path {
			return fd.Value
		}
	}
	return ""
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// 17.10: the residence-history table fits the narrowest screen, the
// on-screen keyboard up, with its lines side by side.
func TestTableFitsNarrowScreens(t *testing.T) {
	for _, mode := range []session.Mode{session.Counter, session.SelfService} {
		t.Run(string(mode), func(t *testing.T) {
			k := newKit(t, kitOpts{mode: mode})
			a := k.app
			size := fyne.NewSize(1024, 768)
			k.w.Resize(size)
			if mode == session.Counter {
				a.Session().SignIn(t.Context(), "CB-01")
			}
			a.Session().StartRead(t.Context(), session.ReadRequest{})
			waitFor(t, a, session.StateIdentity)
			a.Session().Continue()
			waitFor(t, a, session.StateChooseProcedure)
			p, _ := k.catalog.Lookup("ly-lich-tu-phap")
			a.Session().Choose(p)
			waitFor(t, a, session.StateForm)
			for range 2 {
				if _, err := a.Session().AddRow("residenceHistory"); err != nil {
					t.Fatal(err)
				}
			}
			quiet(a)
			a.FocusField("residenceHistory[1].workplace") // in self-service, the keyboard comes up
			fits(t, k, size, "form with a table", "Tiếp theo")
			c := fields(a)
			var from, work fyne.Position
			a.Inspect(func(fyne.Canvas) {
				d := fyne.CurrentApp().Driver()
				from, work = d.AbsolutePositionForObject(c["residenceHistory[1].fromDate"]), d.AbsolutePositionForObject(c["residenceHistory[1].workplace"])
			})
			if from.Y != work.Y || work.X+c["residenceHistory[1].workplace"].Size().Width > size.Width {
				t.Errorf("line 2 is not one line in the window: from at %v, workplace at %v", from, work)
			}
		})
	}
}

// 17.10 on a wide screen: a section with a table stays full width (its
// columns need the room), while the other sections go in two columns.
func TestTableFullWidthOnWideScreens(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.Counter})
	a := k.app
	k.w.Resize(fyne.NewSize(1920, 1080))
	toForm(t, k, "ly-lich-tu-phap")
	if _, err := a.Session().AddRow("residenceHistory"); err != nil {
		t.Fatal(err)
	}
	quiet(a)
	c := fields(a)
	for _, p := range []string{"residenceHistory[0].fromDate", "residenceHistory[0].workplace", "requester.phone"} {
		if c[p] == nil {
			t.Fatalf("no field %s on screen: %v", p, keys(c))
		}
	}
	var from, work, phone fyne.Position
	a.Inspect(func(fyne.Canvas) {
		d := fyne.CurrentApp().Driver()
		from = d.AbsolutePositionForObject(c["residenceHistory[0].fromDate"])
		work = d.AbsolutePositionForObject(c["residenceHistory[0].workplace"])
		phone = d.AbsolutePositionForObject(c["requester.phone"])
	})
	if width := work.X + c["residenceHistory[0].workplace"].Size().Width - from.X; width < 800 {
		t.Errorf("the table is %v px wide at 1920: it was put in a column", width)
	}
	if from.X > phone.X {
		t.Errorf("the table starts at x=%v, right of the form's first column (%v)", from.X, phone.X)
	}
}

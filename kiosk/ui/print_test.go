package ui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"motcua/internal/cupstest"
	"motcua/internal/pdftest"
	"motcua/kiosk/declaration"
	"motcua/kiosk/i18n"
	"motcua/kiosk/pdfdoc"
	"motcua/kiosk/printing"
	"motcua/kiosk/printout"
	"motcua/kiosk/receipt"
	"motcua/kiosk/session"
	"motcua/kiosk/session/sessiontest"
	"motcua/kiosk/ui"
	"motcua/offline/store"
)

// "In" at a self-service kiosk prints the receipt (and only the receipt)
// through the real scheduler in the background, says so on screen, and
// says clearly when there is no printer.
func TestPrintButton(t *testing.T) {
	srv := cupstest.Start(t)
	for _, tc := range []struct {
		printer string
		want    string
		printed bool
	}{
		{cupstest.PDF, "Giấy tiếp nhận hồ sơ: đã in xong", true},
		{"Nope", "Chưa có máy in", false},
	} {
		t.Run(tc.printer, func(t *testing.T) {
			test.NewTempApp(t)
			rig := sessiontest.New(t, sessiontest.Options{Mode: session.SelfService, Fixture: "nguyen-van-an"})
			ls, err := declaration.EmbeddedLayouts(rig.Catalog)
			if err != nil {
				t.Fatal(err)
			}
			src := &printout.Source{Store: rig.Store, Catalog: rig.Catalog, Layouts: ls, AgencyName: "Trung tâm Phục vụ hành chính công phường Mẫu",
				Receiver: "Kiosk tự phục vụ KIOSK-T", Paper: pdfdoc.Roll80}
			type call struct {
				id      string
				counter bool
			}
			calls := make(chan call, 1)
			jobs := make(chan printing.Job, 4)
			w := test.NewWindow(nil)
			w.Resize(fyne.NewSize(1280, 800))
			a := ui.New(w, ui.Options{Session: rig.Session, Text: i18n.Default(), AdminPIN: "2468", Ticks: -1,
				Print: func(slip receipt.Receipt, counter bool, update func(printing.Update)) {
					calls <- call{slip.DossierID, counter}
					what := []printout.What{printout.Receipt}
					docs, err := src.DocsFor(slip.DossierID, &slip, what, store.Actor{Clerk: "kiosk", Purpose: "in"})
					if err != nil {
						t.Error(err)
						return
					}
					sp := &printing.Spooler{Client: &printing.Client{Server: srv.Socket}, Printer: tc.printer, Poll: 50 * time.Millisecond}
					sp.Print(context.Background(), docs, func(u printing.Update) {
						if u.Done && u.Err == nil {
							jobs <- u.Job
						}
						update(u)
					})
				}})
			t.Cleanup(func() { a.Close(); w.Close() })
			tap(t, a, "Bắt đầu")
			waitFor(t, a, session.StateIdentity)
			tap(t, a, "Tiếp tục")
			p, _ := rig.Catalog.Lookup("tam-vang")
			tap(t, a, p.Name.VI)
			waitFor(t, a, session.StateForm)
			fillForm(t, a, time.Now())
			tap(t, a, "Tiếp theo")
			waitFor(t, a, session.StateAttachments)
			tap(t, a, "Tiếp theo")
			waitFor(t, a, session.StateReview)
			tap(t, a, "Nộp hồ sơ")
			waitFor(t, a, session.StateReceipt)
			id := a.Session().Receipt().DossierID
			tap(t, a, "In / Lưu PDF")
			c := <-calls
			if c.id != id || c.counter {
				t.Errorf("Print(%q, counter=%v), want %q, false", c.id, c.counter, id)
			}
			waitText(t, a, tc.want)
			if a.LastSaved() != "" {
				t.Errorf("a receipt file was written: %s", a.LastSaved())
			}
			if !tc.printed {
				return
			}
			out := srv.WaitPDF(t, (<-jobs).ID, time.Minute)
			if in := pdftest.Inspect(t, out); in.WidthMM < 79 || in.WidthMM > 81 {
				t.Errorf("printed %.1f mm wide, want the 80 mm roll", in.WidthMM)
			}
			if txt := pdftest.Text(t, out); !strings.Contains(txt, "1.003677") {
				t.Errorf("printed receipt text:\n%s", txt)
			}
		})
	}
}

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

// Issue 17.8: the counter panel's "In lại" prints a full, valid receipt
// through the print action (the store's receipt: code, parts, appointment,
// both signature lines, the clerk as receiver) on a real cupsd, not a short
// PDF on disk. Under delete-on-receipt the name is gone once the portal has
// the dossier: the reprint names the masked ID and says why.
func TestReprintIsAFullReceipt(t *testing.T) {
	srv := cupstest.Start(t)
	test.NewTempApp(t)
	k := &kit{dir: t.TempDir(), first: personOf(t, "nguyen-van-an"), second: personOf(t, secondCard)}
	k.rig = sessiontest.New(t, sessiontest.Options{Mode: session.Counter, Fixture: "nguyen-van-an"})
	k.catalog = k.rig.Catalog
	ls, err := declaration.EmbeddedLayouts(k.catalog)
	if err != nil {
		t.Fatal(err)
	}
	type call struct{ id, code string }
	calls := make(chan call, 1)
	jobs := make(chan printing.Job, 4)
	rendered := make(chan []byte, 1)
	k.w = test.NewWindow(nil)
	k.w.Resize(fyne.NewSize(1366, 768))
	k.app = ui.New(k.w, ui.Options{Session: k.rig.Session, Text: i18n.Default(), AdminPIN: "2468", SaveDir: k.dir, Ticks: -1,
		CheckClerk: func(id, pin string) bool { return id == "CB-01" && pin == "1357" },
		Print: func(receipt.Receipt, bool, func(printing.Update)) {
			t.Error("the reprint went through the receipt screen's Print")
		},
		Reprint: func(slip receipt.Receipt, update func(printing.Update)) {
			calls <- call{slip.DossierID, slip.Code}
			go func() {
				// What cmd/kiosk's reprintAction does, on the test's cupsd.
				src := &printout.Source{Store: k.rig.Store, Catalog: k.catalog, Layouts: ls, AgencyName: "Trung tâm Phục vụ hành chính công phường Mẫu",
					Receiver: k.rig.Session.Clerk(), Paper: pdfdoc.A4}
				docs, err := src.DocsFor(slip.DossierID, &slip, []printout.What{printout.Receipt}, store.Actor{Clerk: k.rig.Session.Clerk(), Purpose: "in lại"})
				if err != nil {
					update(printing.Update{Title: "receipt-" + slip.DossierID, Err: err, Done: true})
					return
				}
				rendered <- docs[0].PDF
				sp := &printing.Spooler{Client: &printing.Client{Server: srv.Socket}, Printer: cupstest.PDF, Poll: 50 * time.Millisecond}
				sp.Print(context.Background(), docs, func(u printing.Update) {
					if u.Done && u.Err == nil {
						jobs <- u.Job
					}
					update(u)
				})
			}()
		}})
	t.Cleanup(func() { k.app.Close(); k.w.Close() })
	a := k.app
	k.signIn(t)
	a.Key(fyne.KeyF2)
	waitFor(t, a, session.StateIdentity)
	k.fileFromIdentity(t, "tam-vang")
	rc := a.Session().Receipt()
	if rc.Local {
		t.Fatalf("the portal is up but the receipt is local: %+v", rc)
	}
	tap(t, a, "Xong")
	waitFor(t, a, session.StateWelcome)
	// Delete-on-receipt: the portal has it, so the store holds no name.
	if rec, err := k.rig.Store.Get(rc.DossierID); err != nil || rec.PersonalData {
		t.Fatalf("store record %+v, %v: want the personal data deleted", rec, err)
	}
	a.Poll()
	waitText(t, a, rc.Code)
	tap(t, a, "In lại")
	var c call
	select {
	case c = <-calls:
	case <-time.After(10 * time.Second):
		t.Fatalf("In lại did not go to the print action (saved %q)", a.LastSaved())
	}
	if c.id != rc.DossierID || c.code != rc.Code {
		t.Errorf("Reprint(%q, %q), want %q, %q", c.id, c.code, rc.DossierID, rc.Code)
	}
	waitText(t, a, "Giấy tiếp nhận hồ sơ: đã in xong")
	if a.LastSaved() != "" {
		t.Errorf("the reprint wrote a file instead of printing: %s", a.LastSaved())
	}
	// The slip as rendered (cups-pdf's copy loses the diacritics to text
	// extraction, so the wording is checked here and the codes on paper).
	txt := strings.Join(strings.Fields(pdftest.Text(t, <-rendered)), " ")
	p, _ := k.catalog.Lookup("tam-vang")
	masked := k.first.id[len(k.first.id)-4:]
	for _, want := range []string{
		rc.Code, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", p.Ref(),
		"Thành phần hồ sơ nộp gồm: 1. Tờ khai", "Thời gian trả kết quả giải quyết hồ sơ: ngày",
		"NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "CB-01",
		masked, "Bản in lại: họ tên người nộp không còn lưu tại kiosk",
	} {
		if !strings.Contains(txt, want) {
			t.Errorf("reprinted receipt lacks %q:\n%s", want, txt)
		}
	}
	if strings.Contains(txt, k.first.name) || strings.Contains(txt, k.first.id) {
		t.Errorf("the reprint names the citizen after the store deleted the data:\n%s", txt)
	}
	var out []byte
	select {
	case j := <-jobs:
		out = srv.WaitPDF(t, j.ID, time.Minute)
	case <-time.After(time.Minute):
		t.Fatal("no print job")
	}
	paper := pdftest.Text(t, out)
	for _, want := range []string{rc.Code, p.Ref(), "CB-01", masked} {
		if !strings.Contains(paper, want) {
			t.Errorf("the printed page lacks %q:\n%s", want, paper)
		}
	}
}

package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/internal/cupstest"
	"motcua/internal/pdftest"
	"motcua/kiosk/printing"
	"motcua/kiosk/printout"
	"motcua/kiosk/session"
	"motcua/kiosk/session/demofill"
	"motcua/offline/dossier"
	"motcua/offline/store"
)

// printDossier stores a thuong-tru dossier and returns the data directory
// and the dossier ID.
func printDossier(t *testing.T) (string, string) {
	t.Helper()
	data := t.TempDir()
	st, err := store.OpenDir(data, filepath.Join(data, "data.key"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	v := func(s string) dossier.Value { return dossier.Value{Value: s, Provenance: dossier.FromChip} }
	d := &dossier.Dossier{ID: dossier.NewID(time.Now()), ProcedureCode: "1.004222", ProcedureName: "Đăng ký thường trú",
		Applicants: []dossier.Applicant{{Role: "subject", ID: "001203004567", FullName: "Trần Thị Bích Ngọc",
			Values: map[string]dossier.Value{"fullName": v("Trần Thị Bích Ngọc"), "idNumber": v("001203004567")}}},
		Values:    map[string]dossier.Value{"residenceAddress": {Value: "Số 1 Phố Huế", Provenance: dossier.Typed}},
		CreatedAt: time.Now(), KioskID: "KIOSK-01", ClerkID: "CB-007", ProcessingDays: 7}
	if _, _, err := st.Enqueue(d, nil); err != nil {
		t.Fatal(err)
	}
	return data, d.ID
}

func TestRenderCLI(t *testing.T) {
	data, id := printDossier(t)
	out := filepath.Join(t.TempDir(), "to-khai.pdf")
	code, stdout, stderr := kioskRun(t, "render", "--data", data, "--dossier", id, "--what", "declaration", "--out", out)
	if code != 0 {
		t.Fatalf("render: %d %s %s", code, stdout, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}
	if txt := pdftest.Text(t, b); !strings.Contains(txt, "Trần Thị Bích Ngọc") || !strings.Contains(txt, "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ") {
		t.Errorf("declaration text:\n%s", txt)
	}
	// Never overwrites; a bad --what is a usage error.
	if code, _, _ := kioskRun(t, "render", "--data", data, "--dossier", id, "--what", "declaration", "--out", out); code != 1 {
		t.Errorf("overwrite: exit %d", code)
	}
	if code, _, _ := kioskRun(t, "render", "--data", data, "--dossier", id, "--what", "bogus", "--out", out+"2"); code != 2 {
		t.Errorf("bad --what: exit %d", code)
	}
	rc := filepath.Join(t.TempDir(), "bien-nhan.pdf")
	if code, _, stderr := kioskRun(t, "render", "--data", data, "--dossier", id, "--what", "receipt", "--paper", "roll80", "--out", rc); code != 0 {
		t.Fatalf("receipt: %s", stderr)
	}
	b, _ = os.ReadFile(rc)
	if in := pdftest.Inspect(t, b); in.WidthMM < 79 || in.WidthMM > 81 {
		t.Errorf("roll receipt %.1f mm wide", in.WidthMM)
	}
}

func TestPrintCLI(t *testing.T) {
	data, id := printDossier(t)
	srv := cupstest.Start(t)
	t.Setenv("CUPS_SERVER", srv.Socket)
	code, stdout, stderr := kioskRun(t, "print", "--data", data, "--dossier", id, "--printer", cupstest.PDF)
	if code != 0 || strings.Count(stdout, "completed") != 2 {
		t.Fatalf("print: %d\n%s\n%s", code, stdout, stderr)
	}
	code, _, stderr = kioskRun(t, "print", "--data", data, "--dossier", id, "--what", "receipt", "--printer", "Nope")
	if code != 1 || !strings.Contains(stderr, "Chưa có máy in") || !strings.Contains(stderr, "No printer") {
		t.Errorf("no printer: %d %s", code, stderr)
	}
	code, _, stderr = kioskRun(t, "print", "--data", data, "--dossier", id, "--printer", cupstest.NoPaper)
	if code != 1 || !strings.Contains(stderr, "hết giấy") {
		t.Errorf("no paper: %d %s", code, stderr)
	}
}

// The app as cmd/kiosk wires it: a dossier filed at the counter carries
// its declaration as a part, and "In" prints the declaration and the
// receipt on the default printer.
func TestAppFilesAndPrints(t *testing.T) {
	srv := cupstest.Start(t)
	t.Setenv("CUPS_SERVER", srv.Socket)
	p, err := guiParts(t, "--data", t.TempDir(), "--portal", "http://127.0.0.1:1", "--sim", filepath.Join("..", "..", "seeds", "cards", "nguyen-van-an.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.stop()
	s := p.k.Session
	wait := func(want session.State) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for s.State() != want {
			if time.Now().After(deadline) {
				t.Fatalf("state %s, want %s (%s)", s.State(), want, s.Problem())
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	bg := context.Background()
	s.StartRead(bg, session.ReadRequest{})
	wait(session.StateIdentity)
	s.Continue()
	wait(session.StateChooseProcedure)
	cat, _ := loadCatalog("")
	proc, _ := cat.Lookup("tam-vang")
	s.Choose(proc)
	wait(session.StateForm)
	demofill.Fill(s, time.Now())
	s.Next()
	wait(session.StateAttachments)
	s.Next()
	wait(session.StateReview)
	s.Submit(bg)
	wait(session.StateReceipt)
	slip := *s.Receipt()
	d, err := p.k.Store.Dossier(slip.DossierID, store.Actor{Clerk: "test", Purpose: "kiểm tra"})
	if err != nil {
		t.Fatal(err)
	}
	var part []byte
	for _, a := range d.Attachments {
		if a.Key == printout.PartKey {
			if part, err = p.k.Store.Attachment(a.SHA256); err != nil {
				t.Fatal(err)
			}
		}
	}
	if txt := pdftest.Text(t, part); !strings.Contains(txt, "TỜ KHAI BÁO TẠM VẮNG") || !strings.Contains(txt, "Nguyễn Văn An") {
		t.Fatalf("declaration part:\n%s", txt)
	}
	done := make(chan printing.Update, 4)
	p.opts.Print(slip, true, func(u printing.Update) {
		if u.Done {
			done <- u
		}
	})
	for i, want := range []string{"declaration-", "receipt-"} {
		u := <-done
		if u.Err != nil || !strings.HasPrefix(u.Title, want) {
			t.Fatalf("job %d: %+v", i, u)
		}
		out := srv.WaitPDF(t, u.Job.ID, time.Minute)
		if txt := pdftest.Text(t, out); !strings.Contains(txt, "1.003677") && !strings.Contains(txt, slip.DossierID) {
			t.Errorf("%s printed:\n%s", u.Title, txt)
		}
	}
}

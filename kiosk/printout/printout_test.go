package printout

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"motcua/kiosk/form"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/internal/cupstest"
	"motcua/internal/pdftest"
	"motcua/kiosk/catalog"
	"motcua/kiosk/declaration"
	"motcua/kiosk/pdfdoc"
	"motcua/kiosk/printing"
	"motcua/kiosk/receipt"
	"motcua/kiosk/session"
	"motcua/offline/dossier"
	"motcua/offline/portal"
	"motcua/offline/store"
)

const (
	name  = "NGUYỄN VĂN AN"
	id    = "001090012345"
	dosID = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
)

var clerk = store.Actor{Clerk: "CB-01", Purpose: "in giấy tờ"}

// file puts a thuong-tru dossier, with its declaration part, in a fresh
// store.
func file(t *testing.T, ret store.Retention) *Source {
	s, _ := fileKept(t, ret)
	return s
}

func fileKept(t *testing.T, ret store.Retention) (*Source, []byte) {
	t.Helper()
	c, err := catalog.Embedded(form.Types)
	if err != nil {
		t.Fatal(err)
	}
	ls, err := declaration.EmbeddedLayouts(c)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	st, err := store.OpenDir(dir, filepath.Join(dir, "data.key"), store.Options{Retention: ret, KioskID: "KIOSK-01", NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	chip := func(v string) dossier.Value { return dossier.Value{Value: v, Provenance: dossier.FromChip} }
	d := dossier.Dossier{ID: dosID, ProcedureCode: "1.004222", ProcedureName: "Đăng ký thường trú", KioskID: "KIOSK-01", ClerkID: "CB-01",
		CreatedAt: time.Date(2026, 12, 2, 2, 30, 0, 0, time.UTC), ProcessingDays: 7,
		Values: map[string]dossier.Value{"recipient": {Value: "Công an phường Ba Đình", Provenance: dossier.FromStaff},
			"relationToHouseholder": {Value: "self", Provenance: dossier.Typed},
			"residenceAddress":      {Value: "Số 12 Phố Đội Cấn, Phường Ba Đình, Hà Nội", Provenance: dossier.Typed},
			"residenceBasis":        {Value: "owned", Provenance: dossier.Typed}},
		Applicants: []dossier.Applicant{{Role: "subject", ID: id, FullName: name, Values: map[string]dossier.Value{
			"fullName": chip(name), "idNumber": chip(id), "dateOfBirth": chip("1990-03-15"), "sex": chip("male")}}},
		Attachments: []dossier.Attachment{{Key: "proofOfHome", Name: "so-do.pdf", Type: "application/pdf", SHA256: sha("%PDF-1.4 proof"), Size: 14}},
	}
	files := map[string][]byte{sha("%PDF-1.4 proof"): []byte("%PDF-1.4 proof")}
	if err := Declare(&d, files, c, ls, "Công an phường"); err != nil {
		t.Fatal(err)
	}
	if err := Declare(&d, files, c, ls, "Công an phường"); err != nil || len(d.Attachments) != 2 {
		t.Fatalf("declaring twice: %v, %d parts", err, len(d.Attachments))
	}
	if _, _, err := st.Enqueue(&d, files); err != nil {
		t.Fatal(err)
	}
	part, ok := Part(&d, files)
	if !ok {
		t.Fatal("no declaration part")
	}
	return &Source{Store: st, Catalog: c, Layouts: ls, AgencyName: "Trung tâm Phục vụ hành chính công phường Ba Đình", Paper: pdfdoc.A4}, part
}

// The declaration is filed as a part and printed back as filed; the
// receipt lists it with the scans, by their catalog names.
func TestDocs(t *testing.T) {
	s := file(t, store.Keep)
	docs, err := s.Docs(dosID, []What{Declaration, Receipt}, clerk)
	if err != nil {
		t.Fatal(err)
	}
	decl := flat(pdftest.Text(t, docs[0].PDF))
	for _, w := range []string{"TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", name, id, "Công an phường Ba Đình", "Nhà thuộc sở hữu của mình", "(*)"} {
		if !strings.Contains(decl, w) {
			t.Errorf("declaration lacks %q", w)
		}
	}
	rc := flat(pdftest.Text(t, docs[1].PDF))
	for _, w := range []string{name, id, "Mẫu CT01 – Tờ khai thay đổi thông tin cư trú", "bản chính, số lượng: 01",
		"Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp – bản sao", "7 ngày làm việc", "Trung tâm Phục vụ hành chính công phường Ba Đình"} {
		if !strings.Contains(rc, w) {
			t.Errorf("receipt lacks %q:\n%s", w, rc)
		}
	}
	if docs[0].Media != "A4" || docs[1].Media != "A4" || strings.Contains(docs[0].Title+docs[1].Title, "NGUY") {
		t.Errorf("jobs %q %q / %q %q", docs[0].Title, docs[0].Media, docs[1].Title, docs[1].Media)
	}
	s.Paper = pdfdoc.Roll80
	docs, _ = s.Docs(dosID, []What{Receipt}, clerk)
	if !strings.HasPrefix(docs[0].Media, "Custom.80x") {
		t.Errorf("roll media %q", docs[0].Media)
	}
	if _, err := ParseWhat("bogus"); !errors.Is(err, ErrWhat) {
		t.Errorf("ParseWhat: %v", err)
	}
}

// Counter mode prints the declaration and the receipt through the real
// scheduler and cups-pdf; both come out on A4 with their codes as text.
func TestPrintBothThroughCUPS(t *testing.T) {
	s := file(t, store.Keep)
	srv := cupstest.Start(t)
	docs, err := s.Docs(dosID, []What{Declaration, Receipt}, clerk)
	if err != nil {
		t.Fatal(err)
	}
	var jobs []printing.Job
	sp := &printing.Spooler{Client: &printing.Client{Server: srv.Socket}, Printer: cupstest.PDF, Poll: 50 * time.Millisecond}
	err = sp.PrintWait(context.Background(), docs, func(u printing.Update) {
		if u.Done {
			jobs = append(jobs, u.Job)
		}
	})
	if err != nil || len(jobs) != 2 {
		t.Fatalf("print: %v, %d jobs", err, len(jobs))
	}
	for i, want := range [][]string{{dosID, id, "66/2023/TT-BCA"}, {id, "1.004222"}} {
		out := srv.WaitPDF(t, jobs[i].ID, time.Minute)
		in := pdftest.Inspect(t, out)
		if math.Abs(in.WidthMM-210) > 1 || math.Abs(in.HeightMM-297) > 1 {
			t.Errorf("%s: %.1f × %.1f mm", docs[i].Title, in.WidthMM, in.HeightMM)
		}
		txt := flat(pdftest.Text(t, out))
		for _, w := range want {
			if !strings.Contains(txt, w) {
				t.Errorf("%s printed without %q", docs[i].Title, w)
			}
		}
	}
}

func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Under delete-on-receipt the store drops the declaration as soon as the
// portal confirms the dossier; the one kept in memory at filing still
// prints once, the session's slip still names the citizen, and after that
// the declaration is gone (ErrPurged) and the receipt shows the masked ID.
func TestRetention(t *testing.T) {
	s, part := fileKept(t, store.DeleteOnReceipt)
	s.Kept = &Kept{}
	s.Kept.Put(dosID, part)
	resp := &portal.SubmitResponse{DossierID: dosID, Code: "000.00.00.H00-261202-0007", Status: portal.StatusAccepted,
		Receipt: portal.Receipt{Code: "000.00.00.H00-261202-0007", ProcedureCode: "1.004222", ProcedureName: "Đăng ký thường trú",
			Applicant: name, ReceivedAt: time.Date(2026, 12, 2, 2, 31, 0, 0, time.UTC), ProcessingDays: 7,
			Documents: []portal.Document{{Key: PartKey, Name: "to-khai.pdf"}, {Key: "proofOfHome", Name: "so-do.pdf"}}}}
	if err := s.Store.MarkFiled(dosID, resp, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Store.Dossier(dosID, clerk); !errors.Is(err, store.ErrPurged) {
		t.Fatalf("store still holds the dossier: %v", err)
	}
	hint := &receipt.Receipt{DossierID: dosID, ApplicantName: name, ApplicantID: id}
	docs, err := s.DocsFor(dosID, hint, []What{Declaration, Receipt}, clerk)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(docs[0].PDF, part) {
		t.Error("the kept declaration is not the filed one")
	}
	rc := flat(pdftest.Text(t, docs[1].PDF))
	for _, w := range []string{name, "000.00.00.H00-261202-0007", "Mẫu CT01", "chỗ ở hợp pháp"} {
		if !strings.Contains(rc, w) {
			t.Errorf("receipt lacks %q:\n%s", w, rc)
		}
	}
	if strings.Contains(rc, "Bản in lại") {
		t.Error("the session's own slip says the name was deleted")
	}
	if s.Kept.Len() != 0 {
		t.Error("the declaration stays in memory after printing")
	}
	if _, err := s.Docs(dosID, []What{Declaration}, clerk); !errors.Is(err, store.ErrPurged) {
		t.Errorf("declaration after purge: %v", err)
	}
	docs, err = s.Docs(dosID, []What{Receipt}, clerk)
	if err != nil {
		t.Fatal(err)
	}
	if rc := flat(pdftest.Text(t, docs[0].PDF)); strings.Contains(rc, name) || !strings.Contains(rc, "2345") ||
		!strings.Contains(rc, "Bản in lại: họ tên người nộp không còn lưu tại kiosk") {
		t.Errorf("reprint after purge (masked ID, and why):\n%s", rc)
	}
	// Kept entries expire.
	now := time.Now()
	k := &Kept{TTL: time.Minute, Now: func() time.Time { return now }}
	k.Put("a", []byte("x"))
	now = now.Add(2 * time.Minute)
	if _, ok := k.Take("a"); ok {
		t.Error("an expired declaration was kept")
	}
}

// A bundle (liên thông) is one slip and one declaration per dossier: the
// citizen signs each one.
func TestBundleDeclarations(t *testing.T) {
	s := file(t, store.Keep)
	d, err := s.Store.Dossier(dosID, clerk)
	if err != nil {
		t.Fatal(err)
	}
	second := *d
	second.ID = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c"
	if _, _, err := s.Store.Enqueue(&second, nil); err != nil {
		t.Fatal(err)
	}
	hint := &receipt.Receipt{DossierID: dosID, ApplicantName: name, ApplicantID: id,
		Linked: []receipt.Linked{{DossierID: dosID, Code: "A"}, {DossierID: second.ID, Code: "B"}}}
	docs, err := s.DocsFor(dosID, hint, []What{Declaration, Receipt}, clerk)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, d := range docs {
		titles = append(titles, d.Title)
	}
	want := []string{"declaration-" + dosID, "declaration-" + second.ID, "receipt-" + dosID}
	if strings.Join(titles, " ") != strings.Join(want, " ") {
		t.Fatalf("print jobs %v, want %v", titles, want)
	}
}

// Before the portal gives its code, the receipt carries the local code the
// session showed on screen, kiosk prefix included, so the citizen can quote
// either.
func TestLocalCodeAsOnScreen(t *testing.T) {
	s := file(t, store.Keep)
	rec, err := s.Store.Get(dosID)
	if err != nil {
		t.Fatal(err)
	}
	onScreen := session.LocalCode("KIOSK-01", rec.ID, rec.CreatedAt)
	r, err := s.Receipt(dosID, clerk)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Local || r.Code != onScreen || !strings.HasPrefix(r.Code, "KIOSK-01-") {
		t.Fatalf("receipt code %q (local %v), the screen shows %q", r.Code, r.Local, onScreen)
	}
	docs, err := s.Docs(dosID, []What{Receipt}, clerk)
	if err != nil {
		t.Fatal(err)
	}
	if rc := flat(pdftest.Text(t, docs[0].PDF)); !strings.Contains(rc, onScreen) {
		t.Errorf("printed receipt lacks %q:\n%s", onScreen, rc)
	}
}

package form

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/offline/dossier"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fixedIDs hands out UUIDv7-shaped IDs in order, for reproducible goldens.
func fixedIDs(ids ...string) func() string {
	return func() string {
		id := ids[0]
		ids = ids[1:]
		return id
	}
}

func golden(t *testing.T, name string, ds ...dossier.Dossier) {
	t.Helper()
	var out bytes.Buffer
	for _, d := range ds {
		b, err := d.Canonical()
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Indent(&out, b, "", "  "); err != nil {
			t.Fatal(err)
		}
		out.WriteByte('\n')
	}
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update once)", err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("%s differs from the golden file:\n%s", name, out.String())
	}
}

func TestGoldenMarriageDossier(t *testing.T) {
	c := loadCatalog(t)
	f := newForm(t, c, "ket-hon")
	for _, rd := range []*struct{ w who }{{binh}, {an}} {
		if _, err := f.PlaceCard(chip(rd.w)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.Build("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"); !errors.Is(err, ErrIncomplete) {
		t.Fatalf("incomplete form built: %v", err)
	}
	mustSet(t, f, "wife.marriageNumber", "1", "husband.marriageNumber", "1", "copies", "2")
	if err := f.Attach(NewAttachment("maritalStatus", "xac-nhan-tthn.pdf", "application/pdf", []byte("%PDF-1.7 fictional certificate"))); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Build("not-a-uuid"); !errors.Is(err, ErrBadID) {
		t.Errorf("bad ID: %v", err)
	}
	d, err := f.Build("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")
	if err != nil {
		t.Fatal(err)
	}
	if d.ProcedureCode != "1.000894" || len(d.Applicants) != 2 || d.Applicants[0].Role != "wife" || d.Applicants[0].ID != binh.id {
		t.Fatalf("dossier %+v", d)
	}
	if d.Applicants[1].Verification.Passive != "passed" || d.Applicants[1].Values["fullName"].Provenance != dossier.FromChip {
		t.Errorf("husband's verification %+v", d.Applicants[1].Verification)
	}
	golden(t, "ket-hon.golden.json", d)
}

func TestGoldenDeathBundle(t *testing.T) {
	c := loadCatalog(t)
	b, _ := c.Lookup("lien-thong-khai-tu")
	in, err := NewIntake(c, b, opts)
	if err != nil {
		t.Fatal(err)
	}
	kt, _ := in.Step("khai-tu")
	mustApply(t, kt, "declarant", chip(an))
	mustApply(t, kt, "deceased", chip(cuc))
	mustSet(t, kt, "relationToDeceased", "Con", "dateOfDeath", "18/11/2026", "timeOfDeath", "05:40",
		"placeOfDeath", "Bệnh viện Bạch Mai, Hà Nội", "causeOfDeath", "Bệnh già", "deathNoticeNumber", "GBT-2026-0001",
		"deathNoticeIssuer", "Bệnh viện Bạch Mai", "deathNoticeDate", "18/11/2026")
	if err := kt.Attach(NewAttachment("deathNotice", "giay-bao-tu.pdf", "application/pdf", []byte("%PDF-1.7 fictional notice"))); err != nil {
		t.Fatal(err)
	}
	missing := paths(in.Missing())
	for _, want := range []string{"tro-cap-mai-tang:category", "tro-cap-mai-tang:paymentMethod"} {
		if !missing[want] {
			t.Errorf("%s not missing", want)
		}
	}
	for p := range missing {
		switch p {
		case "xoa-thuong-tru:subject.fullName", "xoa-thuong-tru:reason", "tro-cap-mai-tang:dateOfDeath", "tro-cap-mai-tang:relationToDeceased", "tro-cap-mai-tang:declarant.fullName":
			t.Errorf("%s asked again although the first step has it", p)
		case "xoa-thuong-tru:attachments.evidence":
			t.Errorf("%s asked although the bundle's khai tử issues it", p)
		}
	}
	xt, _ := in.Step("xoa-thuong-tru")
	if err := xt.Set("subject.fullName", "x"); !errors.Is(err, ErrLocked) {
		t.Errorf("carried chip value editable: %v", err)
	}
	if err := xt.Set("reason", "moved"); !errors.Is(err, ErrLocked) {
		t.Errorf("bundle-fixed reason editable: %v", err)
	}
	if err := xt.Attach(NewAttachment("evidence", "trich-luc-khai-tu.pdf", "application/pdf", []byte("%PDF-1.7 fictional extract"))); err != nil {
		t.Fatal(err)
	}
	mt, _ := in.Step("tro-cap-mai-tang")
	mustSet(t, mt, "declarant.phone", "0912345678", "category", "social-insurance", "paymentMethod", "bank", "bankAccount", "0011001234567", "bankName", "Vietcombank")
	for i, m := range in.Metrics() {
		if m.IdentityTyped != 0 {
			t.Errorf("step %d identityTyped %d", i, m.IdentityTyped)
		}
		if i > 0 && m.Carried == 0 {
			t.Errorf("step %d carried nothing", i)
		}
	}
	ds, err := in.Build(fixedIDs("0190a1b2-0000-7000-8000-000000000000", "0190a1b2-0000-7000-8000-000000000001",
		"0190a1b2-0000-7000-8000-000000000002", "0190a1b2-0000-7000-8000-000000000003"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 3 || ds[1].LinkedTo != ds[0].ID || ds[2].LinkedTo != ds[1].ID || ds[0].BundleID != ds[2].BundleID || ds[0].LinkedTo != "" {
		t.Fatalf("dossiers not linked: %+v", ds)
	}
	golden(t, "lien-thong-khai-tu.golden.json", ds...)
}

func TestBirthBundleCarriesChild(t *testing.T) {
	c := loadCatalog(t)
	b, _ := c.Lookup("lien-thong-khai-sinh")
	in, err := NewIntake(c, b, opts)
	if err != nil {
		t.Fatal(err)
	}
	ks, _ := in.Step("khai-sinh")
	mustApply(t, ks, "mother", chip(binh))
	mustSet(t, ks, "child.fullName", "NGUYỄN BẢO NGỌC", "child.dateOfBirth", "02/11/2026", "child.sex", "female")
	in.Flow()
	for _, step := range []string{"thuong-tru-tre-so-sinh", "bhyt-tre-duoi-6"} {
		f, _ := in.Step(step)
		v, _ := f.Get("child.fullName")
		if v.Value != "NGUYỄN BẢO NGỌC" || !v.Carried || v.Locked != LockCarried || v.Provenance != dossier.Typed {
			t.Errorf("%s child.fullName = %+v", step, v)
		}
		if p, _ := f.Get("parent.idNumber"); p.Value != binh.id || p.Locked != LockChip {
			t.Errorf("%s parent not carried from the mother's chip: %+v", step, p)
		}
		if m := f.Metrics(); m.Typed != 0 || m.IdentityTyped != 0 {
			t.Errorf("%s counts carried values as typed: %+v", step, m)
		}
	}
	// Correcting the child's name in step 1 reaches every step.
	mustSet(t, ks, "child.fullName", "NGUYỄN BẢO NGÂN")
	in.Flow()
	f, _ := in.Step("bhyt-tre-duoi-6")
	if v, _ := f.Get("child.fullName"); v.Value != "NGUYỄN BẢO NGÂN" {
		t.Errorf("correction not carried: %q", v.Value)
	}
	mustSet(t, ks, "child.fullName", "")
	in.Flow()
	if v, _ := f.Get("child.fullName"); v.Value != "" || v.Locked != "" {
		t.Errorf("cleared value still carried: %+v", v)
	}
}

func TestBirthBundleFatherOnly(t *testing.T) {
	c := loadCatalog(t)
	b, _ := c.Lookup("lien-thong-khai-sinh")
	in, err := NewIntake(c, b, opts)
	if err != nil {
		t.Fatal(err)
	}
	ks, _ := in.Step("khai-sinh")
	if at, _ := ks.PlaceCard(chip(an)); at != "father" {
		t.Fatalf("father's card went to %q", at)
	}
	in.Flow()
	f, _ := in.Step("thuong-tru-tre-so-sinh")
	if v, _ := f.Get("parent.idNumber"); v.Value != an.id || v.Locked != LockChip {
		t.Errorf("parent not carried from the father: %+v", v)
	}
	// Once the mother's card is read she takes precedence, as the bundle says.
	mustApply(t, ks, "mother", chip(binh))
	in.Flow()
	if v, _ := f.Get("parent.idNumber"); v.Value != binh.id {
		t.Errorf("parent after the mother's card: %+v", v)
	}
}

// TestIntakeOfOneProcedure: a procedure is an intake of one step, its paths
// unprefixed, its one dossier outside any bundle.
func TestIntakeOfOneProcedure(t *testing.T) {
	c := loadCatalog(t)
	p, _ := c.Lookup("ket-hon")
	in, err := NewIntake(c, p, opts)
	if err != nil {
		t.Fatal(err)
	}
	if in.Bundled() || len(in.Steps()) != 1 || in.Path(in.Steps()[0], "wife.fullName") != "wife.fullName" {
		t.Fatalf("bundled %t, %d steps", in.Bundled(), len(in.Steps()))
	}
	if _, err := in.Build(func() string { return dossier.NewID(time.Now()) }); err == nil {
		t.Fatal("an empty form built")
	}
	f := in.Steps()[0]
	mustApply(t, f, "wife", chip(binh))
	mustApply(t, f, "husband", chip(an))
	for _, m := range in.Missing() {
		if strings.Contains(m.Path, ":") {
			t.Errorf("prefixed path %q", m.Path)
		}
	}
	b, _ := c.Lookup("lien-thong-khai-tu")
	bin, err := NewIntake(c, b, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !bin.Bundled() || bin.Path(bin.Steps()[0], "deceased") != "khai-tu:deceased" {
		t.Errorf("bundle path %q", bin.Path(bin.Steps()[0], "deceased"))
	}
}

package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/internal/pdftest"
	"motcua/internal/sanetest"
	"motcua/offline/dossier"
	"motcua/offline/portalserver"
)

// TestScanSubmitReachesPortal is issue 15's end to end: a document scanned
// through SANE's real test device becomes a PDF part, is filed with the
// dossier and synced, and the reference portal holds that PDF with the
// right hash and page count. A 300 MB file is then refused at intake with
// a clear message, and the dossier already queued is not touched.
func TestScanSubmitReachesPortal(t *testing.T) {
	sanetest.Setenv(t)
	srv, portalURL := testPortal(t)

	dir, data := t.TempDir(), t.TempDir()
	pdf := filepath.Join(dir, "hop-dong.pdf")
	if code, _, stderr := kioskRun(t, "scan", "--device", "test", "--pages", "3", "--dpi", "100",
		"--option=--test-picture=Grid", "--out", pdf); code != 0 {
		t.Fatalf("scan: %d %s", code, stderr)
	}
	raw, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	want := hex.EncodeToString(sum[:])

	stay := time.Now().AddDate(0, 6, 0).Format("2006-01-02")
	values := `{"relationToHouseholder":"self","residenceAddress":"Số 12 ngõ 34 phố Hàng Bông, Phường Hoàn Kiếm, Thành phố Hà Nội","stayUntil":"` + stay + `"}`
	common := []string{"--data", data, "--portal", portalURL, "--token", "tok"}
	code, out, stderr := kioskRun(t, append([]string{"submit", "--procedure", "tam-tru", "--sim", "nguyen-van-an",
		"--values", values, "--attach", "proofOfHome=" + pdf, "--json"}, common...)...)
	if code != 0 {
		t.Fatalf("submit: %d %s", code, stderr)
	}
	var filed submitOutput
	if err := json.Unmarshal([]byte(out), &filed); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := kioskRun(t, append([]string{"sync", "--once"}, common...)...); code != 0 {
		t.Fatalf("sync: %d %s", code, stderr)
	}

	var got *dossier.Attachment
	err = srv.Each(func(r portalserver.Record) error {
		var d dossier.Dossier
		if err := json.Unmarshal(r.Body, &d); err != nil {
			return err
		}
		for i := range d.Attachments {
			if d.Attachments[i].Key == "proofOfHome" {
				got = &d.Attachments[i]
			}
		}
		return nil
	})
	if err != nil || got == nil {
		t.Fatalf("portal holds no part (%v)", err)
	}
	if got.SHA256 != want || got.Pages != 3 || got.Type != "application/pdf" || got.DocType == "" {
		t.Fatalf("part at the portal %+v, want sha %s, 3 pages", got, want)
	}
	held, err := srv.Store().Attachment(context.Background(), want)
	if err != nil || !bytes.Equal(held, raw) {
		t.Fatalf("portal's PDF differs from the scan (%v)", err)
	}
	if info := pdftest.Inspect(t, held); info.Pages != 3 {
		t.Fatalf("the portal's PDF has %d pages", info.Pages)
	}

	// A 300 MB "document" is refused before it is read, in both languages,
	// and nothing queued is lost.
	huge := filepath.Join(dir, "huge.pdf")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("%PDF-1.7\n")
	f.Truncate(300 << 20) // sparse
	f.Close()
	code, _, stderr = kioskRun(t, append([]string{"submit", "--procedure", "tam-tru", "--sim", "nguyen-van-an",
		"--values", values, "--attach", "proofOfHome=" + huge, "--json"}, common...)...)
	if code != 1 || !strings.Contains(stderr, "quá lớn") || !strings.Contains(stderr, "too large") {
		t.Fatalf("300 MB attachment: %d %s", code, stderr)
	}
	code, out, _ = kioskRun(t, "queue", "list", "--json", "--data", data)
	if code != 0 || !strings.Contains(out, filed.ID) || strings.Count(out, `"id"`) != 1 {
		t.Fatalf("queue after the refusal: %s", out)
	}
}

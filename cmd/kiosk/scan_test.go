package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua/internal/pdftest"
	"motcua/internal/sanetest"
	"motcua/kiosk/docpart"
	"motcua/kiosk/scanner"
)

// TestScanCLI scans through SANE's real test device into a PDF part, and
// shows each fault as a message in both languages with no file left.
func TestScanCLI(t *testing.T) {
	sanetest.Setenv(t)
	code, out, stderr := kioskRun(t, "scan", "--list", "--json")
	var devs []scanner.Device
	if code != 0 || json.Unmarshal([]byte(out), &devs) != nil || len(devs) == 0 || devs[0].Name != "test:0" {
		t.Fatalf("scan --list: %d %q %s", code, out, stderr)
	}

	dir := t.TempDir()
	pdf := filepath.Join(dir, "giay-to.pdf")
	code, out, stderr = kioskRun(t, "scan", "--device", "test", "--pages", "2", "--dpi", "150",
		"--option=--test-picture=Grid", "--option=-x", "--option=200", "--option=-y", "--option=200",
		"--key", "proofOfHome", "--doc-type", "Hợp đồng thuê nhà", "--out", pdf, "--json")
	if code != 0 {
		t.Fatalf("scan: %d %s", code, stderr)
	}
	var part docpart.Part
	if err := json.Unmarshal([]byte(out), &part); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(pdf)
	if err != nil || part.Pages != 2 || part.Size != st.Size() || part.Key != "proofOfHome" || part.DocType != "Hợp đồng thuê nhà" {
		t.Fatalf("part %+v, file %v %v", part, st, err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}
	raw, _ := os.ReadFile(pdf)
	if info := pdftest.Inspect(t, raw); info.Pages != 2 || info.WidthMM < 209 || info.WidthMM > 211 {
		t.Errorf("pdfinfo: %+v, want 2 A4 pages", info)
	}

	for _, tt := range []struct{ status, vi, en string }{
		{"SANE_STATUS_JAMMED", "kẹt giấy", "Paper jam"},
		{"SANE_STATUS_COVER_OPEN", "Nắp máy quét", "cover is open"},
		{"SANE_STATUS_NO_DOCS", "Khay nạp giấy trống", "feeder is empty"},
	} {
		out := filepath.Join(dir, tt.status+".pdf")
		code, _, stderr := kioskRun(t, "scan", "--device", "test", "--option=--read-return-value="+tt.status, "--out", out)
		if code != 1 || !strings.Contains(stderr, tt.vi) || !strings.Contains(stderr, tt.en) {
			t.Errorf("%s: %d %s", tt.status, code, stderr)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%s: a failed scan left %s", tt.status, out)
		}
	}
	// An existing file is never replaced.
	if code, _, _ := kioskRun(t, "scan", "--device", "test", "--out", pdf); code == 0 {
		t.Error("scan replaced an existing file")
	}
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
)

// kiosk trust import verifies a master list and reports what it added;
// a CRL from a trusted CSCA revokes its Document Signer; a DS certificate,
// a tampered list and a CRL nobody trusted signed are refused; kiosk trust
// list shows it all; kiosk read --trust uses it.
func TestTrustImportAndList(t *testing.T) {
	dir := t.TempDir()
	seed := "../../seeds/pki/"
	code, out, errs := kiosk(t, "trust", "list", "--dir", dir)
	if code != 0 || !strings.Contains(out, "no trust anchor") {
		t.Fatalf("empty list: %d %s %s", code, out, errs)
	}
	// A CRL before its CSCA is refused: nothing could check it.
	if code, _, errs := kiosk(t, "trust", "import", "--dir", dir, seed+"trust/csca-test.crl"); code == 0 || !strings.Contains(errs, "CSCA") {
		t.Fatalf("CRL without its CSCA: %d %s", code, errs)
	}
	code, out, errs = kiosk(t, "trust", "import", seed+"masterlist/test-csca.ml", "--dir", dir)
	if code != 0 || !strings.Contains(out, "signature verified") || strings.Count(out, "added CSCA  VN") != 2 || !strings.Contains(out, "valid 2019-01-01 to 2049-01-01") {
		t.Fatalf("import master list: %d\n%s\n%s", code, out, errs)
	}
	if code, out, _ := kiosk(t, "trust", "import", "--dir", dir, seed+"masterlist/test-csca.ml"); code != 0 || !strings.Contains(out, "0 CSCA certificate(s) added, 2 already trusted") {
		t.Fatalf("second import: %d %s", code, out)
	}
	if code, out, errs := kiosk(t, "trust", "import", "--dir", dir, seed+"trust/csca-test.crl"); code != 0 || !strings.Contains(out, "added CRL") || !strings.Contains(out, "1 revoked") {
		t.Fatalf("import CRL: %d %s %s", code, out, errs)
	}
	// Refusals.
	ml, err := os.ReadFile(seed + "masterlist/test-csca.ml")
	if err != nil {
		t.Fatal(err)
	}
	tampered := append([]byte(nil), ml...)
	tampered[len(tampered)-10] ^= 0xFF // inside the signature
	bad := filepath.Join(t.TempDir(), "tampered.ml")
	os.WriteFile(bad, tampered, 0o644)
	for _, tc := range []struct{ file, want string }{
		{seed + "signers/test-ds.pem", "not a CA"},
		{bad, "master list"},
		{"trust_test.go", "not a certificate"},
	} {
		if code, _, errs := kiosk(t, "trust", "import", "--dir", dir, tc.file); code == 0 || !strings.Contains(errs, tc.want) {
			t.Errorf("import %s: %d %s, want %q", tc.file, code, errs, tc.want)
		}
	}
	if code, _, errs := kiosk(t, "trust", "import", "--dir", t.TempDir(), "--country", "DE", seed+"masterlist/test-csca.ml"); code == 0 || !strings.Contains(errs, "no CSCA of country DE") {
		t.Errorf("--country DE: %d %s", code, errs)
	}
	code, out, _ = kiosk(t, "trust", "list", "--dir", dir, "--json")
	var entries []trustEntry
	if code != 0 || json.Unmarshal([]byte(out), &entries) != nil || len(entries) != 3 {
		t.Fatalf("list --json: %d %s", code, out)
	}
	// The imported trust with its CRL: a revoked DS fails, a good card passes.
	for fx, want := range map[string]string{"faults/revoked-ds.json": "ds-revoked", "nguyen-van-an.json": ""} {
		code, out, errs := kiosk(t, "read", "--sim", "../../seeds/cards/"+fx, "--trust", dir, "--json")
		if code != 0 {
			t.Fatalf("%s: %d %s", fx, code, errs)
		}
		p := decodeReading(t, out).Verification.Passive
		if p.Code != want || (want == "") != (p.Status == cardreader.StatusPassed) {
			t.Errorf("%s: passive %+v, want %q", fx, p, want)
		}
	}
}

// Every real-card item of issue 12 through kiosk read.
func TestReadRealCards(t *testing.T) {
	sim := func(fx string) cardreader.Reading {
		t.Helper()
		code, out, errs := kiosk(t, "read", "--sim", "../../seeds/cards/"+fx, "--json")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", fx, code, errs)
		}
		return decodeReading(t, out)
	}
	if r := sim("hoang-van-tho.json"); !r.Citizen.NoExpiry || !strings.Contains(r.MRZ, "991231") {
		t.Errorf("no-expiry card: MRZ %q", r.MRZ)
	}
	if r := sim("faults/month-year-birth.json"); r.Citizen.DateOfBirth != (cccd.Date{Year: 1975, Month: 3}) {
		t.Errorf("month-year birth: %+v", r.Citizen.DateOfBirth)
	}
	if r := sim("faults/repeated-dg13-field.json"); r.Citizen.Unparsed["citizen.religion"].Reason == "" || r.Citizen.FullName == "" || !r.Verification.Trusted() {
		t.Errorf("repeated field: %+v", r.Citizen.Unparsed)
	}
	if r := sim("faults/mrz-dg13-mismatch.json"); r.Verification.MRZ.Code != cardreader.CodeMRZMismatch || r.Verification.Trusted() {
		t.Errorf("mismatch: %+v", r.Verification.MRZ)
	}
	if r := sim("faults/clone-own-keys.json"); r.Verification.AntiClone().Status == cardreader.StatusPassed {
		t.Errorf("clone with its own keys shown as genuine: %+v", r.Verification)
	}
	code, _, errs := kiosk(t, "read", "--sim", "../../seeds/cards/faults/lifted-card.json")
	if code != 0 || !strings.Contains(errs, "put it back") || !strings.Contains(errs, "resuming") {
		t.Errorf("lifted card: %d %s", code, errs)
	}
	qr := func(payload string) (int, cardreader.Reading, string) {
		t.Helper()
		code, out, errs := kiosk(t, "read", "--qr-text", payload, "--json")
		if code != 0 {
			return code, cardreader.Reading{}, errs
		}
		return code, decodeReading(t, out), errs
	}
	const khoa = "079203001234||Phạm Minh Khoa|15082003|Nam|Số 1 Đường Ví Dụ|01062021"
	if _, r, errs := qr(cccd.Latin1Shapes([]byte(khoa))); r.Citizen.FullName != "Phạm Minh Khoa" {
		t.Errorf("mojibake QR: %+v %s", r.Citizen, errs)
	}
	if code, _, errs := qr(strings.Replace(khoa, "Phạm", "Ph弱m\uFFFD", 1)); code == 0 || !strings.Contains(errs, "garbled") {
		t.Errorf("garbled QR accepted: %s", errs)
	}
	if _, r, errs := qr("CCCD: 079203001234|CMND: |Họ tên: Phạm Minh Khoa|Ngày sinh: 15082003|Giới tính: Nam|Nơi thường trú: Số 1|Ngày cấp: 01062021"); r.Citizen.FullName != "Phạm Minh Khoa" || r.Citizen.PlaceOfResidence != "Số 1" {
		t.Errorf("labels: %+v %s", r.Citizen, errs)
	}
	if _, r, errs := qr("001301007733||Trần Thị Bình|05112001|Nữ|Hà Nội|15082024|Trần Văn Cường|Phạm Thị Duyên"); r.Generation != cccd.CanCuoc2024 || r.Citizen.Father != "Trần Văn Cường" || len(r.QRExtra) != 2 {
		t.Errorf("2024 QR: %+v %s", r, errs)
	}
	if _, r, errs := qr(strings.Replace(khoa, "|Nam|", "|Nữ|", 1)); len(r.Warnings) != 1 || r.Warnings[0].Code != "id-sex-digit" {
		t.Errorf("ID digit warning: %+v %s", r.Warnings, errs)
	}
}

// The QR text fixtures of seeds/cards/qr: what real scanners and 2024
// cards send, through kiosk read --qr-text.
func TestReadQRTextFixtures(t *testing.T) {
	for _, tc := range []struct {
		file  string
		fail  string // stderr text for a refusal
		check func(cardreader.Reading) bool
	}{
		{"nguyen-van-an.windows-1252.txt", "", func(r cardreader.Reading) bool {
			return r.Citizen.FullName == "Nguyễn Văn An" && strings.HasPrefix(r.Citizen.PlaceOfResidence, "Số 12 Đường") && hasWarning(r, "qr-repaired")
		}},
		{"big5-repairable.txt", "", func(r cardreader.Reading) bool {
			return r.Citizen.FullName == "Ngô Bảo Châu" && hasWarning(r, "qr-repaired")
		}},
		{"nguyen-van-an.big5-lossy.txt", "garbled", nil},
		{"nguyen-van-an.labels.txt", "", func(r cardreader.Reading) bool {
			return r.Citizen.FullName == "Nguyễn Văn An" && r.Citizen.OldID == "025987654" && strings.HasPrefix(r.Citizen.PlaceOfResidence, "Số 12")
		}},
		{"tran-thi-binh.2024.txt", "", func(r cardreader.Reading) bool {
			return r.Generation == cccd.CanCuoc2024 && r.QRFields == 9 && r.Citizen.Father == "Trần Văn Cường" && r.Citizen.Mother == "Phạm Thị Duyên"
		}},
		{"nguyen-van-an.id-year-disagrees.txt", "", func(r cardreader.Reading) bool {
			return hasWarning(r, "id-year-digits") && r.Citizen.ID == "079090004217"
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile("../../seeds/cards/qr/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			code, out, errs := kiosk(t, "read", "--qr-text", string(b), "--json")
			if tc.fail != "" {
				if code == 0 || !strings.Contains(errs, tc.fail) {
					t.Fatalf("exit %d, stderr %q; want a refusal with %q", code, errs, tc.fail)
				}
				return
			}
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			if r := decodeReading(t, out); !tc.check(r) {
				t.Fatalf("reading %+v", r)
			}
		})
	}
}

func hasWarning(r cardreader.Reading, code string) bool {
	for _, w := range r.Warnings {
		if w.Code == code {
			return true
		}
	}
	return false
}

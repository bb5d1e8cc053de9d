package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/cardreader/pcsc"
	"motcua/cardreader/simreader"
	"motcua/internal/pcscdtest"
)

const anFixture = "../../seeds/cards/nguyen-van-an.json"

func decodeReading(t *testing.T, out string) cardreader.Reading {
	t.Helper()
	var r cardreader.Reading
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not a Reading: %v\n%s", err, out)
	}
	return r
}

func anQR(t *testing.T) (cccd.QRData, cccd.Citizen) {
	t.Helper()
	_, built, err := simreader.NewCard(anFixture)
	if err != nil {
		t.Fatal(err)
	}
	return cccd.QRFromCitizen(built.Citizen), built.Citizen
}

func TestReadQROnly(t *testing.T) {
	q, who := anQR(t)
	for _, args := range [][]string{
		{"read", "--qr-text", q.String(), "--json"},
		{"read", "--qr", "../../seeds/cards/qr/nguyen-van-an.png", "--json"},
	} {
		code, out, errs := kiosk(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args[:2], code, errs)
		}
		r := decodeReading(t, out)
		if r.Source != cardreader.SourceQR || r.Citizen.ID != who.ID || r.Citizen.FullName != who.FullName {
			t.Fatalf("%v: reading %+v", args[:2], r)
		}
		if r.Verification.Passive.Status != cardreader.StatusNotChecked || r.Verification.Passive.Reason != "QR only: data is unverified" {
			t.Fatalf("%v: passive %+v", args[:2], r.Verification.Passive)
		}
	}
}

func TestReadQRRefused(t *testing.T) {
	q, _ := anQR(t)
	bad := strings.Replace(q.String(), "|Nam|", "|?|", 1)
	code, _, errs := kiosk(t, "read", "--qr-text", bad)
	if code != 1 || !strings.Contains(errs, "sex must be Nam or Nữ") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	if strings.Contains(errs, q.ID) || strings.Contains(errs, q.FullName) {
		t.Fatal("the error repeats the payload")
	}
	if code, _, _ := kiosk(t, "read", "--qr", "read_modes_test.go"); code != 1 {
		t.Fatalf("a non-image file: exit %d", code)
	}
}

// TestReadReader reads the virtual card through the real pcscd, opened
// by its QR code, by a forged QR, and by a typed key.
func TestReadReader(t *testing.T) {
	env := pcscdtest.Start(t)
	chip, built, err := simreader.NewCard(anFixture)
	if err != nil {
		t.Fatal(err)
	}
	cl := env.Serve(t)
	cl.Insert(chip)
	defer func() {
		cl.Remove()
		wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer wcancel()
		pcsc.WaitRemoved(wctx, env.Reader)
	}()

	code, out, errs := kiosk(t, "readers", "--json")
	if code != 0 {
		t.Fatalf("readers: exit %d: %s", code, errs)
	}
	var readers []pcsc.Reader
	if err := json.Unmarshal([]byte(out), &readers); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range readers {
		found = found || (r.Name == env.Reader && r.Contactless)
	}
	if !found {
		t.Fatalf("readers does not list %q: %s", env.Reader, out)
	}

	q := cccd.QRFromCitizen(built.Citizen)
	forged := q
	forged.FullName = "Nguyễn Văn Giả"
	who := built.Citizen
	reader := "pcsc:" + env.Reader
	for _, tc := range []struct {
		name       string
		args       []string
		mismatches []string // nil: no cross-check expected
	}{
		{"QR image", []string{"--qr", "../../seeds/cards/qr/nguyen-van-an.png"}, []string{}},
		{"forged QR text", []string{"--qr-text", forged.String()}, []string{"fullName"}},
		{"typed key", []string{"--id", who.ID, "--dob", who.DateOfBirth.ISO(), "--expiry", who.ExpiryDate.ISO()}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"read", "--reader", reader, "--json", "--timeout", "20s"}, tc.args...)
			code, out, errs := kiosk(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			r := decodeReading(t, out)
			if r.Source != cardreader.SourceChip || r.Citizen.ID != who.ID || r.Stats.APDUs == 0 {
				t.Fatalf("reading source %q, %d APDUs", r.Source, r.Stats.APDUs)
			}
			switch {
			case tc.mismatches == nil && r.CrossCheck != nil:
				t.Fatalf("cross-check without a QR: %+v", r.CrossCheck)
			case tc.mismatches != nil && (r.CrossCheck == nil || strings.Join(r.CrossCheck.Mismatches, ",") != strings.Join(tc.mismatches, ",")):
				t.Fatalf("cross-check %+v, want %v", r.CrossCheck, tc.mismatches)
			}
		})
	}

	code, _, errs = kiosk(t, "read", "--reader", "pcsc:no such reader", "--qr-text", q.String(), "--timeout", "300ms")
	if code != 1 || !strings.Contains(errs, `no card reader found matching "no such reader"`) {
		t.Fatalf("missing reader: exit %d, %q", code, errs)
	}
	cl.Remove()
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := pcsc.WaitRemoved(wctx, env.Reader); err != nil {
		t.Fatal(err)
	}
	code, _, errs = kiosk(t, "read", "--reader", reader, "--qr-text", q.String(), "--timeout", "300ms")
	if code != 1 || !strings.Contains(errs, "no card was presented within 300ms") {
		t.Fatalf("empty reader: exit %d, %q", code, errs)
	}
}

// TestReadReaderRealCards: issue 12's card cases through the real pcscd,
// opened by the printed QR: a no-expiry card (991231, the first key), one
// whose MRZ writes the expiry as fillers (the last key), a month-year
// birth date, a card lifted and put back mid-read, and a 2024 QR.
func TestReadReaderRealCards(t *testing.T) {
	env := pcscdtest.Start(t)
	cl := env.Serve(t)
	reader := "pcsc:" + env.Reader
	for _, tc := range []struct {
		fixture string
		qr      func(cccd.QRData) string
		stderr  string
		check   func(cardreader.Reading) bool
	}{
		{"hoang-van-tho.json", nil, "", func(r cardreader.Reading) bool { return r.Citizen.NoExpiry && strings.Contains(r.MRZ, "991231") }},
		{"faults/no-expiry-filler.json", nil, "", func(r cardreader.Reading) bool { return r.Citizen.NoExpiry && !strings.Contains(r.MRZ, "991231") }},
		{"faults/month-year-birth.json", nil, "", func(r cardreader.Reading) bool { return r.Citizen.DateOfBirth == cccd.Date{Year: 1975, Month: 3} }},
		{"faults/lifted-card.json", nil, "put it back", func(r cardreader.Reading) bool {
			return len(r.Warnings) > 0 && r.Warnings[len(r.Warnings)-1].Code == "read-resumed" && r.Verification.Trusted()
		}},
		{"tran-thi-binh.json", func(q cccd.QRData) string { return q.String() + "|Trần Văn Cường|Phạm Thị Duyên" }, "", func(r cardreader.Reading) bool {
			return r.Generation == cccd.CanCuoc2024 && r.QRFields == 9 && len(r.CrossCheck.Mismatches) == 0
		}},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			chip, built, err := simreader.NewCard("../../seeds/cards/" + tc.fixture)
			if err != nil {
				t.Fatal(err)
			}
			cl.Insert(chip)
			defer func() {
				cl.Remove()
				wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer wcancel()
				pcsc.WaitRemoved(wctx, env.Reader)
			}()
			q := cccd.QRFromCitizen(built.Citizen)
			text := q.String()
			if tc.qr != nil {
				text = tc.qr(q)
			}
			code, out, errs := kiosk(t, "read", "--reader", reader, "--qr-text", text, "--json", "--timeout", "20s", "--trust", "../../seeds/pki/trust")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			r := decodeReading(t, out)
			if r.Source != cardreader.SourceChip || r.Citizen.ID != built.Citizen.ID || !tc.check(r) {
				t.Fatalf("reading %+v", r)
			}
			if !strings.Contains(errs, tc.stderr) {
				t.Fatalf("stderr %q, want %q", errs, tc.stderr)
			}
		})
	}
}

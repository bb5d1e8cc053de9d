package qrkey_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/cardreader/emrtd"
	"motcua/cardreader/fixture"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/qrkey"
	"motcua/cardreader/simreader"
	"motcua/cardreader/vchip"
)

type card struct {
	fx  *fixture.Card
	pki *fixture.PKI
}

func loadFixtures(t testing.TB) []card {
	t.Helper()
	files, err := filepath.Glob("../../seeds/cards/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	p, err := fixture.LoadPKI("../../seeds/pki")
	if err != nil {
		t.Fatal(err)
	}
	var out []card
	for _, f := range files {
		fx, err := fixture.Load(f)
		if err != nil {
			t.Fatal(err)
		}
		c, err := fx.Build(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, card{c, p})
	}
	return out
}

func chip(t testing.TB, c *fixture.Card) *vchip.Card {
	t.Helper()
	cfg, err := simreader.Config(c)
	if err != nil {
		t.Fatal(err)
	}
	return vchip.New(cfg)
}

// printedQR is the QR a card would carry, read back as a scanner would.
func printedQR(t testing.TB, c cccd.Citizen) cccd.QRData {
	t.Helper()
	q, err := cccd.ParseQR(cccd.QRFromCitizen(c).String())
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestReadEveryFixture(t *testing.T) {
	for _, c := range loadFixtures(t) {
		t.Run(c.fx.Name, func(t *testing.T) {
			q := printedQR(t, c.fx.Citizen)
			r, attempts, err := qrkey.Read(context.Background(), iso7816.NewCardTransport(chip(t, c.fx)), q, emrtd.Options{Trust: c.pki.Trust})
			if err != nil {
				t.Fatalf("after %d attempts: %v", attempts, err)
			}
			if r.CrossCheck == nil || len(r.CrossCheck.Mismatches) != 0 {
				t.Fatalf("genuine QR: cross-check %+v", r.CrossCheck)
			}
			if r.Source != cardreader.SourceChip || r.Citizen.ID != q.ID {
				t.Fatalf("reading source %q", r.Source)
			}
			// The right key must be among the candidates, and PACE cards
			// must open at the first attempt.
			if c.fx.Access != fixture.AccessBAC && attempts != 1 {
				t.Errorf("PACE card opened after %d attempts", attempts)
			}
			t.Logf("%s opened with %s after %d attempt(s)", c.fx.Access, r.Access, attempts)
		})
	}
}

func TestForgedQR(t *testing.T) {
	cards := loadFixtures(t)
	c := cards[0]
	for _, tc := range []struct {
		name   string
		forge  func(*cccd.QRData)
		fields []string
	}{
		{"name changed", func(q *cccd.QRData) { q.FullName = "Nguyễn Văn Giả" }, []string{"fullName"}},
		{"address and old ID changed", func(q *cccd.QRData) { q.Address = "Số 99 Đường Khác"; q.OldID = "123456789" }, []string{"oldId", "placeOfResidence"}},
		{"issue date moved", func(q *cccd.QRData) { q.IssueDate = q.IssueDate.AddYears(-1) }, []string{"issueDate"}},
		{"case and NFD only", func(q *cccd.QRData) {}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := printedQR(t, c.fx.Citizen)
			tc.forge(&q)
			r, _, err := qrkey.Read(context.Background(), iso7816.NewCardTransport(chip(t, c.fx)), q, emrtd.Options{})
			if err != nil {
				t.Fatalf("a forged QR must not stop the read: %v", err)
			}
			if !slices.Equal(r.CrossCheck.Mismatches, tc.fields) && !(len(tc.fields) == 0 && len(r.CrossCheck.Mismatches) == 0) {
				t.Fatalf("mismatches %v, want %v", r.CrossCheck.Mismatches, tc.fields)
			}
		})
	}
}

func TestCrossCheckNormalises(t *testing.T) {
	chip := cccd.Citizen{ID: "079203001234", FullName: "Phạm Minh Khoa", DateOfBirth: cccd.Date{Year: 2003, Month: 8, Day: 15}, Sex: cccd.Male,
		PlaceOfResidence: "Số 1 Đường Ví Dụ", IssueDate: cccd.Date{Year: 2021, Month: 6, Day: 1}}
	q := cccd.QRFromCitizen(chip)
	q.FullName = "PHẠM  MINH KHOA" // upper case, double space
	q.Address = "Số 1 Đường Ví Dụ"
	if m := qrkey.CrossCheck(q, chip).Mismatches; len(m) != 0 {
		t.Fatalf("mismatches %v for the same data written differently", m)
	}
	q.Sex = cccd.Female
	q.DateOfBirth = cccd.Date{Year: 2003}
	if m := qrkey.CrossCheck(q, chip).Mismatches; !slices.Equal(m, []string{"dateOfBirth", "sex"}) {
		t.Fatalf("mismatches %v", m)
	}
}

func TestWrongCard(t *testing.T) {
	cards := loadFixtures(t)
	a, b := cards[0], cards[1]
	q := printedQR(t, b.fx.Citizen) // the QR of another card
	_, attempts, err := qrkey.Read(context.Background(), iso7816.NewCardTransport(chip(t, a.fx)), q, emrtd.Options{})
	if !errors.Is(err, qrkey.ErrNoKey) {
		t.Fatalf("err %v, want ErrNoKey", err)
	}
	if attempts != len(qrkey.Keys(q)) {
		t.Fatalf("%d attempts, want every candidate (%d)", attempts, len(qrkey.Keys(q)))
	}
}

func TestKeys(t *testing.T) {
	q := cccd.QRData{ID: "079203001234", DateOfBirth: cccd.Date{Year: 2003, Month: 8, Day: 15}, IssueDate: cccd.Date{Year: 2021, Month: 6, Day: 1}}
	keys := qrkey.Keys(q)
	if len(keys) == 0 {
		t.Fatal("no keys")
	}
	first := keys[0]
	// Issued at 17, the card runs to the 25th birthday.
	if first.Expiry != (cccd.Date{Year: 2028, Month: 8, Day: 15}) || first.DocumentNumber != "203001234" || first.CAN != "001234" {
		t.Fatalf("first key %+v", first.MRZInfo())
	}
	if first.NoExpiry || keys[len(keys)-1].NoExpiry {
		t.Fatal("a card that expires gets no no-expiry candidate")
	}
	for _, tc := range []struct {
		name string
		dob  cccd.Date
	}{
		{"past 60 at issue", cccd.Date{Year: 1955, Month: 2, Day: 3}},
		{"issued within 2 years before 60", cccd.Date{Year: 1962, Month: 1, Day: 10}},
	} {
		q := cccd.QRData{ID: "001162000123", DateOfBirth: tc.dob, IssueDate: cccd.Date{Year: 2021, Month: 6, Day: 1}}
		ks := qrkey.Keys(q)
		if !ks[0].NoExpiry || ks[0].FillerExpiry || ks[0].MRZInfo().DateOfExpiry != "991231" {
			t.Errorf("%s: first key %+v, want the 991231 no-expiry key", tc.name, ks[0].MRZInfo())
		}
		last := ks[len(ks)-1]
		if !last.NoExpiry || !last.FillerExpiry || last.MRZInfo().String()[len(last.MRZInfo().String())-7:] != "<<<<<<<" {
			t.Errorf("%s: last key %+v, want the filler form", tc.name, last.MRZInfo())
		}
		for _, k := range ks[1 : len(ks)-1] {
			if k.NoExpiry {
				t.Errorf("%s: a no-expiry key in the middle", tc.name)
			}
		}
	}
}

func TestReading(t *testing.T) {
	q, err := cccd.ParseQR("079203001234||Phạm Minh Khoa|15082003|Nam|Số 1 Đường Ví Dụ|01062021")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	r := qrkey.Reading(q, now)
	if r.Source != cardreader.SourceQR || r.Citizen.FullName != q.FullName || !r.ReadAt.Equal(now) {
		t.Fatalf("reading %+v", r)
	}
	for _, c := range []cardreader.Check{r.Verification.Passive, r.Verification.Active, r.Verification.Chip} {
		if c.Status != cardreader.StatusNotChecked || c.Reason != qrkey.Unverified {
			t.Fatalf("check %+v", c)
		}
	}
	if r.Verification.Trusted() {
		t.Fatal("a QR-only reading must not be trusted")
	}
}

func BenchmarkKeysFromQR(b *testing.B) {
	const payload = "079203001234||Phạm Minh Khoa|15082003|Nam|Số 1 Đường Ví Dụ, Phường Mẫu, Quận Giả Định, TP Hồ Chí Minh|01062021"
	for b.Loop() {
		q, err := cccd.ParseQR(payload)
		if err != nil {
			b.Fatal(err)
		}
		if len(qrkey.Keys(q)) == 0 {
			b.Fatal("no keys")
		}
	}
}

// A 2024 card's QR: generation from the issue date, extra fields kept and
// exposed, the parents carried; an ID whose digits disagree is a warning.
func TestReadingRealQR(t *testing.T) {
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	q, err := cccd.ParseQR("001301007733||Trần Thị Bình|05112001|Nữ|Hà Nội|15082024|Trần Văn Cường|Phạm Thị Duyên")
	if err != nil {
		t.Fatal(err)
	}
	r := qrkey.Reading(q, now)
	if r.Generation != cccd.CanCuoc2024 || r.QRFields != 9 || len(r.QRExtra) != 2 || r.Citizen.Mother != "Phạm Thị Duyên" || len(r.Warnings) != 0 {
		t.Fatalf("reading %+v", r)
	}
	q, err = cccd.ParseQR("079203001234||Phạm Minh Khoa|15082004|Nam|Số 1|01062021")
	if err != nil {
		t.Fatal(err)
	}
	r = qrkey.Reading(q, now)
	if r.Generation != cccd.CCCD2021 || len(r.Warnings) != 1 || r.Warnings[0].Code != "id-year-digits" || strings.Contains(r.Warnings[0].Reason, "2004") {
		t.Fatalf("warnings %+v", r.Warnings)
	}
	if len(qrkey.Keys(q)) == 0 {
		t.Fatal("no chip keys from a QR whose ID disagrees: the chip decides")
	}
}

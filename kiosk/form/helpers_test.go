package form

import (
	"testing"
	"time"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/kiosk/catalog"
)

// Fictional people only. IDs follow the real layout: province, sex and
// century digit, two-digit birth year, six digits.
var (
	clock = time.Date(2026, 11, 20, 2, 30, 0, 0, time.UTC) // 09:30 in Hà Nội
	opts  = Options{Now: func() time.Time { return clock }, Agency: "UBND phường Ba Đình", KioskID: "KIOSK-01", CounterID: "QUAY-01"}
)

type who struct {
	id, name string
	dob      cccd.Date
	sex      cccd.Sex
}

var (
	an   = who{"001090012345", "NGUYỄN VĂN AN", cccd.Date{Year: 1990, Month: 3, Day: 15}, cccd.Male}
	binh = who{"001192034567", "TRẦN THỊ BÌNH", cccd.Date{Year: 1992, Month: 7, Day: 2}, cccd.Female}
	cuc  = who{"036150000777", "LÊ THỊ CÚC", cccd.Date{Year: 1950}, cccd.Female} // year-only date of birth
	dung = who{"079205001122", "PHẠM MINH DŨNG", cccd.Date{Year: 2005, Month: 1, Day: 31}, cccd.Male}
)

func citizen(w who) cccd.Citizen {
	return cccd.Citizen{
		ID: w.id, FullName: w.name, DateOfBirth: w.dob, Sex: w.sex,
		Nationality: "Việt Nam", Ethnicity: "Kinh", Religion: "Không",
		PlaceOfOrigin: "Xã Hải Anh, Huyện Hải Hậu, Nam Định", PlaceOfResidence: "Số 12 Phố Đội Cấn, Phường Ba Đình, Hà Nội",
		IssueDate: cccd.Date{Year: 2021, Month: 4, Day: 10}, ExpiryDate: cccd.Date{Year: 2030, Month: 3, Day: 15},
		Father: "NGUYỄN VĂN CƯỜNG", Mother: "ĐỖ THỊ HOA",
	}
}

// chip is a chip read whose passive and active authentication passed.
func chip(w who) *cardreader.Reading {
	return &cardreader.Reading{
		Source: cardreader.SourceChip, Generation: cccd.CCCD2021, Access: cardreader.AccessBAC, Citizen: citizen(w),
		Verification: cardreader.Verification{
			Passive: cardreader.Check{Status: cardreader.StatusPassed},
			Active:  cardreader.Check{Status: cardreader.StatusPassed},
			Chip:    cardreader.Check{Status: cardreader.StatusUnsupported},
		},
		ReadAt: clock,
	}
}

// qr is a QR-only read: seven fields, nothing verified.
func qr(w who) *cardreader.Reading {
	c := citizen(w)
	return &cardreader.Reading{
		Source: cardreader.SourceQR, Generation: cccd.CCCD2021,
		Citizen: cccd.Citizen{ID: c.ID, FullName: c.FullName, DateOfBirth: c.DateOfBirth, Sex: c.Sex,
			PlaceOfResidence: c.PlaceOfResidence, IssueDate: c.IssueDate},
		Verification: cardreader.Verification{
			Passive: cardreader.Check{Status: cardreader.StatusNotChecked},
			Active:  cardreader.Check{Status: cardreader.StatusNotChecked},
			Chip:    cardreader.Check{Status: cardreader.StatusNotChecked},
		},
	}
}

// untrusted is a chip read whose signer chains to no known CSCA.
func untrusted(w who) *cardreader.Reading {
	r := chip(w)
	r.Verification.Passive = cardreader.Check{Status: cardreader.StatusNotChecked, Code: "unknown-csca"}
	return r
}

// clone is a chip whose data is genuine but whose active authentication failed.
func clone(w who) *cardreader.Reading {
	r := chip(w)
	r.Verification.Active = cardreader.Check{Status: cardreader.StatusFailed, Code: "aa-failed"}
	return r
}

func loadCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Embedded(Types)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newForm(t testing.TB, c *catalog.Catalog, ref string) *Form {
	t.Helper()
	p, ok := c.Lookup(ref)
	if !ok {
		t.Fatalf("no procedure %s", ref)
	}
	f, err := New(p, opts)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func mustSet(t testing.TB, f *Form, kv ...string) {
	t.Helper()
	for i := 0; i < len(kv); i += 2 {
		if err := f.Set(kv[i], kv[i+1]); err != nil {
			t.Fatalf("Set(%s): %v", kv[i], err)
		}
	}
}

func mustApply(t testing.TB, f *Form, path string, r *cardreader.Reading) string {
	t.Helper()
	got, err := f.ApplyCard(path, r)
	if err != nil {
		t.Fatalf("ApplyCard(%s): %v", path, err)
	}
	return got
}

package session

import (
	"errors"
	"testing"
	"time"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/kiosk/address"
	"motcua/kiosk/catalog"
	"motcua/kiosk/form"
)

// splitWardCard is a verified chip read of a fictional man whose card names
// Phường Kim Mã, which was split across three new wards.
func splitWardCard() *cardreader.Reading {
	return &cardreader.Reading{
		Source: cardreader.SourceChip, Generation: cccd.CCCD2021, Access: cardreader.AccessBAC,
		Citizen: cccd.Citizen{ID: "001090012345", FullName: "NGUYỄN VĂN AN", DateOfBirth: cccd.Date{Year: 1990, Month: 3, Day: 15},
			Sex: cccd.Male, Nationality: "Việt Nam", PlaceOfResidence: "Số 5, Phường Kim Mã, Quận Ba Đình, Hà Nội"},
		Verification: cardreader.Verification{
			Passive: cardreader.Check{Status: cardreader.StatusPassed},
			Active:  cardreader.Check{Status: cardreader.StatusPassed},
			Chip:    cardreader.Check{Status: cardreader.StatusUnsupported},
		},
	}
}

func intakeField(t *testing.T, x *Intake, path string) Field {
	t.Helper()
	for _, fd := range x.Fields("vi") {
		if fd.Path == path {
			return fd
		}
	}
	t.Fatalf("no field %s", path)
	return Field{}
}

// A split ward reaches the screen as a locked value with its candidates, in
// a procedure and in a bundle step alike, and one choice settles it.
func TestIntakeChooseAddress(t *testing.T) {
	cat, err := catalog.Embedded(form.Types)
	if err != nil {
		t.Fatal(err)
	}
	opts := form.Options{Now: func() time.Time { return time.Date(2026, 11, 20, 2, 30, 0, 0, time.UTC) }}
	for _, tc := range []struct{ ref, path string }{
		{"ket-hon", "husband.placeOfResidence"},
		{"lien-thong-khai-tu", "khai-tu:declarant.placeOfResidence"},
	} {
		t.Run(tc.ref, func(t *testing.T) {
			p, ok := cat.Lookup(tc.ref)
			if !ok {
				t.Fatalf("no %s in the catalog", tc.ref)
			}
			x, err := openIntake(cat, p, opts, splitWardCard())
			if err != nil {
				t.Fatal(err)
			}
			fd := intakeField(t, x, tc.path)
			if fd.Address == nil || fd.Address.Status != address.Ambiguous || len(fd.Address.Candidates) != 3 || !fd.Locked {
				t.Fatalf("before the choice: %q %+v", fd.Value, fd.Address)
			}
			if err := x.ChooseAddress("nope:x", fd.Address.Candidates[0].ID); !errors.Is(err, form.ErrUnknownField) {
				t.Errorf("unknown path: %v", err)
			}
			if err := x.ChooseAddress(tc.path, "nope"); !errors.Is(err, form.ErrNotCandidate) {
				t.Errorf("not a candidate: %v", err)
			}
			c := fd.Address.Candidates[2]
			if err := x.ChooseAddress(tc.path, c.ID); err != nil {
				t.Fatal(err)
			}
			fd = intakeField(t, x, tc.path)
			if want := "Số 5, " + c.Name + ", Thành phố Hà Nội"; fd.Value != want || fd.Address.Status != address.Converted || fd.Address.Rule != address.RuleWardSplit {
				t.Errorf("after the choice: %q (want %q) %+v", fd.Value, want, fd.Address)
			}
			if err := x.ChooseAddress(tc.path, c.ID); !errors.Is(err, form.ErrNoAddressChoice) {
				t.Errorf("a second choice: %v", err)
			}
		})
	}
}

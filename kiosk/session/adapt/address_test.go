package adapt_test

import (
	"errors"
	"testing"
	"time"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/kiosk/address"
	"motcua/kiosk/catalog"
	"motcua/kiosk/form"
	"motcua/kiosk/session"
	"motcua/kiosk/session/adapt"
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

func field(t *testing.T, f session.Form, path string) session.Field {
	t.Helper()
	for _, fd := range f.Fields("vi") {
		if fd.Path == path {
			return fd
		}
	}
	t.Fatalf("no field %s", path)
	return session.Field{}
}

func TestChooseAddressThroughTheAdapters(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	forms := &adapt.Forms{Catalog: cat, Options: form.Options{Now: func() time.Time { return time.Date(2026, 11, 20, 2, 30, 0, 0, time.UTC) }}}
	for _, tc := range []struct{ ref, path string }{
		{"ket-hon", "husband.placeOfResidence"},
		{"lien-thong-khai-tu", "khai-tu:declarant.placeOfResidence"},
	} {
		t.Run(tc.ref, func(t *testing.T) {
			p, _ := cat.Lookup(tc.ref)
			f, err := forms.Open(p, splitWardCard())
			if err != nil {
				t.Fatal(err)
			}
			fd := field(t, f, tc.path)
			if fd.Address == nil || fd.Address.Status != address.Ambiguous || len(fd.Address.Candidates) != 3 || !fd.Locked {
				t.Fatalf("before the choice: %q %+v", fd.Value, fd.Address)
			}
			ch := f.(session.AddressChooser)
			if err := ch.ChooseAddress("nope:x", fd.Address.Candidates[0].ID); !errors.Is(err, form.ErrUnknownField) {
				t.Errorf("unknown path: %v", err)
			}
			c := fd.Address.Candidates[2]
			if err := ch.ChooseAddress(tc.path, c.ID); err != nil {
				t.Fatal(err)
			}
			fd = field(t, f, tc.path)
			if want := "Số 5, " + c.Name + ", Thành phố Hà Nội"; fd.Value != want || fd.Address.Status != address.Converted || fd.Address.Rule != address.RuleWardSplit {
				t.Errorf("after the choice: %q (want %q) %+v", fd.Value, want, fd.Address)
			}
		})
	}
}

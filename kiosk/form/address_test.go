package form

import (
	"errors"
	"testing"

	"motcua/cardreader"
	"motcua/kiosk/address"
	"motcua/offline/dossier"
)

func withResidence(r *cardreader.Reading, addr string) *cardreader.Reading {
	r.Citizen.PlaceOfResidence = addr
	return r
}

func TestCardAddressIsConverted(t *testing.T) {
	c := loadCatalog(t)
	for _, tc := range []struct {
		name, card, want string
		status           address.Status
		rule             address.Rule
		read             func(who) *cardreader.Reading
	}{
		{"merged ward, chip", "Số 12 Đường Số 7, Phường Bình Trị Đông B, Quận Bình Tân, TP. Hồ Chí Minh",
			"Số 12 Đường Số 7, Phường An Lạc, Thành phố Hồ Chí Minh", address.Converted, address.RuleWardMerged, chip},
		{"merged ward, QR", "Khối 3, Phường Hưng Bình, Thành phố Vinh, Tỉnh Nghệ An",
			"Khối 3, Phường Thành Vinh, Tỉnh Nghệ An", address.Converted, address.RuleWardMerged, qr},
		{"split ward", "Số 5, Phường Kim Mã, Quận Ba Đình, Hà Nội",
			"Số 5, Phường Kim Mã, Quận Ba Đình, Hà Nội", address.Ambiguous, address.RuleWardSplit, chip},
		{"already new", "Số 12 Phố Đội Cấn, Phường Ba Đình, Hà Nội",
			"Số 12 Phố Đội Cấn, Phường Ba Đình, Hà Nội", address.AlreadyNew, address.RuleNewForm, chip},
		{"unmatched", "Ký túc xá B, Đại học X", "Ký túc xá B, Đại học X", address.Unmatched, address.RuleNone, chip},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newForm(t, c, "ket-hon")
			mustApply(t, f, "husband", withResidence(tc.read(an), tc.card))
			v, err := f.Get("husband.placeOfResidence")
			if err != nil {
				t.Fatal(err)
			}
			if v.Value != tc.want || v.Address == nil || v.Address.Status != tc.status || v.Address.Rule != tc.rule || v.Address.Card != tc.card {
				t.Fatalf("value %q address %+v; want %q %s %s", v.Value, v.Address, tc.want, tc.status, tc.rule)
			}
			if origin, _ := f.Get("husband.placeOfOrigin"); origin.Address != nil {
				t.Errorf("place of origin converted: %+v", origin)
			}
		})
	}
}

func TestChooseAddressAndDossier(t *testing.T) {
	c := loadCatalog(t)
	f := newForm(t, c, "ket-hon")
	mustApply(t, f, "husband", withResidence(chip(an), "Số 5, Phường Kim Mã, Quận Ba Đình, Hà Nội"))
	mustApply(t, f, "wife", withResidence(chip(binh), "Số 12 Đường Số 7, Phường Bình Trị Đông B, Quận Bình Tân, TP. Hồ Chí Minh"))
	if err := f.ChooseAddress("wife.placeOfResidence", "14347"); !errors.Is(err, ErrNoAddressChoice) {
		t.Errorf("choice on a converted address: %v", err)
	}
	if err := f.ChooseAddress("husband.placeOfResidence", "nope"); !errors.Is(err, ErrNotCandidate) {
		t.Errorf("choice of a non-candidate: %v", err)
	}
	if err := f.ChooseAddress("husband.nope", "14347"); !errors.Is(err, ErrUnknownField) {
		t.Errorf("choice on an unknown field: %v", err)
	}
	// Until the unit is chosen, the split ward is a problem on the form:
	// it is never guessed, and the dossier cannot be filed.
	if !hasCode(f, "husband.placeOfResidence", CodeAddressChoice) || hasCode(f, "wife.placeOfResidence", CodeAddressChoice) {
		t.Error("the split ward (husband) and only it should ask for a choice")
	}
	v, _ := f.Get("husband.placeOfResidence")
	var giangVo string
	for _, u := range v.Address.Candidates {
		if u.Name == "Phường Giảng Võ" {
			giangVo = u.ID
		}
	}
	if err := f.ChooseAddress("husband.placeOfResidence", giangVo); err != nil {
		t.Fatal(err)
	}
	if hasCode(f, "husband.placeOfResidence", CodeAddressChoice) {
		t.Error("the choice made, the form still asks for it")
	}
	v, _ = f.Get("husband.placeOfResidence")
	if v.Value != "Số 5, Phường Giảng Võ, Thành phố Hà Nội" || v.Locked != LockChip || v.Provenance != dossier.FromChip {
		t.Errorf("after the choice: %+v", v)
	}

	d := f.build("0190a1b2-0000-7000-8000-000000000001")
	got := map[string]dossier.AddressConversion{}
	for _, a := range d.Applicants {
		got[a.Role] = a.Addresses["placeOfResidence"]
		if a.Values["placeOfResidence"].Value == "" {
			t.Errorf("%s: no residence value", a.Role)
		}
	}
	if h := got["husband"]; h.Card != "Số 5, Phường Kim Mã, Quận Ba Đình, Hà Nội" || h.Status != "converted" || h.Rule != "ward-split" ||
		h.Unit != "Phường Giảng Võ, Thành phố Hà Nội" || h.UnitID != giangVo || len(h.Candidates) != 0 {
		t.Errorf("husband's address record: %+v", h)
	}
	if w := got["wife"]; w.Rule != "ward-merged" || w.Unit != "Phường An Lạc, Thành phố Hồ Chí Minh" {
		t.Errorf("wife's address record: %+v", w)
	}
}

func TestTypedAddressDropsTheRecord(t *testing.T) {
	c := loadCatalog(t)
	f := newForm(t, c, "ket-hon")
	mustApply(t, f, "husband", withResidence(qr(an), "Số 5, Phường Kim Mã, Quận Ba Đình, Hà Nội"))
	mustSet(t, f, "husband.placeOfResidence", "Số 9 Phố Huế, Phường Hai Bà Trưng, Thành phố Hà Nội")
	v, _ := f.Get("husband.placeOfResidence")
	if v.Address != nil || v.Provenance != dossier.Typed {
		t.Errorf("typed value keeps a conversion: %+v", v)
	}
	d := f.build("0190a1b2-0000-7000-8000-000000000001")
	for _, a := range d.Applicants {
		if len(a.Addresses) != 0 {
			t.Errorf("%s: %+v", a.Role, a.Addresses)
		}
	}
}

func hasCode(f *Form, path string, c Code) bool {
	for _, fs := range f.Fields() {
		if fs.Path != path {
			continue
		}
		for _, p := range fs.Problems {
			if p.Code == c {
				return true
			}
		}
	}
	return false
}

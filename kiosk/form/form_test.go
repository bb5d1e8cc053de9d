package form

import (
	"errors"
	"strings"
	"testing"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/kiosk/catalog"
	"motcua/offline/dossier"
)

// TestPrefillEveryProcedure fills every procedure from every kind of read
// and checks the promise: a verified chip locks what it fills, nothing a
// card carries is asked again, and nobody typed identity data.
func TestPrefillEveryProcedure(t *testing.T) {
	c := loadCatalog(t)
	reads := map[string]*cardreader.Reading{
		"chip-male": chip(an), "chip-female": chip(binh), "chip-year-only": chip(cuc), "chip-young": chip(dung),
		"qr": qr(an), "untrusted-chip": untrusted(binh), "clone": clone(an),
	}
	n := 0
	for _, p := range c.All() {
		if p.Kind == catalog.KindBundle {
			continue
		}
		for name, rd := range reads {
			t.Run(p.Slug+"/"+name, func(t *testing.T) {
				f := newForm(t, c, p.Slug)
				at, err := f.PlaceCard(rd)
				if err != nil {
					t.Fatalf("PlaceCard: %v", err)
				}
				m := f.Metrics()
				if m.IdentityTyped != 0 {
					t.Errorf("identityTyped = %d", m.IdentityTyped)
				}
				if m.Prefilled == 0 || m.CardsRead != 1 {
					t.Errorf("prefilled %d from %d cards", m.Prefilled, m.CardsRead)
				}
				for _, s := range f.Fields() {
					if s.Person != at || !s.Field.Identity() {
						continue
					}
					if Carries(rd.Source, s.Field.Prefill) && s.Missing {
						t.Errorf("%s is asked although the card carries it", s.Path)
					}
					if Verified(rd) {
						if s.Value.Provenance != dossier.FromChip || s.Value.Locked != LockChip {
							t.Errorf("%s: provenance %q locked %q", s.Path, s.Value.Provenance, s.Value.Locked)
						}
						if err := f.Set(s.Path, "x"); !errors.Is(err, ErrLocked) {
							t.Errorf("Set(%s) on a chip value: %v", s.Path, err)
						}
					} else if s.Value.Value != "" && s.Value.Provenance != dossier.FromQR {
						t.Errorf("%s: provenance %q from an unverified read", s.Path, s.Value.Provenance)
					}
				}
			})
			n++
		}
	}
	if n < 15*len(reads) {
		t.Errorf("only %d runs", n)
	}
}

func TestProvenanceAndLocking(t *testing.T) {
	c := loadCatalog(t)
	cases := []struct {
		name   string
		rd     *cardreader.Reading
		prov   dossier.Provenance
		locked bool
	}{
		{"verified chip", chip(an), dossier.FromChip, true},
		{"QR only", qr(an), dossier.FromQR, false},
		{"chip without trust anchor", untrusted(an), dossier.FromQR, false},
		{"chip failing active authentication", clone(an), dossier.FromQR, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newForm(t, c, "thuong-tru")
			mustApply(t, f, "subject", tc.rd)
			v, err := f.Get("subject.fullName")
			if err != nil || v.Value != an.name || v.Provenance != tc.prov || (v.Locked != "") != tc.locked {
				t.Fatalf("fullName = %+v, %v", v, err)
			}
			err = f.Set("subject.fullName", "NGUYỄN VĂN BA")
			if tc.locked {
				var le *LockedError
				if !errors.As(err, &le) || le.Reason != LockChip || le.Path != "subject.fullName" {
					t.Fatalf("Set on a locked value: %v", err)
				}
				if le.Message().VI == "" || le.Message().EN == "" {
					t.Error("lock message missing a language")
				}
				if strings.Contains(err.Error(), an.name) {
					t.Error("error quotes the name")
				}
				return
			}
			if err != nil {
				t.Fatalf("Set on an unverified value: %v", err)
			}
			v, _ = f.Get("subject.fullName")
			if v.Provenance != dossier.Typed {
				t.Errorf("edited value provenance %q", v.Provenance)
			}
			if m := f.Metrics(); m.IdentityTyped != 1 {
				t.Errorf("identityTyped = %d after retyping a card value, want 1", m.IdentityTyped)
			}
		})
	}
}

func TestQRLeavesChipOnlyFieldsOpen(t *testing.T) {
	c := loadCatalog(t)
	f := newForm(t, c, "ket-hon")
	mustApply(t, f, "husband", qr(an))
	missing := paths(f.Missing())
	for _, want := range []string{"husband.ethnicity", "husband.marriageNumber"} {
		if !missing[want] {
			t.Errorf("%s not missing after a QR read", want)
		}
	}
	if v, _ := f.Get("husband.nationality"); v.Value != "Việt Nam" || v.Provenance != dossier.FromQR {
		t.Errorf("nationality of a card holder from the QR: %+v", v)
	}
	for _, no := range []string{"husband.fullName", "husband.dateOfBirth", "husband.idNumber", "husband.placeOfResidence", "husband.nationality"} {
		if missing[no] {
			t.Errorf("%s missing although the QR carries it", no)
		}
	}
	mustSet(t, f, "husband.ethnicity", "Kinh")
	if v, _ := f.Get("husband.ethnicity"); v.Provenance != dossier.Typed {
		t.Errorf("typed ethnicity provenance %q", v.Provenance)
	}
	if m := f.Metrics(); m.IdentityTyped != 0 {
		t.Errorf("identityTyped = %d: ethnicity is not on the QR, typing it is not re-declaring", m.IdentityTyped)
	}
}

func paths(ms []Missing) map[string]bool {
	out := map[string]bool{}
	for _, m := range ms {
		out[m.Path] = true
	}
	return out
}

func TestMarriageBothCards(t *testing.T) {
	c := loadCatalog(t)
	f := newForm(t, c, "1.000894")
	if at, err := f.PlaceCard(chip(an)); err != nil || at != "husband" {
		t.Fatalf("first card (male) went to %q: %v", at, err)
	}
	if _, err := f.PlaceCard(chip(an)); !errors.Is(err, ErrDuplicate) {
		t.Errorf("same card twice: %v", err)
	}
	if at, err := f.PlaceCard(chip(binh)); err != nil || at != "wife" {
		t.Fatalf("second card (female) went to %q: %v", at, err)
	}
	if _, err := f.PlaceCard(chip(cuc)); !errors.Is(err, ErrNoSlot) {
		t.Errorf("third card: %v", err)
	}
	if _, err := f.ApplyCard("wife", chip(dung)); !errors.Is(err, ErrWrongSex) {
		t.Errorf("male card in the bride's column: %v", err)
	}
	// What is left is exactly what no card holds.
	want := map[string]bool{"wife.marriageNumber": true, "husband.marriageNumber": true}
	got := paths(f.Missing())
	for p := range got {
		if !want[p] {
			t.Errorf("unexpected missing %s", p)
		}
	}
	for p := range want {
		if !got[p] {
			t.Errorf("%s not missing", p)
		}
	}
	mustSet(t, f, "wife.marriageNumber", "1", "husband.marriageNumber", "1")
	if probs := f.Validate(); len(probs) != 0 {
		t.Errorf("complete marriage form has problems: %+v", probs)
	}
}

func TestBirthParentsFromCardsChildTyped(t *testing.T) {
	c := loadCatalog(t)
	f := newForm(t, c, "khai-sinh")
	if _, err := f.ApplyCard("child", chip(dung)); !errors.Is(err, ErrCardless) {
		t.Errorf("card into the newborn's block: %v", err)
	}
	if at, _ := f.PlaceCard(chip(binh)); at != "mother" {
		t.Fatalf("mother's card went to %q", at)
	}
	if at, _ := f.PlaceCard(chip(an)); at != "father" {
		t.Fatalf("father's card went to %q", at)
	}
	missing := paths(f.Missing())
	for _, p := range []string{"child.fullName", "child.dateOfBirth", "child.sex", "child.placeOfBirth", "requesterRelation", "attachments.birthCertificate"} {
		if !missing[p] {
			t.Errorf("%s not missing", p)
		}
	}
	for p := range missing {
		if strings.HasPrefix(p, "mother.") || strings.HasPrefix(p, "father.") || strings.HasPrefix(p, "requester.") {
			t.Errorf("%s asked although the parents' cards were read", p)
		}
	}
	mustSet(t, f, "requesterRelation", "grandparent")
	if !paths(f.Missing())["requester.fullName"] {
		t.Error("a grandparent requester's block is not required")
	}
	mustSet(t, f, "requesterRelation", "mother")
	if paths(f.Missing())["requester.fullName"] {
		t.Error("requester block required although the mother is the requester")
	}
	mustSet(t, f, "child.dateOfBirth", "01/01/2027")
	probs, _ := f.CheckField("child.dateOfBirth")
	if len(probs) != 1 || probs[0].Code != CodeDateFuture {
		t.Errorf("future birth date: %+v", probs)
	}
	mustSet(t, f, "child.dateOfBirth", "2026")
	if probs, _ := f.CheckField("child.dateOfBirth"); len(probs) != 1 || probs[0].Code != CodeDateYearOnly {
		t.Errorf("year-only birth date of a newborn: %+v", probs)
	}
}

func TestHouseholdMembersRows(t *testing.T) {
	c := loadCatalog(t)
	f := newForm(t, c, "thuong-tru")
	for i, w := range []who{an, binh, dung} {
		at, err := f.PlaceCard(chip(w))
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"subject", "householder", "members[0]"}[i]
		if at != want {
			t.Errorf("card %d went to %s, want %s", i, at, want)
		}
	}
	if at := mustApply(t, f, "members", chip(cuc)); at != "members[1]" {
		t.Errorf("second member row is %s", at)
	}
	if _, err := f.ApplyCard("members", chip(cuc)); !errors.Is(err, ErrDuplicate) {
		t.Errorf("same member twice: %v", err)
	}
	missing := paths(f.Missing())
	for _, p := range []string{"members[0].relationToHouseholder", "members[1].relationToHouseholder", "relationToHouseholder", "residenceAddress"} {
		if !missing[p] {
			t.Errorf("%s not missing", p)
		}
	}
	for _, p := range []string{"members[0].fullName", "members[1].dateOfBirth", "members[1].idNumber"} {
		if missing[p] {
			t.Errorf("%s asked although the member's card was read", p)
		}
	}
	if err := f.RemoveRow("members", 0); err != nil {
		t.Fatal(err)
	}
	if v, _ := f.Get("members[0].fullName"); v.Value != cuc.name {
		t.Error("rows did not move up after RemoveRow")
	}
	if _, err := f.Get("members[5].fullName"); !errors.Is(err, ErrUnknownField) {
		t.Errorf("row out of range: %v", err)
	}
	m := f.Metrics()
	if m.CardsRead != 3 || m.IdentityTyped != 0 {
		t.Errorf("metrics %+v", m)
	}
}

func TestDeathDeclarantAndDeceased(t *testing.T) {
	c := loadCatalog(t)
	f := newForm(t, c, "khai-tu")
	if at, _ := f.PlaceCard(chip(an)); at != "declarant" {
		t.Fatalf("declarant's card went to %q", at)
	}
	if !paths(f.Missing())["deceased.fullName"] {
		t.Error("deceased's name not asked before the deceased's card is shown")
	}
	if at, _ := f.PlaceCard(chip(cuc)); at != "deceased" {
		t.Fatalf("deceased's card went to %q", at)
	}
	for p := range paths(f.Missing()) {
		if strings.HasPrefix(p, "deceased.") || strings.HasPrefix(p, "declarant.") {
			t.Errorf("%s asked although both cards were read", p)
		}
	}
	if v, _ := f.Get("declarant.issuer"); v.Value == "" || v.Provenance != dossier.FromChip {
		t.Errorf("issuer from the card generation: %+v", v)
	}
	if v, _ := f.Get("recipient"); v.Value != opts.Agency || v.Provenance != dossier.FromStaff {
		t.Errorf("recipient: %+v", v)
	}
}

func TestPathsAndErrors(t *testing.T) {
	c := loadCatalog(t)
	f := newForm(t, c, "thuong-tru")
	for _, p := range []string{"nope", "subject.nope", "members.fullName", "subject[0].fullName", "residenceAddress.x", "members[x].fullName", "members[0"} {
		if err := f.Set(p, "x"); !errors.Is(err, ErrUnknownField) {
			t.Errorf("Set(%q) = %v", p, err)
		}
	}
	if err := f.Set("subject", "x"); !errors.Is(err, ErrNotLeaf) {
		t.Errorf("Set on a block: %v", err)
	}
	if _, err := f.ApplyCard("residenceAddress", chip(an)); !errors.Is(err, ErrNotPerson) {
		t.Errorf("card into a leaf: %v", err)
	}
	if _, err := f.ApplyCard("subject", &cardreader.Reading{}); !errors.Is(err, ErrNoCard) {
		t.Errorf("empty reading: %v", err)
	}
	b, _ := c.Lookup("lien-thong-khai-sinh")
	if _, err := New(b, opts); !errors.Is(err, ErrBundle) {
		t.Errorf("New on a bundle: %v", err)
	}
	if err := f.Attach(NewAttachment("nope", "a.pdf", "application/pdf", []byte("x"))); !errors.Is(err, ErrUnknownAttach) {
		t.Errorf("unknown attachment: %v", err)
	}
}

func TestConditionalAttachments(t *testing.T) {
	c := loadCatalog(t)
	f := newForm(t, c, "thuong-tru")
	req := func(key string) bool {
		for _, a := range f.Attachments() {
			if a.Key == key {
				return a.Required
			}
		}
		t.Fatalf("no attachment %s", key)
		return false
	}
	if !req("proofOfHome") || req("rentalContract") {
		t.Fatal("initial attachment rules wrong")
	}
	mustSet(t, f, "residenceBasis", "rented")
	if !req("rentalContract") || req("kinshipProof") {
		t.Error("rented home does not ask for the rental contract")
	}
	a := NewAttachment("rentalContract", "hop-dong.pdf", "application/pdf", []byte("%PDF-1.7 fictional"))
	if err := f.Attach(a); err != nil {
		t.Fatal(err)
	}
	if paths(f.Missing())["attachments.rentalContract"] {
		t.Error("attached contract still missing")
	}
	if err := f.Detach("rentalContract", a.SHA256); err != nil || !paths(f.Missing())["attachments.rentalContract"] {
		t.Errorf("detach: %v", err)
	}
}

func TestTypedValuesNormalised(t *testing.T) {
	c := loadCatalog(t)
	f := newForm(t, c, "thuong-tru")
	mustSet(t, f, "subject.phone", "+84 912 345 678", "subject.dateOfBirth", "5/3/1990", "subject.fullName", "  nguyễn   văn  an ",
		"subject.sex", "Nam", "subject.email", "An.Nguyen@Example.VN")
	want := map[string]string{"subject.phone": "0912345678", "subject.dateOfBirth": "1990-03-05", "subject.fullName": "nguyễn văn an",
		"subject.sex": "male", "subject.email": "an.nguyen@example.vn"}
	for p, w := range want {
		if v, _ := f.Get(p); v.Value != w {
			t.Errorf("%s = %q, want %q", p, v.Value, w)
		}
	}
	// A typed ID is checked against the typed sex and date of birth.
	mustSet(t, f, "subject.idNumber", binh.id)
	probs, _ := f.CheckField("subject.idNumber")
	if len(probs) != 1 || probs[0].Code != CodeIDSex {
		t.Errorf("ID of a woman for a man: %+v", probs)
	}
	for _, p := range probs {
		if strings.Contains(p.Message.VI+p.Message.EN+p.Limit, binh.id) {
			t.Error("message quotes the ID number")
		}
	}
}

func TestPhoneTypedFirstDoesNotMoveTheCard(t *testing.T) {
	c := loadCatalog(t)
	f := newForm(t, c, "thuong-tru")
	mustSet(t, f, "subject.phone", "0912345678")
	if at, err := f.PlaceCard(chip(an)); err != nil || at != "subject" {
		t.Fatalf("card went to %q: %v", at, err)
	}
	if v, _ := f.Get("subject.phone"); v.Value != "0912345678" || v.Provenance != dossier.Typed {
		t.Errorf("typed phone lost: %+v", v)
	}
	mustSet(t, f, "householder.fullName", "LÊ VĂN CHỦ")
	if at, _ := f.PlaceCard(chip(binh)); at != "members[0]" {
		t.Errorf("card went to %q although the householder was typed in", at)
	}
}

func TestTally(t *testing.T) {
	tl := Tally{}
	tl.Add("1.004222", Metrics{FieldsTotal: 12, Prefilled: 4})
	tl.Add("1.004222", Metrics{FieldsTotal: 17, Prefilled: 10, Typed: 2})
	e := tl["1.004222"]
	if e.Dossiers != 2 || e.Metrics.FieldsTotal != 29 || e.Metrics.Prefilled != 14 || e.Metrics.Typed != 2 {
		t.Errorf("tally %+v", e)
	}
}

func TestMarriageAgeAppliesToChipValues(t *testing.T) {
	c := loadCatalog(t)
	khang := who{"001208009988", "ĐINH GIA KHANG", cccd.Date{Year: 2008, Month: 6, Day: 1}, cccd.Male} // 18 on the test clock
	f := newForm(t, c, "ket-hon")
	f.PlaceCard(chip(khang))
	f.PlaceCard(chip(binh))
	probs, _ := f.CheckField("husband.dateOfBirth")
	if len(probs) != 1 || probs[0].Code != CodeTooYoung || probs[0].Limit != "min 20" {
		t.Errorf("18-year-old groom: %+v", probs)
	}
	if probs, _ := f.CheckField("wife.dateOfBirth"); len(probs) != 0 {
		t.Errorf("34-year-old bride: %+v", probs)
	}
}

func TestWipe(t *testing.T) {
	c := loadCatalog(t)
	f := newForm(t, c, "thuong-tru")
	f.PlaceCard(chip(an))
	f.PlaceCard(chip(binh))
	f.ApplyCard("members", chip(dung))
	mustSet(t, f, "residenceAddress", "Số 1 Phố Huế")
	f.Attach(NewAttachment("proofOfHome", "so-do.pdf", "application/pdf", []byte("x")))
	f.Wipe()
	for _, s := range f.Fields() {
		if s.Value.Value != "" && s.Value.Provenance != dossier.FromStaff {
			t.Errorf("%s survived the wipe", s.Path)
		}
	}
	if m := f.Metrics(); m.CardsRead != 0 || m.Prefilled != 0 || f.Rows("members") != 0 {
		t.Errorf("after wipe: %+v", m)
	}
	if v, _ := f.Get("recipient"); v.Value != opts.Agency {
		t.Error("kiosk values not refilled")
	}
	if at, err := f.PlaceCard(chip(an)); err != nil || at != "subject" {
		t.Errorf("wiped form not reusable: %q %v", at, err)
	}
}

func TestNewbornDefaultsFromParents(t *testing.T) {
	c := loadCatalog(t)
	f := newForm(t, c, "khai-sinh")
	mustApply(t, f, "mother", chip(binh))
	v, _ := f.Get("child.ethnicity")
	if v.Value != "Kinh" || !v.Default || v.Provenance != dossier.FromStaff || v.Locked != "" {
		t.Fatalf("child's ethnicity from the mother's card: %+v", v)
	}
	if paths(f.Missing())["child.ethnicity"] || paths(f.Missing())["child.nationality"] {
		t.Error("defaulted fields still missing")
	}
	father := chip(an)
	father.Citizen.Ethnicity = "Tày"
	mustApply(t, f, "father", father)
	if v, _ := f.Get("child.ethnicity"); v.Value != "Tày" {
		t.Errorf("father's ethnicity comes first: %+v", v)
	}
	mustSet(t, f, "child.ethnicity", "Kinh")
	if err := f.ClearPerson("father"); err != nil {
		t.Fatal(err)
	}
	if v, _ := f.Get("child.ethnicity"); v.Value != "Kinh" || v.Provenance != dossier.Typed {
		t.Errorf("typed choice overwritten: %+v", v)
	}
	mustSet(t, f, "child.ethnicity", "")
	if v, _ := f.Get("child.ethnicity"); v.Value != "" {
		t.Errorf("cleared field refilled: %+v", v)
	}
	if err := f.ClearPerson("mother"); err != nil {
		t.Fatal(err)
	}
	if v, _ := f.Get("child.nationality"); v.Value != "" {
		t.Errorf("default kept after its source was cleared: %+v", v)
	}
}

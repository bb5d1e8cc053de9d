package form

import (
	"path/filepath"
	"testing"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/kiosk/catalog"
	"motcua/offline/dossier"
)

// Every card prefill path the catalog declares resolves in the card field
// table, and a full chip read gives it a value: a path added to a
// procedure but not to the table fails here, instead of leaving a required
// field silently empty.
func TestCatalogPrefillPathsResolve(t *testing.T) {
	reads := seedReads(t, filepath.Join("..", "..", "seeds", "cards", "nguyen-van-an.json"))
	rd := reads["nguyen-van-an.json"]
	if rd == nil {
		t.Fatal("fixture did not read")
	}
	var walk func(slug string, fs []catalog.Field)
	seen := 0
	walk = func(slug string, fs []catalog.Field) {
		for i := range fs {
			f := &fs[i]
			walk(slug, f.Fields)
			if f.Prefill == "" || catalog.KioskPaths[f.Prefill] {
				continue
			}
			seen++
			row, ok := cccd.Field(f.Prefill)
			if !ok {
				t.Errorf("%s: %s: prefill %q is not in the card field table", slug, f.Key, f.Prefill)
				continue
			}
			if !f.Identity() {
				t.Errorf("%s: %s: prefill %q is not an identity field", slug, f.Key, f.Prefill)
			}
			if CardValue(rd, f.Prefill) == "" && f.Prefill != "citizen.expiryDate" || !CarriedBy(rd, f.Prefill) {
				t.Errorf("%s: %s: a full chip read gives %q no value", slug, f.Key, row.Path)
			}
		}
	}
	for _, p := range loadCatalog(t).All() {
		for _, s := range p.Sections {
			walk(p.Slug, s.Fields)
		}
	}
	if seen == 0 {
		t.Fatal("no card prefill in the catalog")
	}
	// The catalog's own list is the table's.
	for path := range catalog.PrefillPaths {
		if _, ok := cccd.Field(path); !ok {
			t.Errorf("catalog.PrefillPaths has %q, the table does not", path)
		}
	}
	if len(catalog.PrefillPaths) != len(cccd.CardFields) {
		t.Errorf("catalog knows %d card paths, the table %d", len(catalog.PrefillPaths), len(cccd.CardFields))
	}
}

// A card field the reader could not parse is asked for: empty, flagged
// with the reason, listed as missing when required, typed by the clerk
// and never locked; every other field of the card is filled and locked.
func TestUnparsedCardFieldIsAsked(t *testing.T) {
	reads := seedReads(t, filepath.Join("..", "..", "seeds", "cards", "faults", "odd-date-dg13.json"))
	rd := reads["odd-date-dg13.json"]
	if rd == nil || !Verified(rd) {
		t.Fatalf("fixture reading %+v", rd)
	}
	f := newForm(t, loadCatalog(t), "thuong-tru")
	mustApply(t, f, "subject", rd)
	var dob, name *FieldState
	for _, s := range f.Fields() {
		switch s.Path {
		case "subject.dateOfBirth":
			dob = &s
		case "subject.fullName":
			name = &s
		}
	}
	if dob == nil || name == nil {
		t.Fatal("fields not found")
	}
	if dob.CardUnparsed == nil || dob.CardUnparsed.Reason == "" || dob.Value.Value != "" || dob.Value.Locked != "" || dob.FromCard || !dob.Missing {
		t.Fatalf("date of birth %+v, want asked for (flagged, missing, not locked)", dob)
	}
	if name.Value.Locked != LockChip || name.Value.Provenance != dossier.FromChip || name.CardUnparsed != nil {
		t.Fatalf("name %+v, want chip-verified and locked", name)
	}
	mustSet(t, f, "subject.dateOfBirth", "1990-03-12")
	v, _ := f.Get("subject.dateOfBirth")
	if v.Provenance != dossier.Typed || v.Locked != "" {
		t.Fatalf("typed date of birth %+v", v)
	}
}

// CardValue and the carried set come from the card field table: a 2024
// QR carries the parents at positions 8 and 9, a 2021 QR does not; the
// document type follows the generation row.
func TestCardValueFromTable(t *testing.T) {
	q, err := cccd.ParseQR("001301007733||Trần Thị Bình|05112001|Nữ|Hà Nội|15082024|Trần Văn Cường|Phạm Thị Duyên")
	if err != nil {
		t.Fatal(err)
	}
	rd := &cardreader.Reading{Source: cardreader.SourceQR, Generation: q.Generation(), Citizen: q.Citizen(), QRFields: q.Fields()}
	old := &cardreader.Reading{Source: cardreader.SourceQR, Generation: cccd.CCCD2021, Citizen: q.Citizen()}
	for _, tc := range []struct {
		rd      *cardreader.Reading
		path    string
		value   string
		carried bool
	}{
		{rd, "citizen.father", "Trần Văn Cường", true},
		{rd, "citizen.mother", "Phạm Thị Duyên", true},
		{old, "citizen.father", "Trần Văn Cường", false},
		{rd, "citizen.ethnicity", "", false},
		{rd, "citizen.nationality", "Việt Nam", true},
		{rd, "card.documentType", "Căn cước", true},
		{old, "card.documentType", "Căn cước công dân", true},
		{rd, "citizen.dateOfBirth", "2001-11-05", true},
		{rd, "citizen.sex", "female", true},
		{rd, "citizen.shoeSize", "", false},
	} {
		if got := CardValue(tc.rd, tc.path); got != tc.value {
			t.Errorf("CardValue(%s) = %q, want %q", tc.path, got, tc.value)
		}
		if got := CarriedBy(tc.rd, tc.path); got != tc.carried {
			t.Errorf("CarriedBy(%s, QR of %d fields) = %v", tc.path, tc.rd.QRFields, got)
		}
	}
}

// A QR whose ID digits disagree with its birth year fills the form without
// a problem on the ID (a warning on the reading); the same ID typed is
// checked.
func TestQRIDDigitsAreAWarning(t *testing.T) {
	q, err := cccd.ParseQR("079090004217|025987654|Nguyễn Văn An|12031991|Nam|Số 12 Đường Số 7|10042021")
	if err != nil || len(q.Warnings) != 1 {
		t.Fatalf("%+v, %v", q.Warnings, err)
	}
	rd := &cardreader.Reading{Source: cardreader.SourceQR, Generation: q.Generation(), Citizen: q.Citizen(), QRFields: q.Fields()}
	f := newForm(t, loadCatalog(t), "thuong-tru")
	mustApply(t, f, "subject", rd)
	problems := func() int {
		n := 0
		for _, s := range f.Fields() {
			if s.Path == "subject.idNumber" {
				n += len(s.Problems)
			}
		}
		return n
	}
	if n := problems(); n != 0 {
		t.Fatalf("%d problems on an ID from the QR", n)
	}
	g := newForm(t, loadCatalog(t), "thuong-tru")
	mustSet(t, g, "subject.dateOfBirth", "1991-03-12", "subject.idNumber", "079090004217")
	f = g
	if problems() == 0 {
		t.Fatal("a typed ID whose year digits disagree is not checked")
	}
}

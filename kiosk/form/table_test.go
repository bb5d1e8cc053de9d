package form

import (
	"errors"
	"strings"
	"testing"
)

// A table of typed rows (the criminal-record request's residence history)
// takes rows, checks each cell (an end before its start), takes no card,
// and goes in the dossier as "key[i].col" values, empty lines dropped.
func TestTableOfTypedRows(t *testing.T) {
	c := loadCatalog(t)
	f := newForm(t, c, "ly-lich-tu-phap")
	if _, err := f.ApplyCard("residenceHistory", chip(an)); !errors.Is(err, ErrNotPerson) {
		t.Errorf("a card read into the residence history: %v", err)
	}
	if at, err := f.PlaceCard(chip(an)); err != nil || at != "requester" {
		t.Fatalf("the requester's card went to %q (%v)", at, err)
	}
	if !paths(f.Missing())["residenceHistory"] {
		t.Error("an empty residence history is not missing")
	}
	for i := range 3 {
		if _, err := f.AddRow("residenceHistory"); err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
	}
	mustSet(t, f,
		"residenceHistory[0].fromDate", "9/2008",
		"residenceHistory[0].toDate", "06/2005",
		"residenceHistory[0].residence", "Số 5 đường Trần Phú, phường Ba Đình, Hà Nội",
		"residenceHistory[2].fromDate", "07/2012",
		"residenceHistory[2].residence", "Số 12 phố Lê Lợi, phường Hoàn Kiếm, Hà Nội",
		"residenceHistory[2].occupation", "Kỹ sư")
	probs, _ := f.CheckField("residenceHistory[0].toDate")
	if len(probs) != 1 || probs[0].Code != CodeDateOrder {
		t.Errorf("an end before its start: %+v", probs)
	}
	mustSet(t, f, "residenceHistory[0].toDate", "06/2012")
	if probs, _ := f.CheckField("residenceHistory[0].toDate"); len(probs) != 0 {
		t.Errorf("a good range: %+v", probs)
	}
	// The empty middle line is still asked for: fill it or remove it.
	if !paths(f.Missing())["residenceHistory[1].fromDate"] {
		t.Error("an empty line's required cells are not missing")
	}
	if err := f.RemoveRow("residenceHistory", 1); err != nil {
		t.Fatal(err)
	}
	mustSet(t, f, "requester.placeOfBirth", "Hà Nội", "requester.phone", "0912345678",
		"certificateType", "1", "purpose", "Xin việc", "copies", "1")
	for _, m := range f.Missing() {
		if strings.HasPrefix(m.Path, "residenceHistory") {
			t.Errorf("still missing: %s", m.Path)
		}
	}
	d := f.build("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")
	want := map[string]string{
		"residenceHistory[0].fromDate":   "2008-09",
		"residenceHistory[0].toDate":     "2012-06",
		"residenceHistory[1].fromDate":   "2012-07",
		"residenceHistory[1].occupation": "Kỹ sư",
	}
	for k, v := range want {
		if got := d.Values[k].Value; got != v {
			t.Errorf("dossier %s = %q, want %q", k, got, v)
		}
	}
	if _, ok := d.Values["residenceHistory[2].fromDate"]; ok {
		t.Error("the dossier has a third line")
	}
	for _, a := range d.Applicants {
		if a.Role != "requester" {
			t.Errorf("a history line became a person: %+v", a.Role)
		}
	}
}

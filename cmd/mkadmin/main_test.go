package main

import (
	"bytes"
	"strings"
	"testing"

	"motcua/kiosk/address"
)

// tiny is a data set in the shape of new_to_old.json: two old provinces
// merged into one, a split ward, and a ward the corrections keep apart.
const tiny = `{
 "provinces": {"1": {"new_province_id": "1", "new_province_name": "Tỉnh Mới", "old_provinces": [
   {"old_province_id": "10", "old_province_name": "Tỉnh Cũ"}, {"old_province_id": "20", "old_province_name": "Thành Phố Đảo"}]}},
 "wards": {
  "100": {"new_ward_id": "100", "new_ward_name": "Phường An", "new_province_id": "1", "new_province_name": "Tỉnh Mới", "old_wards": [
    {"old_ward_id": "5", "old_ward_name": "Phường Một", "old_district_id": "7", "old_district_name": "Thành Phố Cũ", "old_province_id": "10", "old_province_name": "Tỉnh Cũ"},
    {"old_ward_id": "6", "old_ward_name": "Xã Hai", "old_district_id": "7", "old_district_name": "Thành Phố Cũ", "old_province_id": "10", "old_province_name": "Tỉnh Cũ"}]},
  "101": {"new_ward_id": "101", "new_ward_name": "Xã Bình", "new_province_id": "1", "new_province_name": "Tỉnh Mới", "old_wards": [
    {"old_ward_id": "6", "old_ward_name": "Xã Hai", "old_district_id": "7", "old_district_name": "Thành Phố Cũ", "old_province_id": "10", "old_province_name": "Tỉnh Cũ"},
    {"old_ward_id": "8", "old_ward_name": "Xã Ba", "old_district_id": "7", "old_district_name": "Thành Phố Cũ", "old_province_id": "10", "old_province_name": "Tỉnh Cũ"}]}
 }}`

var tinyCorrections = []correction{
	{kind: addWholeDistrict, why: "test", unitID: "c01", unitName: "Đặc khu Đảo", oldProvince: "20", districtID: "cd01", districtName: "Huyện Đảo"},
	{kind: keepWard, why: "test", unitID: "c02", unitName: "Xã Ba", oldWardID: "8", oldWardName: "Xã Ba"},
}

func TestBuild(t *testing.T) {
	var a, b bytes.Buffer
	st, err := build([]byte(tiny), tinyCorrections, &a)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := build([]byte(tiny), tinyCorrections, &b); err != nil || a.String() != b.String() {
		t.Fatalf("output not deterministic (%v)", err)
	}
	want := stats{provinces: 1, units: 4, oldProvinces: 2, districts: 2, oldWards: 3, split: 1, corrections: 2}
	if st != want {
		t.Errorf("stats %+v, want %+v", st, want)
	}
	for _, line := range []string{
		"P\t1\tTỉnh Mới\n", "Q\t20\tThành phố Đảo\t1\n", "W\tc01\tĐặc khu Đảo\t1\n",
		"D\t7\tThành phố Cũ\t10\n", "D\tcd01\tHuyện Đảo\t20\tc01\n",
		"O\t6\tXã Hai\t7\t100,101\n", "O\t8\tXã Ba\t7\tc02\n",
	} {
		if !strings.Contains(a.String(), line) {
			t.Errorf("output lacks %q:\n%s", line, a.String())
		}
	}
	tb, err := address.Parse(a.String())
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]address.Status{
		"Phường Một, Thành phố Cũ, Tỉnh Cũ": address.Converted,
		"Xã Hai, TP Cũ, Tỉnh Cũ":            address.Ambiguous,
		"Xã Ba, Thành phố Cũ, Tỉnh Cũ":      address.Converted,
		"Thôn 1, Huyện Đảo, TP Đảo":         address.Converted,
		"Xã Bình, Tỉnh Mới":                 address.AlreadyNew,
	} {
		if r := tb.Convert(text); r.Status != want {
			t.Errorf("%q: %s, want %s", text, r.Status, want)
		}
	}
}

func TestBuildRefuses(t *testing.T) {
	for name, c := range map[string]struct {
		data string
		corr []correction
	}{
		"not JSON":         {"{", nil},
		"empty":            {`{"provinces": {}, "wards": {}}`, nil},
		"unknown province": {strings.Replace(tiny, `"new_province_id": "1", "new_province_name": "Tỉnh Mới", "old_wards"`, `"new_province_id": "9", "new_province_name": "Tỉnh Mới", "old_wards"`, 1), nil},
		"correction names a ward not in the data": {tiny, []correction{{kind: keepWard, unitID: "c9", unitName: "Xã Chín", oldWardID: "99", oldWardName: "Xã Chín"}}},
		"correction names the wrong ward":         {tiny, []correction{{kind: keepWard, unitID: "c9", unitName: "Xã Ba", oldWardID: "6", oldWardName: "Xã Ba"}}},
		"correction duplicates a unit":            {tiny, []correction{{kind: addWholeDistrict, unitID: "100", unitName: "X", oldProvince: "20", districtID: "d", districtName: "Huyện D"}}},
	} {
		if _, err := build([]byte(c.data), c.corr, &bytes.Buffer{}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

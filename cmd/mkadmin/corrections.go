package main

// correctionKind says what a correction does to the data set.
type correctionKind int

const (
	// addWholeDistrict adds a new unit formed from a whole old district that
	// had no commune-level units (the island districts that became special
	// zones, "đặc khu"): the data set maps old wards, so it cannot hold them.
	addWholeDistrict correctionKind = iota + 1
	// keepWard takes an old ward out of the unit the data set put it in and
	// makes it a new unit of its own (a commune the resolution left unchanged).
	keepWard
)

// correction is one fact from a second public source that the data set
// lacks or gets wrong. IDs made here start with "c" so they never collide
// with the data set's numeric IDs.
type correction struct {
	kind         correctionKind
	why          string // the source, in a few words
	unitID       string
	unitName     string
	oldProvince  string // addWholeDistrict: the data set's old province ID
	districtID   string // addWholeDistrict
	districtName string // addWholeDistrict
	oldWardID    string // keepWard
	oldWardName  string // keepWard, checked against the data set
}

// The 13 special zones after 1 July 2025 (Bộ Nội vụ: 3,321 units = 2,621
// communes, 687 wards, 13 special zones); the data set has 8 of them. The
// five below were whole island districts without communes. Suối Tọ (Sơn La)
// is one of the 7 communes the UBTVQH resolution on Sơn La left unchanged
// (75 units: 67 communes, 8 wards); the data set merged it into Xã Phù Yên.
var corrections = []correction{
	{kind: addWholeDistrict, why: "13 special zones: Côn Đảo (TP. Hồ Chí Minh)", unitID: "c01", unitName: "Đặc khu Côn Đảo",
		oldProvince: "17", districtID: "cd01", districtName: "Huyện Côn Đảo"},
	{kind: addWholeDistrict, why: "13 special zones: Bạch Long Vĩ (TP. Hải Phòng)", unitID: "c02", unitName: "Đặc khu Bạch Long Vĩ",
		oldProvince: "13", districtID: "cd02", districtName: "Huyện Bạch Long Vĩ"},
	{kind: addWholeDistrict, why: "13 special zones: Hoàng Sa (TP. Đà Nẵng)", unitID: "c03", unitName: "Đặc khu Hoàng Sa",
		oldProvince: "14", districtID: "cd03", districtName: "Huyện Hoàng Sa"},
	{kind: addWholeDistrict, why: "13 special zones: Lý Sơn (Quảng Ngãi)", unitID: "c04", unitName: "Đặc khu Lý Sơn",
		oldProvince: "58", districtID: "cd04", districtName: "Huyện Lý Sơn"},
	{kind: addWholeDistrict, why: "13 special zones: Cồn Cỏ (Quảng Trị)", unitID: "c05", unitName: "Đặc khu Cồn Cỏ",
		oldProvince: "60", districtID: "cd05", districtName: "Huyện Cồn Cỏ"},
	{kind: keepWard, why: "Sơn La: 7 communes not rearranged, Suối Tọ among them", unitID: "c06", unitName: "Xã Suối Tọ",
		oldWardID: "788030", oldWardName: "Xã Suối Tọ"},
}

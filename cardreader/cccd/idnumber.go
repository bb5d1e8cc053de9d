package cccd

import "strings"

// IDNumber is a parsed 12-digit personal identification number
// (số định danh cá nhân): PPP G YY NNNNNN (Nghị định 137/2015 Art. 13).
type IDNumber struct {
	Digits    string // the 12 digits
	Region    string // PPP: province code (001-096) or country code (101-295) for births abroad
	Sex       Sex    // from the parity of G
	BirthYear int    // from G (century) and YY
}

// ParseID checks the shape of a 12-digit ID and decodes its parts. It does not
// compare with a holder; use CheckID for that.
func ParseID(s string) (IDNumber, error) {
	if len(s) != 12 {
		return IDNumber{}, &IDError{IDWrongLength}
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return IDNumber{}, &IDError{IDNotDigits}
		}
	}
	region := s[:3]
	if !KnownRegion(region) {
		return IDNumber{}, &IDError{IDUnknownRegion}
	}
	g := int(s[3] - '0')
	yy := int(s[4]-'0')*10 + int(s[5]-'0')
	sex := Male
	if g%2 == 1 {
		sex = Female
	}
	return IDNumber{Digits: s, Region: region, Sex: sex, BirthYear: (g/2+19)*100 + yy}, nil
}

// CheckID parses id and checks it against the holder's sex and date of birth
// (either may be unknown and is then not checked).
func CheckID(id string, sex Sex, dob Date) (IDNumber, error) {
	n, err := ParseID(id)
	if err != nil {
		return n, err
	}
	if sex != SexUnknown && sex != n.Sex {
		return n, &IDError{IDSexMismatch}
	}
	if !dob.IsZero() && dob.Year != n.BirthYear {
		return n, &IDError{IDYearMismatch}
	}
	return n, nil
}

// DocumentNumber is what the MRZ and BAC use: the last 9 digits of the ID.
func DocumentNumber(id string) string {
	if len(id) < 9 {
		return id
	}
	return id[len(id)-9:]
}

// CAN is the PACE card access number of a CCCD: the last 6 digits of the ID.
func CAN(id string) string {
	if len(id) < 6 {
		return id
	}
	return id[len(id)-6:]
}

// MaskID hides all but the last 4 digits, for lists and logs that must not
// show who a dossier belongs to.
func MaskID(id string) string {
	if len(id) <= 4 {
		return strings.Repeat("•", len(id))
	}
	return strings.Repeat("•", len(id)-4) + id[len(id)-4:]
}

// KnownRegion reports whether code is a province code (Thông tư 07/2016/TT-BCA
// appendix, the 63 pre-2025 provinces; numbers issued before the 2025 mergers
// keep their codes) or a country code for births abroad (101-295).
func KnownRegion(code string) bool {
	if _, ok := Provinces[code]; ok {
		return true
	}
	if len(code) != 3 {
		return false
	}
	n := int(code[0]-'0')*100 + int(code[1]-'0')*10 + int(code[2]-'0')
	return n >= 101 && n <= 295
}

// Provinces maps the 3-digit province code of an ID number to its name.
var Provinces = map[string]string{
	"001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
	"010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
	"017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang",
	"025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
	"033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định", "037": "Ninh Bình",
	"038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình", "045": "Quảng Trị",
	"046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định",
	"054": "Phú Yên", "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
	"064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng", "070": "Bình Phước",
	"072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai", "077": "Bà Rịa - Vũng Tàu", "079": "Hồ Chí Minh",
	"080": "Long An", "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long",
	"087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
	"094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}

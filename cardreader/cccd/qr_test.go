package cccd

import (
	"errors"
	"golang.org/x/text/encoding/traditionalchinese"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// A fictional holder (docs/reference/cccd-tech.md §3.1 example).
const qrKhoa = "079203001234||Phạm Minh Khoa|15082003|Nam|Số 1 Đường Ví Dụ, Phường Mẫu, Quận Giả Định, TP Hồ Chí Minh|01062021"

var khoa = QRData{
	ID:          "079203001234",
	FullName:    "Phạm Minh Khoa",
	DateOfBirth: Date{2003, 8, 15},
	Sex:         Male,
	Address:     "Số 1 Đường Ví Dụ, Phường Mẫu, Quận Giả Định, TP Hồ Chí Minh",
	IssueDate:   Date{2021, 6, 1},
}

func withQR(f func(*QRData)) QRData {
	q := khoa
	f(&q)
	return q
}

func TestParseQR(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want QRData
	}{
		{"canonical", qrKhoa, khoa},
		{"old ID present", strings.Replace(qrKhoa, "||", "|025123456|", 1), withQR(func(q *QRData) { q.OldID = "025123456" })},
		{"NFD text becomes NFC", norm.NFD.String(qrKhoa), khoa},
		{"CR LF and spaces", "  " + strings.ReplaceAll(qrKhoa, "|", " |\t") + "\r\n", khoa},
		{"slashed dates", strings.NewReplacer("15082003", "15/08/2003", "01062021", "01/06/2021").Replace(qrKhoa), khoa},
		{"extra trailing fields kept", qrKhoa + "|15082028|x", withQR(func(q *QRData) { q.Extra = []string{"15082028", "x"} })},
		{"trailing separator", qrKhoa + "|", khoa},
		{"scanner AIM prefix", "]Q1" + qrKhoa, khoa},
		{"wedge labels", "CCCD:" + strings.Replace(qrKhoa, "||", "|CMND: 025123456|", 1), withQR(func(q *QRData) { q.OldID = "025123456" })},
		{"scanner framing bytes", "\x02" + qrKhoa + "\x03\r", khoa},
		{"female, lower case", "001305000007||Lý Thị Mai|00002005|nữ|Hà Nội|10102022", QRData{ID: "001305000007", FullName: "Lý Thị Mai", DateOfBirth: Date{Year: 2005}, Sex: Female, Address: "Hà Nội", IssueDate: Date{2022, 10, 10}}},
		{"year-only birth", "001305000007||Lý Thị Mai|2005|Nữ|Hà Nội|10102022", QRData{ID: "001305000007", FullName: "Lý Thị Mai", DateOfBirth: Date{Year: 2005}, Sex: Female, Address: "Hà Nội", IssueDate: Date{2022, 10, 10}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseQR(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if !equalQR(got, tc.want) {
				t.Fatalf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func equalQR(a, b QRData) bool {
	return a.ID == b.ID && a.OldID == b.OldID && a.FullName == b.FullName && a.DateOfBirth == b.DateOfBirth &&
		a.Sex == b.Sex && a.Address == b.Address && a.IssueDate == b.IssueDate && slices.Equal(a.Extra, b.Extra)
}

func TestParseQRRejects(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      string
		problem QRProblem
		wrapped error
	}{
		{"empty", " \r\n", QREmpty, nil},
		{"six fields", "079203001234|Phạm Minh Khoa|15082003|Nam|Số 1|01062021", QRFieldCount, nil},
		{"plain URL", "https://example.vn/?id=1", QRFieldCount, nil},
		{"short ID", strings.Replace(qrKhoa, "079203001234", "79203001234", 1), QRBadID, &IDError{IDWrongLength}},
		{"letters in ID", strings.Replace(qrKhoa, "079203001234", "07920300123A", 1), QRBadID, &IDError{IDNotDigits}},
		{"unknown province", strings.Replace(qrKhoa, "079203001234", "099203001234", 1), QRBadID, &IDError{IDUnknownRegion}},
		{"old ID of 8 digits", strings.Replace(qrKhoa, "||", "|12345678|", 1), QRBadOldID, nil},
		{"missing name", strings.Replace(qrKhoa, "Phạm Minh Khoa", " ", 1), QRBadName, nil},
		{"31 February", strings.Replace(qrKhoa, "15082003", "31022003", 1), QRBadBirth, ErrBadDate},
		{"ISO date", strings.Replace(qrKhoa, "15082003", "2003-08-15", 1), QRBadBirth, ErrBadDate},
		{"sex X", strings.Replace(qrKhoa, "|Nam|", "|X|", 1), QRBadSex, nil},
		{"issue before birth", strings.Replace(qrKhoa, "01062021", "01062001", 1), QRBadIssue, ErrBadDate},
		{"issue year only", strings.Replace(qrKhoa, "01062021", "2021", 1), QRBadIssue, ErrBadDate},
		{"issue garbage", strings.Replace(qrKhoa, "01062021", "0106202X", 1), QRBadIssue, ErrBadDate},
		{"not UTF-8", "079203001234||Ph\xe1m|15082003|Nam|x|01062021", QRNotText, nil},
		{"Big5 garbage beyond repair", strings.Replace(qrKhoa, "Phạm Minh Khoa", "Ph弱m Minh Khoa\uFFFD", 1), QRGarbled, nil},
		{"Latin mojibake beyond repair", strings.Replace(qrKhoa, "Phạm Minh Khoa", "PhÃ¡m Minh ộ", 1), QRGarbled, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseQR(tc.in)
			if !errors.Is(err, &QRError{Problem: tc.problem}) || !errors.Is(err, ErrQR) {
				t.Fatalf("err = %v, want problem %d", err, tc.problem)
			}
			if tc.wrapped != nil && !errors.Is(err, tc.wrapped) {
				t.Fatalf("err = %v, want it to wrap %v", err, tc.wrapped)
			}
			// Personal data never reaches the error text.
			for _, v := range []string{"079203001234", "Phạm", "Khoa", "15082003", "Số 1"} {
				if strings.Contains(err.Error(), v) {
					t.Fatalf("error text %q leaks %q", err, v)
				}
			}
		})
	}
}

func TestQRStringRoundTrip(t *testing.T) {
	if got := khoa.String(); got != qrKhoa {
		t.Fatalf("String() = %q, want %q", got, qrKhoa)
	}
	yo := QRData{ID: "001305000007", FullName: "Lý Thị Mai", DateOfBirth: Date{Year: 2005}, Sex: Female, Address: "Hà Nội", IssueDate: Date{2022, 10, 10}, Extra: []string{"a", ""}}
	for _, q := range []QRData{khoa, yo} {
		back, err := ParseQR(q.String())
		if err != nil || !equalQR(back, q) {
			t.Fatalf("round trip of %q: %+v, %v", q.String(), back, err)
		}
	}
	if back := QRFromCitizen(khoa.Citizen()); !equalQR(back, khoa) {
		t.Fatalf("QRFromCitizen(Citizen()) = %+v", back)
	}
	c := khoa.Citizen()
	if c.ID != khoa.ID || c.FullName != khoa.FullName || c.PlaceOfResidence != khoa.Address || c.IssueDate != khoa.IssueDate {
		t.Fatalf("Citizen() = %+v", c)
	}
}

func FuzzParseQR(f *testing.F) {
	f.Add(qrKhoa)
	f.Add(norm.NFD.String(qrKhoa))
	f.Add("]Q1CCCD:" + qrKhoa + "|x|\r\n")
	f.Add("001305000007|025123456|Lý Thị Mai|2005|Nữ|Hà Nội|10/10/2022")
	f.Add("|||||||")
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQR(s)
		if err != nil {
			var qe *QRError
			if !errors.As(err, &qe) {
				t.Fatalf("error %v is not a *QRError", err)
			}
			return
		}
		// Anything accepted formats to a payload that parses to the same.
		back, err := ParseQR(q.String())
		if err != nil {
			t.Fatalf("re-parse of accepted payload failed: %v", err)
		}
		if !equalQR(back, q) {
			t.Fatalf("round trip changed the data")
		}
	})
}

// What real scanners and 2024 cards send (issue 12 item 5).
func TestParseQRFromRealScanners(t *testing.T) {
	const qr2024 = "001301007733||Trần Thị Bình|05112001|Nữ|Số 45 Ngõ 102 Phố Trường Chinh, Hà Nội|15082024|Trần Văn Cường|Phạm Thị Duyên|x"
	asLatin1 := func(s string) string { return Latin1Shapes([]byte(s)) } // UTF-8 bytes read as Windows-1252
	for _, tc := range []struct {
		name     string
		in       string
		repaired Repair
		check    func(QRData) bool
	}{
		{"Windows-1252 mojibake", asLatin1(qrKhoa), RepairLatin1, func(q QRData) bool { return equalQR(q, khoa) }},
		{"mojibake of Huỳnh", asLatin1(strings.Replace(qrKhoa, "Phạm", "Huỳnh", 1)), RepairLatin1, func(q QRData) bool { return strings.HasPrefix(q.FullName, "Huỳnh ") }},
		{"labels before every field", "CCCD: 079203001234|CMND: |Họ tên: Phạm Minh Khoa|Ngày sinh: 15082003|Giới tính: Nam|Nơi thường trú: Số 1 Đường Ví Dụ, Phường Mẫu|Ngày cấp: 01062021", RepairNone, func(q QRData) bool {
			return q.FullName == "Phạm Minh Khoa" && strings.HasPrefix(q.Address, "Số 1")
		}},
		{"an address with a colon keeps it", strings.Replace(qrKhoa, "Số 1 Đường Ví Dụ", "Tổ 3: Khu phố 2", 1), RepairNone, func(q QRData) bool { return strings.HasPrefix(q.Address, "Tổ 3: Khu phố 2,") }},
		{"2024 card with parents", qr2024, RepairNone, func(q QRData) bool {
			c := q.Citizen()
			return q.Fields() == 10 && q.Father == "Trần Văn Cường" && q.Mother == "Phạm Thị Duyên" && c.Father == q.Father &&
				q.Generation() == CanCuoc2024 && len(q.Extra) == 3 && q.String() == qr2024
		}},
		{"2021 card generation", qrKhoa, RepairNone, func(q QRData) bool { return q.Generation() == CCCD2021 && q.Father == "" }},
		{"ID sex digit disagrees: a warning", strings.Replace(qrKhoa, "|Nam|", "|Nữ|", 1), RepairNone, func(q QRData) bool {
			return slices.Equal(q.Warnings, []IDProblem{IDSexMismatch}) && q.Sex == Female
		}},
		{"ID year digits disagree: a warning", strings.Replace(qrKhoa, "15082003", "15082004", 1), RepairNone, func(q QRData) bool {
			return slices.Equal(q.Warnings, []IDProblem{IDYearMismatch}) && q.DateOfBirth.Year == 2004
		}},
		{"month-year birth", strings.Replace(qrKhoa, "15082003", "00082003", 1), RepairNone, func(q QRData) bool { return q.DateOfBirth == Date{Year: 2003, Month: 8} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := ParseQR(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if q.Repaired != tc.repaired {
				t.Errorf("repaired %q, want %q", q.Repaired, tc.repaired)
			}
			if !tc.check(q) {
				t.Errorf("parsed %+v", q)
			}
		})
	}
}

// UTF-8 read as Big5 is repaired when the Big5 reading was lossless, and
// refused (never prefilled garbled) when it was not.
func TestParseQRBig5(t *testing.T) {
	asBig5 := func(s string) string {
		r, _ := traditionalchinese.Big5.NewDecoder().String(s)
		return r
	}
	repaired, refused := 0, 0
	for _, name := range []string{"Bùi Thị A", "Lê Văn Tám", "Ngô Bảo Châu", "Đặng Thị Hoa", "Võ Minh Khang", "Trần An", "Hồ Xuân Hương"} {
		payload := "079203001234||" + name + "|15082003|Nam|So 1 Duong Vi Du|01062021"
		garbled := asBig5(payload)
		back, _ := traditionalchinese.Big5.NewEncoder().String(garbled)
		q, err := ParseQR(garbled)
		switch {
		case back == payload:
			repaired++
			if err != nil || q.FullName != name || q.Repaired != RepairBig5 {
				t.Errorf("%s: %+v, %v; want repaired", name, q, err)
			}
		default:
			refused++
			if !errors.Is(err, &QRError{Problem: QRGarbled}) {
				t.Errorf("%s: lossy Big5 reading gave %q, %v; want QRGarbled", name, q.FullName, err)
			}
		}
	}
	if repaired == 0 || refused == 0 {
		t.Fatalf("%d repaired, %d refused: the test must cover both", repaired, refused)
	}
}

// Genuine Vietnamese text is never "repaired".
func TestRepairMojibakeLeavesVietnamese(t *testing.T) {
	for _, s := range []string{qrKhoa, "Hà Nội", "Bà Rịa - Vũng Tàu", "Đắk Lắk", "Ông Ích Khiêm", "NGÃ", "Lê Thị À", "ASCII only"} {
		if out, how, ok := RepairMojibake(s); out != s || how != RepairNone || !ok {
			t.Errorf("RepairMojibake(%q) = %q, %q, %v", s, out, how, ok)
		}
	}
}

// The cost of the mojibake check on clean text, and of a repair, side by
// side with a clean parse.
func BenchmarkParseQR(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"clean", qrKhoa},
		{"windows-1252 repaired", Latin1Shapes([]byte(qrKhoa))},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseQR(bc.in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package cccd

import (
	"errors"
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
		{"ID sex digit disagrees", strings.Replace(qrKhoa, "|Nam|", "|Nữ|", 1), QRBadID, &IDError{IDSexMismatch}},
		{"ID year disagrees", strings.Replace(qrKhoa, "15082003", "15082004", 1), QRBadID, &IDError{IDYearMismatch}},
		{"old ID of 8 digits", strings.Replace(qrKhoa, "||", "|12345678|", 1), QRBadOldID, nil},
		{"missing name", strings.Replace(qrKhoa, "Phạm Minh Khoa", " ", 1), QRBadName, nil},
		{"31 February", strings.Replace(qrKhoa, "15082003", "31022003", 1), QRBadBirth, ErrBadDate},
		{"ISO date", strings.Replace(qrKhoa, "15082003", "2003-08-15", 1), QRBadBirth, ErrBadDate},
		{"sex X", strings.Replace(qrKhoa, "|Nam|", "|X|", 1), QRBadSex, nil},
		{"issue before birth", strings.Replace(qrKhoa, "01062021", "01062001", 1), QRBadIssue, ErrBadDate},
		{"issue year only", strings.Replace(qrKhoa, "01062021", "2021", 1), QRBadIssue, ErrBadDate},
		{"issue garbage", strings.Replace(qrKhoa, "01062021", "0106202X", 1), QRBadIssue, ErrBadDate},
		{"not UTF-8", "079203001234||Ph\xe1m|15082003|Nam|x|01062021", QRNotText, nil},
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

package form

import (
	"errors"
	"strings"
	"testing"

	"motcua/cardreader/cccd"
	"motcua/kiosk/catalog"
)

func TestCheckIDNumber(t *testing.T) {
	cases := []struct {
		id   string
		sex  cccd.Sex
		dob  cccd.Date
		want Code
	}{
		{"001090012345", cccd.Male, cccd.Date{Year: 1990, Month: 3, Day: 15}, ""},
		{"001192034567", cccd.Female, cccd.Date{Year: 1992}, ""},
		{"079205001122", cccd.Male, cccd.Date{Year: 2005, Month: 1, Day: 31}, ""},
		{"001090012345", cccd.SexUnknown, cccd.Date{}, ""},
		{"00109001234", cccd.Male, cccd.Date{}, CodeIDLength},
		{"0010900123456", cccd.Male, cccd.Date{}, CodeIDLength},
		{"00109001234a", cccd.Male, cccd.Date{}, CodeIDDigits},
		{"003090012345", cccd.Male, cccd.Date{}, CodeIDRegion}, // 003 is no province
		{"999090012345", cccd.Male, cccd.Date{}, CodeIDRegion},
		{"001090012345", cccd.Female, cccd.Date{}, CodeIDSex},
		{"001090012345", cccd.Male, cccd.Date{Year: 1991, Month: 3, Day: 15}, CodeIDYear},
		{"001290012345", cccd.Male, cccd.Date{Year: 1990}, CodeIDYear}, // century digit says 2090
	}
	for _, tc := range cases {
		err := CheckIDNumber(tc.id, tc.sex, tc.dob)
		if tc.want == "" {
			if err != nil {
				t.Errorf("CheckIDNumber(%s) = %v", tc.id, err)
			}
			continue
		}
		if !errors.Is(err, &Invalid{Code: tc.want}) {
			t.Errorf("CheckIDNumber(%s) = %v, want %s", tc.id, err, tc.want)
		}
		if strings.Contains(err.Error(), tc.id) {
			t.Errorf("error quotes the ID")
		}
	}
}

func TestNormalizePhone(t *testing.T) {
	cases := []struct {
		in, want string
		code     Code
	}{
		{"0912345678", "0912345678", ""},
		{"091 234 5678", "0912345678", ""},
		{"0912.345.678", "0912345678", ""},
		{"+84912345678", "0912345678", ""},
		{"+84 912-345-678", "0912345678", ""},
		{"84912345678", "0912345678", ""},
		{"0321234567", "0321234567", ""},
		{"02438123456", "02438123456", ""}, // Hà Nội landline
		{"02838123456", "02838123456", ""}, // TP HCM landline
		{"02363123456", "02363123456", ""}, // Đà Nẵng landline
		{"(024) 3812 3456", "02438123456", ""},
		{"0112345678", "", CodePhonePrefix},  // no such mobile prefix
		{"0951234567", "", CodePhonePrefix},  // S-Fone, closed
		{"02171234567", "", CodePhonePrefix}, // 0217 is no area code
		{"091234567", "", CodePhone},
		{"091234567890", "", CodePhone},
		{"+1 212 555 0100", "", CodePhone},
		{"09123x5678", "", CodePhone},
		{"912345678", "", CodePhone},
		{"", "", CodePhone},
	}
	for _, tc := range cases {
		got, err := NormalizePhone(tc.in)
		if tc.code == "" {
			if err != nil || got != tc.want {
				t.Errorf("NormalizePhone(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
			continue
		}
		if !errors.Is(err, &Invalid{Code: tc.code}) {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %s", tc.in, got, err, tc.code)
		}
	}
}

func TestCheckEmail(t *testing.T) {
	good := []string{"an.nguyen@example.vn", "a+b@mail.example.com", "x_y@sub.domain.gov.vn"}
	bad := []string{"", "an", "an@", "@example.vn", "an@example", "An <an@example.vn>", "an@@example.vn", "an@.example.vn",
		"an@example..vn", "an @example.vn", "an@example.vn.", "an@[127.0.0.1]", strings.Repeat("a", 250) + "@e.vn"}
	for _, s := range good {
		if err := CheckEmail(s); err != nil {
			t.Errorf("CheckEmail(%q) = %v", s, err)
		}
	}
	for _, s := range bad {
		if err := CheckEmail(s); !errors.Is(err, &Invalid{Code: CodeEmail}) {
			t.Errorf("CheckEmail(%q) = %v", s, err)
		}
	}
}

func TestParseDate(t *testing.T) {
	cases := []struct {
		in       string
		yearOnly bool
		want     string
		code     Code
	}{
		{"15/03/1990", false, "1990-03-15", ""},
		{"15-03-1990", false, "1990-03-15", ""},
		{"15031990", false, "1990-03-15", ""},
		{"1990-03-15", false, "1990-03-15", ""},
		{"5/3/1990", false, "1990-03-05", ""},
		{"1950", true, "1950", ""},
		{"00/00/1950", true, "1950", ""},
		{"1950", false, "", CodeDateYearOnly},
		{"29/02/2023", false, "", CodeDateImpossible},
		{"31/04/2020", false, "", CodeDateImpossible},
		{"1/13/2020", false, "", CodeDateImpossible},
		{"31-02-2020", false, "", CodeDateImpossible},
		{"3l/02/2020", false, "", CodeDate},
		{"2020-13-01", false, "", CodeDate},
		{"hôm qua", false, "", CodeDate},
		{"", true, "", CodeDate},
	}
	for _, tc := range cases {
		d, err := ParseDate(tc.in, tc.yearOnly)
		if tc.code == "" {
			if err != nil || d.ISO() != tc.want {
				t.Errorf("ParseDate(%q) = %v, %v; want %s", tc.in, d, err, tc.want)
			}
			continue
		}
		if !errors.Is(err, &Invalid{Code: tc.code}) {
			t.Errorf("ParseDate(%q) = %v, %v; want %s", tc.in, d, err, tc.code)
		}
	}
}

func TestCheckDateBounds(t *testing.T) {
	today := cccd.Date{Year: 2026, Month: 11, Day: 20}
	cases := []struct {
		d                cccd.Date
		notAfter, notBef bool
		want             Code
	}{
		{cccd.Date{Year: 2026, Month: 11, Day: 20}, true, false, ""},
		{cccd.Date{Year: 2026, Month: 11, Day: 21}, true, false, CodeDateFuture},
		{cccd.Date{Year: 2026}, true, false, ""}, // this year, year-only: not known to be future
		{cccd.Date{Year: 2027}, true, false, CodeDateFuture},
		{cccd.Date{Year: 2026, Month: 11, Day: 19}, false, true, CodeDatePast},
		{cccd.Date{Year: 2026, Month: 11, Day: 20}, false, true, ""},
		{cccd.Date{Year: 2030, Month: 1, Day: 1}, false, false, ""},
	}
	for _, tc := range cases {
		err := CheckDateBounds(tc.d, today, tc.notAfter, tc.notBef)
		if (tc.want == "") != (err == nil) || tc.want != "" && !errors.Is(err, &Invalid{Code: tc.want}) {
			t.Errorf("CheckDateBounds(%v) = %v, want %q", tc.d, err, tc.want)
		}
	}
}

func TestEveryCodeHasBothLanguages(t *testing.T) {
	for code, m := range messages {
		if m.VI == "" || m.EN == "" || m.VI == m.EN {
			t.Errorf("%s: %+v", code, m)
		}
	}
}

// FuzzValidators feeds arbitrary text to every validator: none may panic,
// accepted values must be stable under re-validation, and every error is the
// fixed text of its code, so none can quote its input.
func FuzzValidators(f *testing.F) {
	for _, s := range []string{"001090012345", "+84912345678", "02438123456", "an@example.vn", "15/03/1990", "1950", "00/00/1950", "5/3/1990", "", "+", "84", "@.", "9/9/9999"} {
		f.Add(s)
	}
	today := cccd.Date{Year: 2026, Month: 11, Day: 20}
	f.Fuzz(func(t *testing.T, s string) {
		// Error text is fixed per code (plus a numeric limit), so it cannot
		// carry the input.
		quoted := func(err error) {
			if err == nil {
				return
			}
			var iv *Invalid
			if !errors.As(err, &iv) || iv.Message != messages[iv.Code] || !strings.HasPrefix(err.Error(), "form: "+iv.Message.EN) {
				t.Fatalf("error %q is not the fixed text of its code", err)
			}
		}
		err := CheckIDNumber(s, cccd.SexUnknown, cccd.Date{})
		quoted(err)
		if err == nil {
			if _, perr := cccd.ParseID(s); perr != nil {
				t.Fatalf("accepted an ID cccd.ParseID refuses")
			}
		}
		if n, err := NormalizePhone(s); err == nil {
			if n2, err := NormalizePhone(n); err != nil || n2 != n {
				t.Fatalf("normalised phone %q does not re-validate: %q %v", n, n2, err)
			}
		} else {
			quoted(err)
		}
		quoted(CheckEmail(s))
		for _, yo := range []bool{false, true} {
			d, err := ParseDate(s, yo)
			if err != nil {
				quoted(err)
				continue
			}
			if d.YearOnly() && !yo {
				t.Fatal("year-only date accepted where not allowed")
			}
			if d2, err := ParseDate(d.ISO(), yo); err != nil || d2 != d {
				t.Fatalf("date %v does not round-trip: %v %v", d, d2, err)
			}
			_ = CheckDateBounds(d, today, true, false)
		}
		quoted(checkNumber(s, nil, nil))
		quoted(checkText(s, 10))
	})
}

// FuzzFormSet types arbitrary text into arbitrary paths of a form with a
// card read: nothing may panic, locked values must stay, and problems must
// be the fixed text of their codes.
func FuzzFormSet(f *testing.F) {
	c, err := catalog.Embedded(Types)
	if err != nil {
		f.Fatal(err)
	}
	p, _ := c.Lookup("thuong-tru")
	for _, s := range [][2]string{{"subject.phone", "+84 912 345 678"}, {"members[0].idNumber", "001090012345"}, {"subject.fullName", "x"},
		{"members[9].sex", "Nữ"}, {"residenceBasis", "rented"}, {"subject[0]", ""}, {"householder.dateOfBirth", "00/00/1950"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, path, value string) {
		fm, _ := New(p, opts)
		fm.PlaceCard(chip(an))
		fm.AddRow("members")
		err := fm.Set(path, value)
		if path == "subject.fullName" && !errors.Is(err, ErrLocked) {
			t.Fatalf("locked name accepted a value: %v", err)
		}
		if v, _ := fm.Get("subject.fullName"); v.Value != an.name {
			t.Fatal("chip value changed")
		}
		for _, pr := range fm.Validate() {
			if pr.Message != messages[pr.Code] {
				t.Fatalf("problem %+v is not its code's fixed text", pr)
			}
		}
		fm.Metrics()
		fm.Missing()
	})
}

// A partial date (year only, month and year) is in the future only when
// its first possible day is, and in the past only when its last one is.
func TestCheckDateBoundsPartial(t *testing.T) {
	today := cccd.Date{Year: 2026, Month: 12, Day: 2}
	for _, tt := range []struct {
		d              cccd.Date
		future, past   bool
		wantFut, wantP bool
	}{
		{cccd.Date{Year: 2026, Month: 12}, true, false, false, false},
		{cccd.Date{Year: 2027, Month: 1}, true, false, true, false},
		{cccd.Date{Year: 2026}, true, false, false, false},
		{cccd.Date{Year: 2026, Month: 12}, false, true, false, false},
		{cccd.Date{Year: 2026, Month: 11}, false, true, false, true},
		{cccd.Date{Year: 2025}, false, true, false, true},
	} {
		err := CheckDateBounds(tt.d, today, tt.future, tt.past)
		gotFut := err != nil && err.(*Invalid).Code == CodeDateFuture
		gotPast := err != nil && err.(*Invalid).Code == CodeDatePast
		if gotFut != tt.wantFut || gotPast != tt.wantP {
			t.Errorf("%v (future %v, past %v): err %v", tt.d, tt.future, tt.past, err)
		}
	}
}

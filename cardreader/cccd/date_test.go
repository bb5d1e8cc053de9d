package cccd

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestParseDMY(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr bool
	}{
		{"15/08/2003", Date{2003, 8, 15}, false},
		{"15082003", Date{2003, 8, 15}, false},
		{" 01-06-2021 ", Date{2021, 6, 1}, false},
		{"1950", Date{Year: 1950}, false},
		{"00/00/1950", Date{Year: 1950}, false},
		{"29/02/2024", Date{2024, 2, 29}, false},
		{"29/02/2023", Date{}, true},
		{"31/04/2020", Date{}, true},
		{"15/13/2003", Date{}, true},
		{"00/08/2003", Date{Year: 2003, Month: 8}, false},
		{"08/2003", Date{Year: 2003, Month: 8}, false},
		{"/08/2003", Date{Year: 2003, Month: 8}, false},
		{"/2003", Date{Year: 2003}, false},
		{"//2003", Date{Year: 2003}, false},
		{"082003", Date{Year: 2003, Month: 8}, false},
		{"00082003", Date{Year: 2003, Month: 8}, false},
		{"00002003", Date{Year: 2003}, false},
		{"15/00/2003", Date{}, true}, // a day without a month
		{"15//2003", Date{}, true},
		{"13/2003", Date{}, true},
		{"1/2/3/2003", Date{}, true},
		{"08/03", Date{}, true},
		{"+5/08/2003", Date{}, true},
		{"15.08.2003", Date{2003, 8, 15}, false},
		{"", Date{}, true},
		{"0000", Date{}, true},
	}
	for _, tt := range tests {
		got, err := ParseDMY(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseDMY(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if err != nil && !errors.Is(err, ErrBadDate) {
			t.Errorf("ParseDMY(%q) error %v is not ErrBadDate", tt.in, err)
		}
		if got != tt.want {
			t.Errorf("ParseDMY(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestDateFormsAndJSON(t *testing.T) {
	for _, tt := range []struct {
		d         Date
		iso, disp string
	}{
		{Date{2003, 8, 15}, "2003-08-15", "15/08/2003"},
		{Date{Year: 1950}, "1950", "1950"},
		{Date{Year: 1950, Month: 3}, "1950-03", "03/1950"},
		{Date{}, "", ""},
	} {
		if got := tt.d.ISO(); got != tt.iso {
			t.Errorf("%+v.ISO() = %q, want %q", tt.d, got, tt.iso)
		}
		if got := tt.d.String(); got != tt.disp {
			t.Errorf("%+v.String() = %q, want %q", tt.d, got, tt.disp)
		}
		b, err := json.Marshal(struct{ D Date }{tt.d})
		if err != nil {
			t.Fatal(err)
		}
		var back struct{ D Date }
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("unmarshal %s: %v", b, err)
		}
		if back.D != tt.d {
			t.Errorf("JSON round trip of %+v gave %+v (%s)", tt.d, back.D, b)
		}
	}
}

func TestAgeAndAddYears(t *testing.T) {
	leap := Date{2004, 2, 29}
	if got := leap.AddYears(21); got != (Date{2025, 2, 28}) {
		t.Errorf("29 Feb + 21y = %+v", got)
	}
	if got := leap.AddYears(24); got != (Date{2028, 2, 29}) {
		t.Errorf("29 Feb + 24y = %+v", got)
	}
	dob := Date{2003, 8, 15}
	if a := dob.AgeOn(Date{2028, 8, 14}); a != 24 {
		t.Errorf("age the day before 25th birthday = %d", a)
	}
	if a := dob.AgeOn(Date{2028, 8, 15}); a != 25 {
		t.Errorf("age on 25th birthday = %d", a)
	}
	if !(Date{Year: 1950}).Before(Date{1950, 1, 2}) || (Date{1950, 1, 2}).Before(Date{Year: 1950}) {
		t.Error("year-only dates should compare as 1 January")
	}
}

func FuzzParseDMY(f *testing.F) {
	for _, s := range []string{"15/08/2003", "15082003", "1950", "00/00/1950", "29/02/2023", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDMY(s)
		if err != nil {
			return
		}
		if !d.valid() {
			t.Fatalf("ParseDMY(%q) accepted invalid %+v", s, d)
		}
		back, err := ParseISO(d.ISO())
		if err != nil || back != d {
			t.Fatalf("ISO round trip of %+v: %+v, %v", d, back, err)
		}
	})
}

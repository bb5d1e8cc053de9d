package cccd

import "testing"

func TestExpiry(t *testing.T) {
	dob := Date{2003, 8, 15}
	tests := []struct {
		name   string
		gen    Generation
		dob    Date
		issue  Date
		want   Date
		expiry bool
	}{
		{"issued at 18 runs to 25", CCCD2021, dob, Date{2021, 6, 1}, Date{2028, 8, 15}, true},
		{"issued 2y+1d before 25 runs to 25", CCCD2021, dob, Date{2026, 8, 14}, Date{2028, 8, 15}, true},
		{"issued exactly 2y before 25 runs to 40", CCCD2021, dob, Date{2026, 8, 15}, Date{2043, 8, 15}, true},
		{"issued at 24 runs to 40", CCCD2021, dob, Date{2027, 9, 1}, Date{2043, 8, 15}, true},
		{"issued at 45 runs to 60", CCCD2021, Date{1976, 3, 2}, Date{2021, 4, 1}, Date{2036, 3, 2}, true},
		{"issued at 59 never expires", CCCD2021, Date{1962, 1, 20}, Date{2021, 5, 5}, Date{}, false},
		{"2024 card for a child runs to 14", CanCuoc2024, Date{2018, 5, 5}, Date{2024, 7, 2}, Date{2032, 5, 5}, true},
		{"2021 card has no 14 milestone", CCCD2021, Date{2008, 5, 5}, Date{2022, 6, 1}, Date{2033, 5, 5}, true},
		{"year-only birth uses 31 December", CCCD2021, Date{Year: 1980}, Date{2021, 1, 1}, Date{2040, 12, 31}, true},
	}
	for _, tt := range tests {
		got, ok := Expiry(tt.gen, tt.dob, tt.issue)
		if ok != tt.expiry || got != tt.want {
			t.Errorf("%s: Expiry = %+v, %v; want %+v, %v", tt.name, got, ok, tt.want, tt.expiry)
		}
	}
}

func TestPlausibleExpiries(t *testing.T) {
	got, none := PlausibleExpiries(Date{2003, 8, 15}, Date{2021, 6, 1})
	if none {
		t.Error("a young holder's card should not be 'no expiry'")
	}
	if len(got) == 0 || got[0] != (Date{2028, 8, 15}) {
		t.Fatalf("first guess = %v, want 2028-08-15", got)
	}
	seen := map[Date]bool{}
	for _, d := range got {
		if seen[d] {
			t.Errorf("duplicate candidate %v", d)
		}
		seen[d] = true
	}
	_, none = PlausibleExpiries(Date{1950, 1, 1}, Date{2021, 1, 1})
	if !none {
		t.Error("a 71-year-old's card should allow 'no expiry'")
	}
}

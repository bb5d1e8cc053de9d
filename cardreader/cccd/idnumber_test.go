package cccd

import (
	"errors"
	"strings"
	"testing"
)

func TestParseID(t *testing.T) {
	tests := []struct {
		id      string
		sex     Sex
		year    int
		problem IDProblem
	}{
		{"079203001234", Male, 2003, 0},
		{"001185012345", Female, 1985, 0},
		{"038060000001", Male, 1960, 0},
		{"175301000123", Female, 2001, 0}, // born abroad (country code)
		{"07920300123", 0, 0, IDWrongLength},
		{"0792030012345", 0, 0, IDWrongLength},
		{"07920300123a", 0, 0, IDNotDigits},
		{"003203001234", 0, 0, IDUnknownRegion}, // 003 is no province
		{"099203001234", 0, 0, IDUnknownRegion},
		{"300203001234", 0, 0, IDUnknownRegion},
	}
	for _, tt := range tests {
		n, err := ParseID(tt.id)
		if tt.problem != 0 {
			if !errors.Is(err, &IDError{tt.problem}) || !errors.Is(err, ErrInvalidID) {
				t.Errorf("ParseID(%q) = %v, want problem %d", tt.id, err, tt.problem)
			}
			if err != nil && strings.Contains(err.Error(), tt.id) {
				t.Errorf("error %q leaks the ID", err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseID(%q): %v", tt.id, err)
			continue
		}
		if n.Sex != tt.sex || n.BirthYear != tt.year {
			t.Errorf("ParseID(%q) = sex %v year %d, want %v %d", tt.id, n.Sex, n.BirthYear, tt.sex, tt.year)
		}
	}
}

func TestCheckID(t *testing.T) {
	if _, err := CheckID("079203001234", Male, Date{2003, 8, 15}); err != nil {
		t.Errorf("consistent ID rejected: %v", err)
	}
	if _, err := CheckID("079203001234", Female, Date{}); !errors.Is(err, &IDError{IDSexMismatch}) {
		t.Errorf("sex mismatch: got %v", err)
	}
	if _, err := CheckID("079203001234", SexUnknown, Date{Year: 2004}); !errors.Is(err, &IDError{IDYearMismatch}) {
		t.Errorf("year mismatch: got %v", err)
	}
	if got := DocumentNumber("079203001234"); got != "203001234" {
		t.Errorf("DocumentNumber = %q", got)
	}
	if got := CAN("079203001234"); got != "001234" {
		t.Errorf("CAN = %q", got)
	}
	if got := MaskID("079203001234"); got != "••••••••1234" {
		t.Errorf("MaskID = %q", got)
	}
	if len(Provinces) != 63 {
		t.Errorf("province table has %d entries, want 63", len(Provinces))
	}
}

func FuzzParseID(f *testing.F) {
	f.Add("079203001234")
	f.Add("00118501234x")
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseID(s)
		if err != nil {
			if s != "" && len(s) > 3 && strings.Contains(err.Error(), s) {
				t.Fatalf("error leaks input: %v", err)
			}
			return
		}
		if n.Digits != s || n.BirthYear < 1900 || n.BirthYear > 2399 || n.Sex == SexUnknown {
			t.Fatalf("ParseID(%q) = %+v", s, n)
		}
	})
}

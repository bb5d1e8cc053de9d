package form

import (
	"errors"
	"testing"
)

func TestNormalizePlate(t *testing.T) {
	tests := []struct {
		in, want string
		code     Code // "" when valid
	}{
		{"30A-123.45", "30A-123.45", ""},          // car, five digits (since 2010)
		{"30a 12345", "30A-123.45", ""},           // as typed
		{" 51LD-123.45 ", "51LD-123.45", ""},      // two-letter series
		{"30A-1234", "30A-1234", ""},              // older four-digit car plate
		{"29-B1 123.45", "29B1-123.45", ""},       // motorbike, two-line plate read left to right
		{"29B112345", "29B1-123.45", ""},          // motorbike, no separators
		{"29-B1 1234", "29B1-1234", ""},           // older motorbike: the break says the 1 is the series'
		{"29B1-1234", "29B1-1234", ""},            //
		{"29MĐ1-123.45", "29MĐ1-123.45", ""},      // electric motorbike
		{"80A-012.34", "80A-012.34", ""},          // central agencies
		{"99K-999.99", "99K-999.99", ""},          // Bắc Ninh
		{"13A-123.45", "", CodePlateArea},         // 13 no longer used
		{"45A-123.45", "", CodePlateArea},         // never assigned
		{"10A-123.45", "", CodePlateArea},         //
		{"A30-123.45", "", CodePlateArea},         //
		{"30-123.45", "", CodePlate},              // no series
		{"30ABC-123.45", "", CodePlate},           // three letters
		{"30I-123.45", "", CodePlate},             // I is not a series letter
		{"30A-123", "", CodePlate},                // too short
		{"30A-1234567", "", CodePlate},            // too long
		{"30A-12A45", "", CodePlate},              //
		{"30A_123.45", "", CodePlate},             // stray character
		{"", "", CodePlateArea},                   //
		{"30A-123.45\x00", "", CodePlate},         //
		{"３０A-123.45", "", CodePlate},             // full-width digits are not plate digits
		{"29B1 123.45 6", "", CodePlate},          //
		{"29 - b1 - 123 . 45", "29B1-123.45", ""}, // spaces around separators
	}
	for _, tt := range tests {
		got, err := NormalizePlate(tt.in)
		if tt.code == "" {
			if err != nil || got != tt.want {
				t.Errorf("NormalizePlate(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			continue
		}
		var inv *Invalid
		if !errors.As(err, &inv) || inv.Code != tt.code {
			t.Errorf("NormalizePlate(%q) = %q, %v; want %s", tt.in, got, err, tt.code)
		}
	}
}

// TestPlateField runs the plate through a form: typed loosely, stored
// normalised, checked, and named in the problem without its value.
func TestPlateField(t *testing.T) {
	row := Types.Lookup("vehiclePlate")
	fd := sampleField("vehiclePlate")
	if v := row.Normalize(fd, "29-b1 123.45"); v != "29B1-123.45" {
		t.Errorf("normalised %q", v)
	}
	if v := row.Normalize(fd, "29 B1 12"); v != "29 B1 12" {
		t.Errorf("a bad plate should stay as typed, got %q", v)
	}
	if err := row.Check(fd, "29 B1 12", Context{}); err == nil {
		t.Error("a short plate passed")
	}
}

func FuzzNormalizePlate(f *testing.F) {
	for _, s := range []string{"30A-123.45", "29-B1 1234", "29MĐ1-123.45", "51LD12345", "", "-", "30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := NormalizePlate(s)
		if err != nil {
			var inv *Invalid
			if !errors.As(err, &inv) {
				t.Fatalf("error %v is not an *Invalid", err)
			}
			return
		}
		again, err := NormalizePlate(p)
		if err != nil || again != p {
			t.Fatalf("%q -> %q -> %q, %v", s, p, again, err)
		}
	})
}

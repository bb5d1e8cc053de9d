package address

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse feeds arbitrary text (an address read from a card or a QR code
// is outside bytes) to Convert: it must not panic, must keep the card text,
// and its result must be consistent with its status.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"Số 12, Ngõ 34, Phường Kim Mã, Quận Ba Đình, Thành phố Hà Nội",
		"Phường Bình Trị Đông B, Quận Bình Tân, TP. Hồ Chí Minh",
		"12 P.Kim Ma Q.Ba Dinh HN", "Tổ 5, P3, Q10, TP.HCM", "", ",,,", "P", "Phường",
		"Khu 3, Huyện Côn Đảo, Tỉnh Bà Rịa - Vũng Tàu", "\xff\xfe", "Hoa\u0300 Bi\u0300nh",
		"M'Đrắk, Đắk Lắk, Việt Nam", "Xã Tân Xã, Huyện Thạch Thất, Hà Nội",
	} {
		f.Add(s)
	}
	tb, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := tb.Convert(s)
		if r.Card != s {
			t.Fatalf("card text changed: %q → %q", s, r.Card)
		}
		switch r.Status {
		case Converted:
			if r.New == nil || !strings.Contains(r.Text, r.New.Name) || r.Rule == RuleNone {
				t.Fatalf("converted without a unit: %+v", r)
			}
		case Ambiguous:
			if len(r.Candidates) < 2 {
				t.Fatalf("ambiguous with %d candidates", len(r.Candidates))
			}
			if _, ok := r.Choose(r.Candidates[0].ID); !ok {
				t.Fatal("cannot choose a candidate")
			}
		case AlreadyNew, Unmatched:
			if r.Text != s {
				t.Fatalf("%s changed the text", r.Status)
			}
		default:
			t.Fatalf("status %q", r.Status)
		}
		if utf8.ValidString(s) && len(r.Parsed.Street) > len(s)+len(s)/2+8 {
			t.Fatalf("street longer than the text: %q", r.Parsed.Street)
		}
	})
}

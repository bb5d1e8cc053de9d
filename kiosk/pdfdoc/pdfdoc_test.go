package pdfdoc

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

func TestParsePaper(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Paper
		err  error
	}{{"", A4, nil}, {"a4", A4, nil}, {"A5", A5, nil}, {"roll80", Roll80, nil}, {"80mm", Roll80, nil}, {"letter", "", ErrPaper}} {
		got, err := ParsePaper(tc.in)
		if got != tc.want || !errors.Is(err, tc.err) {
			t.Errorf("ParsePaper(%q) = %q, %v", tc.in, got, err)
		}
	}
}

// A document carries its page size, Noto Sans covers Vietnamese (fpdf
// reports no error for any glyph), and text is written in NFC.
func TestNewDocument(t *testing.T) {
	for _, p := range []Paper{A4, A5, Roll80} {
		w, h := p.Size(200)
		d, err := New(w, h, 10, "Thử", time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		AddPage(d)
		MottoBlock(d, 12)
		Label(d, "Họ và tên:", norm.NFD.String("ĐẶNG THỊ HOÀ – Ỹ Ự Ặ"), 11, 5)
		Mark(d, 11, 5)
		b, err := Bytes(d)
		if err != nil {
			t.Fatal(err)
		}
		gw, gh, ok := PageSize(b)
		if !ok || math.Abs(gw-w) > 0.1 || math.Abs(gh-h) > 0.1 {
			t.Errorf("%s: PageSize = %.2f × %.2f, %v; want %.0f × %.0f", p, gw, gh, ok, w, h)
		}
		if !strings.HasPrefix(string(b), "%PDF-1.4") {
			t.Errorf("%s: header %q", p, b[:8])
		}
	}
	if _, _, ok := PageSize([]byte("%PDF-1.4 nothing")); ok {
		t.Error("PageSize of a PDF without a MediaBox")
	}
	if got := DateLine("Hà Nội", time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC), time.FixedZone("ICT", 7*3600)); got != "Hà Nội, ngày 02 tháng 12 năm 2026" {
		t.Errorf("DateLine = %q", got)
	}
}

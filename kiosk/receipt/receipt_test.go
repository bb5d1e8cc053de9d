package receipt

import (
	"bytes"
	"errors"
	"flag"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/makiuchi-d/gozxing"
	gqr "github.com/makiuchi-d/gozxing/qrcode"

	"motcua/cardreader/cccd"
	"motcua/internal/pdftest"
	"motcua/kiosk/pdfdoc"
)

func sample() Receipt {
	return Receipt{
		DossierID: "0190a0b0-0000-7000-8000-000000000001", Code: "000.00.00.H00-261122-0001",
		ProcedureCode: "1.004222", ProcedureName: "Đăng ký thường trú", Agency: "000.00.00.H00",
		ApplicantName: "Trần Thị Mẫu", ApplicantID: "001190000001",
		ReceivedAt: time.Date(2026, 11, 22, 2, 30, 0, 0, time.UTC), Due: cccd.Date{Year: 2026, Month: 12, Day: 1},
	}
}

func TestQRRoundTrip(t *testing.T) {
	tests := []Receipt{sample(), func() Receipt { r := sample(); r.Due = cccd.Date{}; r.Local = true; return r }()}
	for _, r := range tests {
		f, err := ParseQR(r.QRPayload())
		if err != nil {
			t.Fatal(err)
		}
		if f.Code != r.Code || f.ProcedureCode != r.ProcedureCode || f.ApplicantID != r.ApplicantID ||
			f.Document != DocumentName || f.System != System || !f.Issued.Equal(r.ReceivedAt) || f.Due != r.Due {
			t.Errorf("round trip: %+v from %+v", f, r)
		}
	}
	// Issue time is written in Vietnam time: 02:30 UTC is 09:30 ICT.
	if p := sample().QRPayload(); !regexp.MustCompile(`\|20261122093000\|20261201$`).MatchString(p) {
		t.Errorf("payload %q", p)
	}
}

func TestParseQRRejects(t *testing.T) {
	for _, s := range []string{"", "MC1|a", "XX1|a|b|c|d|e|20261122093000|", "MC1|a|b|c|d|e|2026|", "MC1|a|b|c|d|e|20261122093000|2026133"} {
		if _, err := ParseQR(s); !errors.Is(err, ErrBadQR) {
			t.Errorf("ParseQR(%q) = %v", s, err)
		}
	}
}

// The QR image decodes (with an independent decoder) to the payload.
func TestQRDecodes(t *testing.T) {
	r := sample()
	b, err := r.QRPNG(320)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.GetText() != r.QRPayload() {
		t.Errorf("decoded %q", res.GetText())
	}
}

// The slip is a text PDF on each paper: pdftotext finds the Mẫu 01 items
// and the citizen's name in NFC, and the page has the paper's size.
func TestPDF(t *testing.T) {
	r := sample()
	// The name arrives decomposed (NFD), as some sources give it: the PDF
	// must carry it precomposed.
	r.ApplicantName = norm.NFD.String("Trần Thị Mẫu")
	r.AgencyName = "Trung tâm Phục vụ hành chính công phường Mẫu"
	r.Receiver = "CB-01"
	r.ProcessingDays = 7
	r.Parts = []Part{{Name: "Tờ khai thay đổi thông tin cư trú (CT01)", Original: true, Count: 1},
		{Name: "Giấy tờ chứng minh chỗ ở hợp pháp", Count: 2}}
	tests := []struct {
		paper pdfdoc.Paper
		w, h  float64 // mm; h 0 = a roll, longer than wide
	}{
		{pdfdoc.A4, 210, 297}, {pdfdoc.A5, 148, 210}, {pdfdoc.Roll80, 80, 0},
	}
	for _, tc := range tests {
		t.Run(string(tc.paper), func(t *testing.T) {
			b, err := r.PDF(tc.paper)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(b, []byte("%PDF-1.4\n")) {
				t.Errorf("header %q", b[:min(len(b), 10)])
			}
			in := pdftest.Inspect(t, b)
			if in.Pages != 1 || math.Abs(in.WidthMM-tc.w) > 0.5 || (tc.h > 0 && math.Abs(in.HeightMM-tc.h) > 0.5) || (tc.h == 0 && in.HeightMM < 150) {
				t.Errorf("%d page(s) of %.1f × %.1f mm", in.Pages, in.WidthMM, in.HeightMM)
			}
			txt := norm.NFC.String(pdftest.Text(t, b))
			for _, want := range []string{"Trần Thị Mẫu", "GIẤY TIẾP NHẬN HỒ SƠ", "HẸN TRẢ KẾT QUẢ", r.Code, "001190000001",
				"Thành phần hồ sơ", "bản chính", "số lượng: 02", "7 ngày làm việc", "09 giờ 30 phút", "ngày 01 tháng 12 năm 2026",
				"Đăng ký nhận kết quả tại", "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "CB-01", "Độc lập - Tự do - Hạnh phúc"} {
				if !strings.Contains(strings.Join(strings.Fields(txt), " "), want) {
					t.Errorf("text lacks %q", want)
				}
			}
			// Extracted as typed: the raw extraction is already NFC.
			if raw := pdftest.Text(t, b); !strings.Contains(raw, "Trần Thị Mẫu") {
				t.Errorf("the name is not in NFC in the text layer")
			}
		})
	}
	if _, err := (Receipt{}).PDF(pdfdoc.A4); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty receipt: %v", err)
	}
	if _, err := r.PDF("letter"); !errors.Is(err, pdfdoc.ErrPaper) {
		t.Errorf("unknown paper: %v", err)
	}
}

// Equal receipts give equal bytes (fixed metadata), so a reprint is the
// same document.
func TestPDFDeterministic(t *testing.T) {
	a, err := sample().PDF(pdfdoc.A5)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := sample().PDF(pdfdoc.A5)
	if !bytes.Equal(a, b) {
		t.Error("two renders of one receipt differ")
	}
}

func BenchmarkPDF(b *testing.B) {
	r := sample()
	for _, p := range []pdfdoc.Paper{pdfdoc.A4, pdfdoc.Roll80} {
		b.Run(string(p), func(b *testing.B) {
			for b.Loop() {
				if _, err := r.PDF(p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func FuzzParseQR(f *testing.F) {
	f.Add(sample().QRPayload())
	f.Add("MC1|||||||")
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQR(s)
		if err != nil {
			return
		}
		r := Receipt{Code: q.Code, ProcedureCode: q.ProcedureCode, ApplicantID: q.ApplicantID, ReceivedAt: q.Issued, Due: q.Due}
		if _, err := ParseQR(r.QRPayload()); err != nil && !bytes.ContainsRune([]byte(q.Code+q.ProcedureCode+q.ApplicantID), '|') {
			t.Fatalf("re-encoded payload rejected: %v", err)
		}
	})
}

var docsDir = flag.String("docs", "", "write PNG renders of the slip layouts into this directory (docs/documents)")

// The slip renders to an image that is not blank on every paper; with
// -docs DIR the renders are written for docs/documents.
func TestRenderPNG(t *testing.T) {
	r := sample()
	r.AgencyName = "Trung tâm Phục vụ hành chính công phường Mẫu"
	r.Receiver = "Kiosk tự phục vụ KIOSK-01"
	r.ProcessingDays = 7
	r.Parts = []Part{{Name: "Tờ khai thay đổi thông tin cư trú (CT01)", Original: true, Count: 1},
		{Name: "Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp", Count: 1}}
	for _, paper := range []pdfdoc.Paper{pdfdoc.A4, pdfdoc.A5, pdfdoc.Roll80} {
		b, err := r.PDF(paper)
		if err != nil {
			t.Fatal(err)
		}
		dpi := 100
		if paper == pdfdoc.Roll80 {
			dpi = 203 // a thermal roll printer's resolution
		}
		png := pdftest.PNG(t, b, dpi)
		img, err := pngDecode(png)
		if err != nil {
			t.Fatal(err)
		}
		if dark := darkShare(img); dark < 0.01 || dark > 0.5 {
			t.Errorf("%s: %.3f of the page is ink", paper, dark)
		}
		if *docsDir != "" {
			if err := os.WriteFile(filepath.Join(*docsDir, "receipt-"+strings.ToLower(string(paper))+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func pngDecode(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }

func darkShare(img image.Image) float64 {
	b := img.Bounds()
	dark := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if (r+g+bl)/3 < 0x8000 {
				dark++
			}
		}
	}
	return float64(dark) / float64(b.Dx()*b.Dy())
}

package receipt

import (
	"bytes"
	"compress/zlib"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	gqr "github.com/makiuchi-d/gozxing/qrcode"

	"motcua/cardreader/cccd"
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

func TestWritePDF(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for x := 0; x < 40; x++ {
		img.Set(x, 5, color.RGBA{200, 16, 46, 255})
	}
	var buf bytes.Buffer
	if err := WritePDF(&buf, img); err != nil {
		t.Fatal(err)
	}
	pdf := buf.Bytes()
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.4")) || !bytes.HasSuffix(pdf, []byte("%%EOF\n")) {
		t.Fatal("not a PDF envelope")
	}
	// Every xref offset points at its object.
	m := regexp.MustCompile(`startxref\n(\d+)`).FindSubmatch(pdf)
	xref, _ := strconv.Atoi(string(m[1]))
	offs := regexp.MustCompile(`(\d{10}) 00000 n`).FindAllSubmatch(pdf[xref:], -1)
	if len(offs) != 6 {
		t.Fatalf("%d objects in xref", len(offs))
	}
	for i, o := range offs {
		n, _ := strconv.Atoi(string(o[1]))
		want := strconv.Itoa(i+1) + " 0 obj"
		if !bytes.HasPrefix(pdf[n:], []byte(want)) {
			t.Errorf("xref %d points at %q", i+1, pdf[n:n+10])
		}
	}
	// The image stream inflates to width*height*3 bytes with the red line.
	s := bytes.Index(pdf, []byte("stream\n")) + len("stream\n")
	e := bytes.Index(pdf[s:], []byte("\nendstream"))
	zr, err := zlib.NewReader(bytes.NewReader(pdf[s : s+e]))
	if err != nil {
		t.Fatal(err)
	}
	px, _ := io.ReadAll(zr)
	if len(px) != 40*20*3 {
		t.Fatalf("%d pixel bytes", len(px))
	}
	if px[(5*40)*3] != 200 || px[0] != 255 {
		t.Errorf("pixels %v %v", px[(5*40)*3], px[0])
	}
	if err := WritePDF(io.Discard, image.NewRGBA(image.Rect(0, 0, 0, 0))); err == nil {
		t.Error("empty image: want error")
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

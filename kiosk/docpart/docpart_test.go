package docpart

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// docPage draws something like a scanned printed page: white paper with
// scanner noise, a frame, and rows of word-sized dark strokes. JPEG size
// depends on texture, so a blank test page would flatter the figures.
func docPage(w, h int, seed uint64, colour bool) image.Image {
	rng := rand.New(rand.NewPCG(seed, 7))
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = 232 + uint8(rng.IntN(12)) // off-white paper and sensor noise
	}
	// Lines of 10-point text at the page's resolution: letters are inked
	// blocks with a gap between them, words are runs of letters.
	line := max(3, h/60)
	letter := max(2, w/140)
	for y := h / 12; y < h-h/12; y += line {
		x := w / 10
		for x < w-w/10 {
			word := letter * (2 + rng.IntN(8))
			for yy := y; yy < y+line*3/5; yy++ {
				for xx := x; xx < min(x+word, w-w/10); xx++ {
					if (xx-x)%letter < letter*3/4 {
						g.Pix[yy*g.Stride+xx] = uint8(30 + rng.IntN(12))
					}
				}
			}
			x += word + letter
		}
	}
	if !colour {
		return g
	}
	c := image.NewRGBA(g.Rect)
	for i, v := range g.Pix {
		c.Pix[4*i], c.Pix[4*i+1], c.Pix[4*i+2], c.Pix[4*i+3] = v, v, uint8(min(255, int(v)+8)), 255
	}
	// A red stamp, as on most Vietnamese certificates.
	for y := h * 3 / 4; y < h*3/4+h/10; y++ {
		for x := w * 2 / 3; x < w*2/3+w/6; x++ {
			if (x+y)%7 < 3 {
				c.SetRGBA(x, y, color.RGBA{200, 30, 30, 255})
			}
		}
	}
	return c
}

// a4 at 200 dpi.
const pw, ph = 1654, 2339

func buildPDF(t testing.TB, opts Options, pages ...image.Image) ([]byte, Part) {
	t.Helper()
	b := New(opts)
	for _, p := range pages {
		if err := b.AddPage(p); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	part, err := b.Write(&out, "proofOfHome", "Hợp đồng thuê nhà")
	if err != nil {
		t.Fatal(err)
	}
	return out.Bytes(), part
}

func TestPartFromPages(t *testing.T) {
	pdf, part := buildPDF(t, Options{}, docPage(pw, ph, 1, false), docPage(pw, ph, 2, true), docPage(ph, pw, 3, false))
	sum := sha256.Sum256(pdf)
	if part.Pages != 3 || part.Size != int64(len(pdf)) || part.SHA256 != hex.EncodeToString(sum[:]) ||
		part.Key != "proofOfHome" || part.MediaType != "application/pdf" {
		t.Fatalf("part = %+v", part)
	}
	// pdfcpu, which reads the file back, must agree on the page count.
	n, err := countPages(bytes.NewReader(pdf))
	if err != nil || n != 3 {
		t.Fatalf("pdfcpu page count = %d, %v", n, err)
	}
	// And poppler, an independent reader, on the page sizes: A4 portrait,
	// portrait, landscape.
	var sizes []string
	for _, line := range strings.Split(pdfinfo(t, pdf), "\n") {
		if f := strings.Fields(line); len(f) >= 6 && f[0] == "Page" && f[2] == "size:" {
			sizes = append(sizes, f[3]+"x"+f[5])
		}
	}
	if want := []string{"595.28x841.89", "595.28x841.89", "841.89x595.28"}; strings.Join(sizes, " ") != strings.Join(want, " ") {
		t.Errorf("page sizes %v, want %v (A4 portrait, portrait, landscape)", sizes, want)
	}
}

func pdfinfo(t testing.TB, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdfinfo"); err != nil {
		t.Fatal("pdfinfo not found: apt-get install -y --no-install-recommends poppler-utils")
	}
	f := filepath.Join(t.TempDir(), "p.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdfinfo", "-f", "1", "-l", "100", f).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, out)
	}
	return string(out)
}

func TestGreyPageWithinBudget(t *testing.T) {
	pdf, part := buildPDF(t, Options{}, docPage(pw, ph, 4, false))
	if part.Size > 500<<10 {
		t.Errorf("one grey page at 200 dpi is %d bytes, want ≤ 500 KB", part.Size)
	}
	// A tighter budget steps quality (and then size) down rather than fail.
	budget := int64(len(pdf)) / 2
	_, small := buildPDF(t, Options{PageBudget: int(budget)}, docPage(pw, ph, 4, false))
	if small.Size > budget+4<<10 {
		t.Errorf("%d-byte budget gave %d bytes (default %d)", budget, small.Size, len(pdf))
	}
	t.Logf("grey A4 page at 200 dpi: %d bytes; with half of that as budget: %d", len(pdf), small.Size)
}

func TestSamePagesSameHash(t *testing.T) {
	_, a := buildPDF(t, Options{}, docPage(400, 560, 5, false))
	_, b := buildPDF(t, Options{}, docPage(400, 560, 5, false))
	if a.SHA256 != b.SHA256 {
		t.Error("the same page made two different PDFs")
	}
}

func TestLimits(t *testing.T) {
	b := New(Options{MaxBytes: 100 << 10})
	if err := b.AddPage(docPage(pw, ph, 6, true)); !errors.Is(err, ErrTooLarge) {
		// One colour page may fit; a second cannot.
		if err == nil {
			err = b.AddPage(docPage(pw, ph, 7, true))
		}
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("over the part limit: err = %v", err)
		}
	}
	if _, err := New(Options{}).Write(&bytes.Buffer{}, "k", "t"); !errors.Is(err, ErrNoPages) {
		t.Errorf("no pages: err = %v", err)
	}
	b = New(Options{MaxPages: 1})
	_ = b.AddPage(docPage(40, 60, 1, false))
	if err := b.AddPage(docPage(40, 60, 1, false)); !errors.Is(err, ErrTooManyPgs) {
		t.Errorf("page limit: err = %v", err)
	}
}

func TestImportFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var pngBuf, jpgBuf bytes.Buffer
	_ = png.Encode(&pngBuf, docPage(800, 1100, 8, false))
	_ = jpeg.Encode(&jpgBuf, docPage(3000, 4000, 9, true), &jpeg.Options{Quality: 90}) // a phone photo
	pdf, made := buildPDF(t, Options{}, docPage(400, 560, 10, false), docPage(400, 560, 11, false))

	for _, tt := range []struct {
		name  string
		path  string
		pages int
		err   error
	}{
		{"png", write("a.png", pngBuf.Bytes()), 1, nil},
		{"photo", write("b.jpg", jpgBuf.Bytes()), 1, nil},
		{"pdf", write("c.pdf", pdf), 2, nil},
		{"text", write("d.txt", []byte("hello")), 0, ErrBadFile},
		{"broken pdf", write("e.pdf", append([]byte("%PDF-1.7\n"), make([]byte, 300)...)), 0, ErrBadFile},
		{"truncated png", write("f.png", pngBuf.Bytes()[:200]), 0, ErrBadFile},
	} {
		var out bytes.Buffer
		part, err := ImportFile(tt.path, "k", "Giấy tờ", Options{}, &out)
		if !errors.Is(err, tt.err) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.err)
			continue
		}
		if err != nil {
			continue
		}
		sum := sha256.Sum256(out.Bytes())
		if part.Pages != tt.pages || part.SHA256 != hex.EncodeToString(sum[:]) || part.Size != int64(out.Len()) {
			t.Errorf("%s: part %+v", tt.name, part)
		}
		if tt.name == "pdf" && part.SHA256 != made.SHA256 {
			t.Error("an imported PDF was changed")
		}
		if tt.name == "photo" && part.Size > 1<<20 {
			t.Errorf("a phone photo became %d bytes", part.Size)
		}
	}
}

// A 300 MB file is refused from its size alone, at once.
func TestImportHugeFileRefused(t *testing.T) {
	p := filepath.Join(t.TempDir(), "huge.pdf")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("%PDF-1.7\n"); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(300 << 20); err != nil { // sparse: no 300 MB written
		t.Fatal(err)
	}
	f.Close()
	var out bytes.Buffer
	if _, err := ImportFile(p, "k", "t", Options{}, &out); !errors.Is(err, ErrTooLarge) || out.Len() != 0 {
		t.Fatalf("300 MB file: err = %v, wrote %d bytes", err, out.Len())
	}
	// Under the input limit but over the portal's limit for a part.
	if err := os.Truncate(p, 12<<20); err != nil {
		t.Fatal(err)
	}
	if _, err := ImportFile(p, "k", "t", Options{}, &out); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("12 MB PDF over a 10 MB limit: err = %v", err)
	}
}

func TestHugeDimensionsRefusedBeforeDecode(t *testing.T) {
	// A PNG header claiming 100000 × 100000 pixels.
	var buf bytes.Buffer
	_ = png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1)))
	b := buf.Bytes()
	copy(b[16:24], []byte{0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0})
	binary.BigEndian.PutUint32(b[29:33], crc32.ChecksumIEEE(b[12:29]))
	if err := New(Options{}).AddImage(bytes.NewReader(b)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("huge dimensions: err = %v", err)
	}
}

func FuzzImport(f *testing.F) {
	var pngBuf bytes.Buffer
	_ = png.Encode(&pngBuf, docPage(20, 30, 1, false))
	f.Add(pngBuf.Bytes())
	pdf, _ := buildPDF(f, Options{}, docPage(20, 30, 1, false))
	f.Add(pdf)
	f.Add([]byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "in")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		part, err := ImportFile(p, "k", "t", Options{MaxPages: 5}, &out)
		if err != nil {
			if !errors.Is(err, ErrBadFile) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrNoPages) && !errors.Is(err, ErrTooManyPgs) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if part.Pages < 1 || part.Size != int64(out.Len()) {
			t.Fatalf("part %+v for %d bytes", part, out.Len())
		}
	})
}

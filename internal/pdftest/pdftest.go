package pdftest

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// AptGet installs the tools this package runs.
const AptGet = "apt-get install -y poppler-utils"

func tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("pdftest: %s not found; install with: sudo %s", name, AptGet)
	}
	return p
}

func file(t testing.TB, pdf []byte) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// Text returns the PDF's text layer as pdftotext extracts it (UTF-8, in
// reading order with -layout off).
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	out, err := exec.Command(tool(t, "pdftotext"), "-enc", "UTF-8", file(t, pdf), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// Info is what pdfinfo says about a PDF.
type Info struct {
	Pages        int
	WidthMM      float64 // first page
	HeightMM     float64
	Version      string
	FontsWithout int // fonts without a ToUnicode map (text not extractable)
}

var (
	reSize  = regexp.MustCompile(`Page size:\s+([\d.]+) x ([\d.]+) pts`)
	rePages = regexp.MustCompile(`Pages:\s+(\d+)`)
	reVer   = regexp.MustCompile(`PDF version:\s+([\d.]+)`)
)

// Inspect runs pdfinfo on the PDF.
func Inspect(t testing.TB, pdf []byte) Info {
	t.Helper()
	out, err := exec.Command(tool(t, "pdfinfo"), file(t, pdf)).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v (not a valid PDF?)", err)
	}
	var in Info
	if m := reSize.FindSubmatch(out); m != nil {
		w, _ := strconv.ParseFloat(string(m[1]), 64)
		h, _ := strconv.ParseFloat(string(m[2]), 64)
		in.WidthMM, in.HeightMM = w*25.4/72, h*25.4/72
	}
	if m := rePages.FindSubmatch(out); m != nil {
		in.Pages, _ = strconv.Atoi(string(m[1]))
	}
	if m := reVer.FindSubmatch(out); m != nil {
		in.Version = string(m[1])
	}
	return in
}

// PNG renders page 1 at dpi and returns the PNG bytes.
func PNG(t testing.TB, pdf []byte, dpi int) []byte {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "page")
	cmd := exec.Command(tool(t, "pdftoppm"), "-png", "-r", strconv.Itoa(dpi), "-f", "1", "-l", "1", "-singlefile", in, out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, stderr.String())
	}
	b, err := os.ReadFile(out + ".png")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Diff renders page 1 of a and b in grey at dpi, averages blocks of
// block×block pixels (so a glyph moved by a fraction of a millimetre does
// not count, a missing line or picture does), and returns the mean absolute
// difference of the blocks, 0 (same) to 1 (inverse). Parts of the larger
// page outside the smaller count as fully different.
func Diff(t testing.TB, a, b []byte, dpi, block int) float64 {
	t.Helper()
	ia, err := png.Decode(bytes.NewReader(PNG(t, a, dpi)))
	if err != nil {
		t.Fatal(err)
	}
	ib, err := png.Decode(bytes.NewReader(PNG(t, b, dpi)))
	if err != nil {
		t.Fatal(err)
	}
	// Compare the common area: page sizes are checked apart, and a page
	// one pixel wider must not count a whole column of blocks.
	r := ia.Bounds().Intersect(ib.Bounds().Sub(ib.Bounds().Min).Add(ia.Bounds().Min))
	ga, gb := blocks(ia, r, block), blocks(ib, r.Sub(ia.Bounds().Min).Add(ib.Bounds().Min), block)
	var sum float64
	n := 0
	for y := range ga {
		for x := range ga[y] {
			sum += math.Abs(ga[y][x] - gb[y][x])
			n++
		}
	}
	if n == 0 {
		return 1
	}
	return sum / float64(n)
}

func blocks(img image.Image, r image.Rectangle, n int) [][]float64 {
	out := make([][]float64, (r.Dy()+n-1)/n)
	for by := range out {
		out[by] = make([]float64, (r.Dx()+n-1)/n)
		for bx := range out[by] {
			var sum float64
			cnt := 0
			for y := by * n; y < min((by+1)*n, r.Dy()); y++ {
				for x := bx * n; x < min((bx+1)*n, r.Dx()); x++ {
					cr, cg, cb, _ := img.At(r.Min.X+x, r.Min.Y+y).RGBA()
					sum += float64(cr+cg+cb) / 3 / 0xffff
					cnt++
				}
			}
			out[by][bx] = sum / float64(cnt)
		}
	}
	return out
}

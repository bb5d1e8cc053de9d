package pdftest

import (
	"bytes"
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

package docpart

import (
	"bytes"
	"image"
	"io"
	"runtime"
	"testing"
)

// BenchmarkPage measures turning one scanned A4 page at 200 dpi into a PDF
// page (background clean-up, JPEG within budget, PDF object) and reports
// the bytes it adds to the part, grey and colour.
func BenchmarkPage(b *testing.B) {
	for _, tc := range []struct {
		name   string
		colour bool
	}{{"grey", false}, {"colour", true}} {
		b.Run(tc.name, func(b *testing.B) {
			src := docPage(pw, ph, 42, tc.colour)
			var size int64
			b.ReportAllocs()
			for b.Loop() {
				bl := New(Options{})
				if err := bl.AddPage(clone(src)); err != nil {
					b.Fatal(err)
				}
				part, err := bl.Write(io.Discard, "k", "t")
				if err != nil {
					b.Fatal(err)
				}
				size = part.Size
			}
			b.ReportMetric(float64(size)/1024, "KB/page")
		})
	}
}

// BenchmarkTwentyPages reports the heap a 20-page grey document holds at its
// peak: the compressed pages and the PDF, never the page images.
func BenchmarkTwentyPages(b *testing.B) {
	src := docPage(pw, ph, 43, false)
	var peak uint64
	for b.Loop() {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		bl := New(Options{})
		for i := range 20 {
			// Mark each page so no two are the same bytes: fpdf stores an
			// image it has seen once only, which would flatter the figure.
			if err := bl.AddPage(marked(src, i)); err != nil {
				b.Fatal(err)
			}
		}
		var out bytes.Buffer
		if _, err := bl.Write(&out, "k", "t"); err != nil {
			b.Fatal(err)
		}
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		if after.HeapInuse > before.HeapInuse {
			peak = max(peak, after.HeapInuse-before.HeapInuse)
		}
		b.ReportMetric(float64(out.Len())/(1<<20), "MB/doc")
	}
	b.ReportMetric(float64(peak)/(1<<20), "MB-heap-held")
}

// marked is a copy of a grey page with a short dark bar whose place tells
// page i apart.
func marked(src image.Image, i int) image.Image {
	g := clone(src).(*image.Gray)
	for x := 0; x < 40; x++ {
		g.Pix[(100+10*i)*g.Stride+100+x] = 0
	}
	return g
}

func clone(img image.Image) image.Image {
	switch m := img.(type) {
	case *image.Gray:
		c := *m
		c.Pix = bytes.Clone(m.Pix)
		return &c
	case *image.RGBA:
		c := *m
		c.Pix = bytes.Clone(m.Pix)
		return &c
	}
	return img
}

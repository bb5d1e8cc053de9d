package scanner

import (
	"context"
	"image"
	"io"
	"testing"

	"motcua/internal/sanetest"
	"motcua/kiosk/docpart"
)

// BenchmarkScanToPart measures one page from SANE's test device (200 dpi,
// the backend's largest area, 200 × 200 mm) to a finished one-page PDF
// part: the scanimage process, the PNM stream, fitting, JPEG and PDF. It
// reports the part's size.
func BenchmarkScanToPart(b *testing.B) {
	s := &SANE{Env: sanetest.Env(b)}
	for _, tc := range []struct {
		name   string
		colour bool
	}{{"grey", false}, {"colour", true}} {
		b.Run(tc.name, func(b *testing.B) {
			o := Options{Device: "test", DPI: 200, Color: tc.colour, WidthMM: 200, HeightMM: 200,
				Backend: []string{"--test-picture", "Color pattern"}}
			var size int64
			for b.Loop() {
				bl := docpart.New(docpart.Options{})
				if _, err := s.Scan(context.Background(), o, 1, nil, func(img image.Image) error { return bl.AddPage(img) }); err != nil {
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

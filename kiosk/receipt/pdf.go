package receipt

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"io"
)

// A4 in PDF points (1/72 inch).
const (
	pageW  = 595.0
	pageH  = 842.0
	margin = 36.0
)

// WritePDF writes a one-page A4 PDF showing img (the rendered slip), scaled
// to the page width inside the margins and placed at the top. The image is
// stored losslessly (Flate, RGB). The file is PDF 1.4 with no dependencies,
// so any viewer or printer takes it.
func WritePDF(w io.Writer, img image.Image) error {
	b := img.Bounds()
	iw, ih := b.Dx(), b.Dy()
	if iw == 0 || ih == 0 {
		return fmt.Errorf("receipt: empty image")
	}
	var raw bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&raw, zlib.BestSpeed)
	row := make([]byte, 0, 3*iw)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row = row[:0]
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			// Composite on white: a transparent pixel prints as paper.
			r, g, bl = r+(0xffff-a), g+(0xffff-a), bl+(0xffff-a)
			row = append(row, byte(r>>8), byte(g>>8), byte(bl>>8))
		}
		zw.Write(row)
	}
	if err := zw.Close(); err != nil {
		return err
	}
	dw := pageW - 2*margin
	dh := dw * float64(ih) / float64(iw)
	if dh > pageH-2*margin {
		dh = pageH - 2*margin
		dw = dh * float64(iw) / float64(ih)
	}
	x, y := (pageW-dw)/2, pageH-margin-dh
	content := fmt.Sprintf("q %.2f 0 0 %.2f %.2f %.2f cm /Im0 Do Q\n", dw, dh, x, y)

	var out bytes.Buffer
	offsets := []int{}
	obj := func(body string, stream []byte) {
		offsets = append(offsets, out.Len())
		fmt.Fprintf(&out, "%d 0 obj\n%s", len(offsets), body)
		if stream != nil {
			out.WriteString("\nstream\n")
			out.Write(stream)
			out.WriteString("\nendstream")
		}
		out.WriteString("\nendobj\n")
	}
	out.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>", nil)
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>", nil)
	obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.0f %.0f] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>", pageW, pageH), nil)
	obj(fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /Length %d >>", iw, ih, raw.Len()), raw.Bytes())
	obj(fmt.Sprintf("<< /Length %d >>", len(content)), []byte(content))
	obj("<< /Title (Giay tiep nhan ho so) /Producer (motcua-kiosk) >>", nil)
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, len(offsets), xref)
	_, err := w.Write(out.Bytes())
	return err
}

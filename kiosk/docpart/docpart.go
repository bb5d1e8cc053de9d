package docpart

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"strconv"
	"time"

	"github.com/go-pdf/fpdf"

	"image/color"
	"image/draw"
	"motcua/offline/dossier"
)

// MediaType is the media type of every part.
const MediaType = "application/pdf"

// Errors making a part.
var (
	ErrTooLarge   = errors.New("docpart: document larger than the portal accepts")
	ErrNoPages    = errors.New("docpart: document has no pages")
	ErrBadFile    = errors.New("docpart: file is not a readable PDF, JPEG or PNG")
	ErrTooManyPgs = errors.New("docpart: too many pages")
)

// DefaultMaxBytes is the part limit when the portal names none: 10 MB, what
// the national portal accepts for one file.
const DefaultMaxBytes = 10 << 20

// Part describes a finished document. It carries no personal data.
type Part struct {
	Key       string `json:"key"`     // the catalog's attachment key
	DocType   string `json:"docType"` // the document type's name, e.g. "Giấy chứng sinh"
	Pages     int    `json:"pages"`
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"` // hex, lower case
	MediaType string `json:"type"`
}

// Attachment is the dossier's reference to the part; the PDF bytes travel
// apart, stored and sent by hash. name is the file name people see.
func (p Part) Attachment(name string) dossier.Attachment {
	return dossier.Attachment{Key: p.Key, Name: name, Type: p.MediaType, SHA256: p.SHA256, Size: p.Size,
		Pages: p.Pages, DocType: p.DocType}
}

// Options set the target quality and the limits.
type Options struct {
	DPI int // resolution pages are fitted to A4 at; 0 means 200
	// PageBudget is the most a grey page's JPEG may take; colour pages get
	// twice as much. 0 means 500 KB.
	PageBudget int
	// MaxBytes is the portal's limit for one part; 0 means 10 MB.
	MaxBytes int64
	// MaxPages bounds one document; 0 means 100.
	MaxPages int
}

func (o Options) withDefaults() Options {
	if o.DPI <= 0 {
		o.DPI = 200
	}
	if o.PageBudget <= 0 {
		o.PageBudget = 500 << 10
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxPages <= 0 {
		o.MaxPages = 100
	}
	return o
}

// fixedDate stands in for the PDF's creation and modification dates: the
// same pages always make the same bytes, so re-making a part from the same
// scans gives the same hash (and the same idempotent upload).
var fixedDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// A4 in millimetres.
const a4W, a4H = 210.0, 297.0

// Builder collects pages into one PDF. Each page is encoded as it is added,
// so only the compressed pages are held, never the page images.
type Builder struct {
	opts  Options
	pdf   *fpdf.Fpdf
	pages int
	bytes int64 // compressed image bytes so far
}

// New starts an empty document.
func New(opts Options) *Builder {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(0, 0, 0)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCompression(true)
	// A fixed creation date keeps the same pages the same bytes, so a part
	// re-made from the same scans has the same hash.
	pdf.SetCreationDate(fixedDate)
	pdf.SetModificationDate(fixedDate)
	pdf.SetProducer("motcua kiosk", false)
	return &Builder{opts: opts.withDefaults(), pdf: pdf}
}

// Pages is the number of pages added so far.
func (b *Builder) Pages() int { return b.pages }

// AddPage fits img to an A4 page (portrait or landscape, as the image is)
// at the target resolution and adds it as a JPEG within the page budget.
// A grey page's near-white background is cleaned to white in place (the
// Builder takes img over): paper texture and sensor noise are most of a
// scan's bytes and none of its content.
func (b *Builder) AddPage(img image.Image) error {
	if b.pages >= b.opts.MaxPages {
		return fmt.Errorf("%w: at most %d", ErrTooManyPgs, b.opts.MaxPages)
	}
	landscape := img.Bounds().Dx() > img.Bounds().Dy()
	pageW, pageH := a4W, a4H
	if landscape {
		pageW, pageH = a4H, a4W
	}
	img = fit(img, pageW, pageH, b.opts.DPI)
	if g, ok := img.(*image.Gray); ok {
		whiten(g)
	}
	budget := b.opts.PageBudget
	if !isGrey(img) {
		budget *= 2
	}
	jpg, err := encodeWithin(img, budget)
	if err != nil {
		return err
	}
	b.bytes += int64(len(jpg))
	if b.bytes > b.opts.MaxBytes {
		return fmt.Errorf("%w: over %d bytes", ErrTooLarge, b.opts.MaxBytes)
	}
	name := "p" + strconv.Itoa(b.pages+1)
	info := b.pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "JPG"}, bytes.NewReader(jpg))
	if err := b.pdf.Error(); err != nil {
		return fmt.Errorf("docpart: page %d: %w", b.pages+1, err)
	}
	orient := "P"
	if landscape {
		orient = "L"
	}
	b.pdf.AddPageFormat(orient, fpdf.SizeType{Wd: a4W, Ht: a4H})
	// Centre the image at its own aspect ratio inside the page.
	iw, ih := info.Width(), info.Height()
	scale := min(pageW/iw, pageH/ih)
	w, h := iw*scale, ih*scale
	b.pdf.ImageOptions(name, (pageW-w)/2, (pageH-h)/2, w, h, false, fpdf.ImageOptions{ImageType: "JPG"}, 0, "")
	b.pages++
	return b.pdf.Error()
}

// Write finishes the document into w and describes it. key and docType tag
// the part; the hash and size are of exactly the bytes written.
func (b *Builder) Write(w io.Writer, key, docType string) (Part, error) {
	if b.pages == 0 {
		return Part{}, ErrNoPages
	}
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(w, h)}
	if err := b.pdf.Output(cw); err != nil {
		return Part{}, fmt.Errorf("docpart: %w", err)
	}
	if cw.n > b.opts.MaxBytes {
		return Part{}, fmt.Errorf("%w: %d bytes over %d", ErrTooLarge, cw.n, b.opts.MaxBytes)
	}
	return Part{Key: key, DocType: docType, Pages: b.pages, Size: cw.n,
		SHA256: hex.EncodeToString(h.Sum(nil)), MediaType: MediaType}, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// fit scales img down so it is at most dpi on a page of wMM × hMM. Smaller
// images (and ones within 2 % of the size) are kept as they are: enlarging
// adds bytes, not detail.
func fit(img image.Image, wMM, hMM float64, dpi int) image.Image {
	img = plain(img)
	maxW := int(wMM / 25.4 * float64(dpi))
	maxH := int(hMM / 25.4 * float64(dpi))
	b := img.Bounds()
	scale := min(float64(maxW)/float64(b.Dx()), float64(maxH)/float64(b.Dy()))
	if scale >= 0.98 {
		return img
	}
	return shrink(img, max(1, int(float64(b.Dx())*scale)), max(1, int(float64(b.Dy())*scale)))
}

// plain returns img as an *image.Gray or *image.RGBA, the two forms the
// rest of the package works on (a decoded photo is usually YCbCr).
func plain(img image.Image) image.Image {
	switch img.(type) {
	case *image.Gray, *image.RGBA:
		return img
	}
	if img.ColorModel() == color.GrayModel {
		g := image.NewGray(img.Bounds())
		draw.Draw(g, g.Rect, img, img.Bounds().Min, draw.Src)
		return g
	}
	c := image.NewRGBA(img.Bounds())
	draw.Draw(c, c.Rect, img, img.Bounds().Min, draw.Src)
	return c
}

// shrink scales a Gray or RGBA image down to w × h by averaging each
// destination pixel's footprint: the right filter for text going down in
// size, and far cheaper than a general kernel.
func shrink(img image.Image, w, h int) image.Image {
	var src []byte
	var stride, bpp int
	var dst image.Image
	var dpix []byte
	var dstride int
	switch m := img.(type) {
	case *image.Gray:
		src, stride, bpp = m.Pix, m.Stride, 1
		g := image.NewGray(image.Rect(0, 0, w, h))
		dst, dpix, dstride = g, g.Pix, g.Stride
	case *image.RGBA:
		src, stride, bpp = m.Pix, m.Stride, 4
		c := image.NewRGBA(image.Rect(0, 0, w, h))
		dst, dpix, dstride = c, c.Pix, c.Stride
	default:
		return img
	}
	sw, sh := img.Bounds().Dx(), img.Bounds().Dy()
	sum := make([]uint32, w*bpp)
	for y := 0; y < h; y++ {
		y0, y1 := y*sh/h, max((y+1)*sh/h, y*sh/h+1)
		clear(sum)
		for sy := y0; sy < y1; sy++ {
			row := src[sy*stride:]
			for x := 0; x < w; x++ {
				x0, x1 := x*sw/w, max((x+1)*sw/w, x*sw/w+1)
				for sx := x0; sx < x1; sx++ {
					for c := 0; c < bpp; c++ {
						sum[x*bpp+c] += uint32(row[sx*bpp+c])
					}
				}
			}
		}
		out := dpix[y*dstride:]
		for x := 0; x < w; x++ {
			n := uint32((y1 - y0) * (max((x+1)*sw/w, x*sw/w+1) - x*sw/w))
			for c := 0; c < bpp; c++ {
				out[x*bpp+c] = uint8((sum[x*bpp+c] + n/2) / n)
			}
		}
	}
	return dst
}

// paperLevel is the grey from which a pixel counts as paper. Ink, stamps
// and pencil stay well below it; off-white paper and noise sit above.
const paperLevel = 224

func whiten(g *image.Gray) {
	for i, v := range g.Pix {
		if v >= paperLevel {
			g.Pix[i] = 0xff
		}
	}
}

func isGrey(img image.Image) bool {
	_, ok := img.(*image.Gray)
	return ok
}

// qualities are tried in order until a page fits its budget; text stays
// legible at 40 at 200 dpi. Past the last, the page is scaled down.
var qualities = []int{75, 60, 50, 40}

func encodeWithin(img image.Image, budget int) ([]byte, error) {
	var buf bytes.Buffer
	for scaled := 0; scaled < 4; scaled++ {
		for _, q := range qualities {
			buf.Reset()
			if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
				return nil, fmt.Errorf("docpart: %w", err)
			}
			if buf.Len() <= budget {
				return buf.Bytes(), nil
			}
		}
		b := img.Bounds()
		img = shrink(img, max(1, b.Dx()*4/5), max(1, b.Dy()*4/5))
	}
	return nil, fmt.Errorf("%w: a page stays over %d bytes", ErrTooLarge, budget)
}

// MessageKey is the translation key that explains err to a person, or ""
// when err is not one of the package's errors.
func MessageKey(err error) string {
	switch {
	case errors.Is(err, ErrTooLarge):
		return "scan.err.toolarge"
	case errors.Is(err, ErrBadFile):
		return "scan.err.badfile"
	case errors.Is(err, ErrTooManyPgs):
		return "scan.err.toomanypages"
	case errors.Is(err, ErrNoPages):
		return "scan.err.failed"
	}
	return ""
}

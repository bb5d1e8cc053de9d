package docpart

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	_ "image/jpeg" // decoders for imported photos and files
	_ "image/png"
	"io"
	"os"
	"sync"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// MaxInputBytes bounds a file given to Import: no photo or PDF of a
// citizen's document needs more, and a larger one is refused from its size
// alone, before a byte is read.
const MaxInputBytes = 50 << 20

// maxPixels bounds a decoded image (a 50-megapixel phone photo) so a
// small file claiming huge dimensions is refused before it is decoded.
const maxPixels = 50_000_000

// Kind is what an input file is, from its first bytes.
type Kind int

// The kinds of file Import accepts.
const (
	Unknown Kind = iota
	PDF
	JPEG
	PNG
)

// Sniff tells a PDF, JPEG or PNG from its first bytes.
func Sniff(head []byte) Kind {
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return PDF
	case bytes.HasPrefix(head, []byte{0xff, 0xd8, 0xff}):
		return JPEG
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	}
	return Unknown
}

// AddImage decodes a JPEG or PNG (a photo or a camera frame of a document)
// and adds it as a page. Its dimensions are checked before it is decoded.
func (b *Builder) AddImage(r io.Reader) error {
	br := bufio.NewReaderSize(r, 64<<10)
	// JPEGs from phones carry EXIF before the frame header: look far
	// enough to read the size before decoding.
	head, _ := br.Peek(64 << 10)
	if k := Sniff(head); k != JPEG && k != PNG {
		return fmt.Errorf("%w: not a JPEG or PNG", ErrBadFile)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(head))
	if err == nil && cfg.Width*cfg.Height > maxPixels {
		return fmt.Errorf("%w: %d×%d pixels", ErrTooLarge, cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(io.LimitReader(br, MaxInputBytes))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadFile, err)
	}
	if p := img.Bounds().Dx() * img.Bounds().Dy(); p > maxPixels || p == 0 {
		return fmt.Errorf("%w: %d pixels", ErrTooLarge, p)
	}
	return b.AddPage(img)
}

// ImportFile makes a part of the file at path and writes its PDF to w: a
// PDF is checked and kept as it is; a JPEG or PNG becomes a one-page PDF.
// A file over MaxInputBytes or over the portal's limit is refused before it
// is read.
func ImportFile(path, key, docType string, opts Options, w io.Writer) (Part, error) {
	opts = opts.withDefaults()
	f, err := os.Open(path)
	if err != nil {
		return Part{}, fmt.Errorf("docpart: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Part{}, fmt.Errorf("docpart: %w", err)
	}
	if st.Size() > MaxInputBytes {
		return Part{}, fmt.Errorf("%w: file of %d bytes (at most %d)", ErrTooLarge, st.Size(), int64(MaxInputBytes))
	}
	head := make([]byte, 8)
	n, _ := io.ReadFull(f, head)
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return Part{}, fmt.Errorf("docpart: %w", err)
	}
	switch Sniff(head[:n]) {
	case PDF:
		if st.Size() > opts.MaxBytes {
			return Part{}, fmt.Errorf("%w: %d bytes over %d", ErrTooLarge, st.Size(), opts.MaxBytes)
		}
		return keepPDF(f, key, docType, opts, w)
	case JPEG, PNG:
		b := New(opts)
		if err := b.AddImage(f); err != nil {
			return Part{}, err
		}
		return b.Write(w, key, docType)
	}
	return Part{}, fmt.Errorf("%w: not a PDF, JPEG or PNG", ErrBadFile)
}

var pdfcpuConfig = sync.OnceValue(func() *model.Configuration {
	// pdfcpu would otherwise write a config directory under the user's
	// home at first use; the kiosk's data directory is the only place it
	// writes.
	model.ConfigPath = "disable"
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	return conf
})

// keepPDF checks that rs is a PDF pdfcpu can read, counts its pages and
// copies it to w unchanged.
func keepPDF(rs io.ReadSeeker, key, docType string, opts Options, w io.Writer) (Part, error) {
	pages, err := countPages(rs)
	if err != nil {
		return Part{}, err
	}
	if pages == 0 {
		return Part{}, ErrNoPages
	}
	if pages > opts.MaxPages {
		return Part{}, fmt.Errorf("%w: %d pages (at most %d)", ErrTooManyPgs, pages, opts.MaxPages)
	}
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		return Part{}, fmt.Errorf("docpart: %w", err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), rs)
	if err != nil {
		return Part{}, fmt.Errorf("docpart: %w", err)
	}
	return Part{Key: key, DocType: docType, Pages: pages, Size: n,
		SHA256: hex.EncodeToString(h.Sum(nil)), MediaType: MediaType}, nil
}

// countPages reads a PDF's page count. A hostile file must not take the
// kiosk down, so a panic inside the parser is a bad file like any other.
func countPages(rs io.ReadSeeker) (pages int, err error) {
	defer func() {
		if r := recover(); r != nil {
			pages, err = 0, fmt.Errorf("%w: unreadable PDF", ErrBadFile)
		}
	}()
	conf := *pdfcpuConfig()
	pages, err = api.PageCount(rs, &conf)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", ErrBadFile, err)
	}
	return pages, nil
}

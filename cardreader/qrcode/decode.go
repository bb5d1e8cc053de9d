package qrcode

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // decode JPEG photos
	_ "image/png"  // decode PNG scans
	"io"
	"os"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
)

// ErrNotFound reports that no readable QR code is in the image.
var ErrNotFound = errors.New("qrcode: no readable QR code in the image")

// MaxWidth is the width above which frames are scaled down to ScanWidth
// before decoding. At 750 px a card QR that fills a fifth of a 1280×720
// frame still has about 3.5 px per module, and decoding costs a third.
// (Halving to 640 px lost such codes in our tests: 2.4 px per module.)
const (
	MaxWidth  = 1000
	ScanWidth = 750
)

var hints = map[gozxing.DecodeHintType]any{
	gozxing.DecodeHintType_TRY_HARDER:    true,
	gozxing.DecodeHintType_CHARACTER_SET: "UTF-8",
}

// Decode returns the text of the QR code in img.
func Decode(img image.Image) (string, error) {
	full := grey(img)
	plane := full
	if full.w > MaxWidth {
		plane = full.resize(ScanWidth)
	}
	reader := zxqr.NewQRCodeReader()
	attempts := []func() (string, error){
		func() (string, error) { return plane.decode(reader, hybrid) },
		func() (string, error) { return plane.decode(reader, global) },
		func() (string, error) { return plane.stretched().decode(reader, hybrid) },
		func() (string, error) { return plane.rotated().decode(reader, hybrid) },
	}
	if plane != full {
		attempts = append(attempts, func() (string, error) { return full.decode(reader, hybrid) })
	}
	for _, try := range attempts {
		if text, err := try(); err == nil {
			return text, nil
		}
	}
	return "", ErrNotFound
}

// Limits on an image file, so a hostile header cannot make the decoder
// allocate gigabytes.
const (
	MaxFileBytes = 32 << 20
	MaxPixels    = 40_000_000
)

// ErrTooLarge reports an image beyond MaxFileBytes or MaxPixels.
var ErrTooLarge = errors.New("qrcode: image too large")

// DecodeReader decodes a PNG or JPEG image from r.
func DecodeReader(r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return "", fmt.Errorf("qrcode: reading image: %w", err)
	}
	if len(b) > MaxFileBytes {
		return "", ErrTooLarge
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return "", fmt.Errorf("qrcode: reading image: %w", err)
	}
	if cfg.Width*cfg.Height > MaxPixels {
		return "", ErrTooLarge
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return "", fmt.Errorf("qrcode: reading image: %w", err)
	}
	return Decode(img)
}

// DecodeFile decodes a PNG or JPEG image file.
func DecodeFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("qrcode: %w", err)
	}
	defer f.Close()
	return DecodeReader(f)
}

type binarizer func(gozxing.LuminanceSource) gozxing.Binarizer

var (
	hybrid binarizer = gozxing.NewHybridBinarizer
	global binarizer = gozxing.NewGlobalHistgramBinarizer
)

// plane is an 8-bit luminance image.
type plane struct {
	w, h int
	pix  []byte
}

func (p *plane) decode(r gozxing.Reader, b binarizer) (text string, err error) {
	// A camera frame is outside input: a decoder bug must cost one frame,
	// not the kiosk.
	defer func() {
		if recover() != nil {
			text, err = "", ErrNotFound
		}
	}()
	src, err := gozxing.NewPlanarYUVLuminanceSource(p.pix, p.w, p.h, 0, 0, p.w, p.h, false)
	if err != nil {
		return "", err
	}
	bmp, err := gozxing.NewBinaryBitmap(b(src))
	if err != nil {
		return "", err
	}
	res, err := r.Decode(bmp, hints)
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
}

// grey converts img to a luminance plane, reading the Y plane of camera
// frames directly.
func grey(img image.Image) *plane {
	b := img.Bounds()
	p := &plane{w: b.Dx(), h: b.Dy(), pix: make([]byte, b.Dx()*b.Dy())}
	switch m := img.(type) {
	case *image.YCbCr:
		for y := 0; y < p.h; y++ {
			off := m.YOffset(b.Min.X, b.Min.Y+y)
			copy(p.pix[y*p.w:(y+1)*p.w], m.Y[off:off+p.w])
		}
	case *image.Gray:
		for y := 0; y < p.h; y++ {
			off := m.PixOffset(b.Min.X, b.Min.Y+y)
			copy(p.pix[y*p.w:(y+1)*p.w], m.Pix[off:off+p.w])
		}
	case *image.RGBA:
		rgbaLuma(p, m.Pix, m.Stride, m.PixOffset(b.Min.X, b.Min.Y))
	case *image.NRGBA:
		rgbaLuma(p, m.Pix, m.Stride, m.PixOffset(b.Min.X, b.Min.Y))
	default:
		for y := 0; y < p.h; y++ {
			for x := 0; x < p.w; x++ {
				p.pix[y*p.w+x] = color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray).Y
			}
		}
	}
	return p
}

// rgbaLuma uses the integer Rec. 601 weights image/color uses for Gray.
// (For NRGBA this ignores alpha; scans and frames are opaque.)
func rgbaLuma(p *plane, pix []byte, stride, start int) {
	for y := 0; y < p.h; y++ {
		row := pix[start+y*stride:]
		out := p.pix[y*p.w : (y+1)*p.w]
		for x := range out {
			// 8-bit channels widened to 16 bits, exactly as color.GrayModel.
			r, g, b := uint32(row[4*x])*0x101, uint32(row[4*x+1])*0x101, uint32(row[4*x+2])*0x101
			out[x] = byte((19595*r + 38470*g + 7471*b + 1<<15) >> 24)
		}
	}
}

// resize scales the plane down to width w (keeping the aspect ratio) by
// bilinear sampling, which keeps module edges sharper than block averages.
func (p *plane) resize(w int) *plane {
	h := p.h * w / p.w
	out := &plane{w: w, h: h, pix: make([]byte, w*h)}
	sx := (p.w - 1) << 16 / max(w-1, 1)
	sy := (p.h - 1) << 16 / max(h-1, 1)
	for y := 0; y < h; y++ {
		fy := y * sy
		y0 := fy >> 16
		wy := uint32(fy & 0xFFFF)
		y1 := min(y0+1, p.h-1)
		r0, r1 := p.pix[y0*p.w:], p.pix[y1*p.w:]
		for x := 0; x < w; x++ {
			fx := x * sx
			x0 := fx >> 16
			wx := uint32(fx & 0xFFFF)
			x1 := min(x0+1, p.w-1)
			top := uint32(r0[x0])*(0x10000-wx) + uint32(r0[x1])*wx
			bot := uint32(r1[x0])*(0x10000-wx) + uint32(r1[x1])*wx
			out.pix[y*w+x] = byte(((uint64(top)*uint64(0x10000-wy) + uint64(bot)*uint64(wy)) >> 32))
		}
	}
	return out
}

// stretched maps the 1st-99th percentile range of grey onto 0-255, which
// rescues washed-out and dim photos.
func (p *plane) stretched() *plane {
	var hist [256]int
	for _, v := range p.pix {
		hist[v]++
	}
	cut := len(p.pix) / 100
	lo, hi, acc := 0, 255, 0
	for lo < 255 && acc+hist[lo] <= cut {
		acc += hist[lo]
		lo++
	}
	acc = 0
	for hi > 0 && acc+hist[hi] <= cut {
		acc += hist[hi]
		hi--
	}
	if hi <= lo {
		return p
	}
	var lut [256]byte
	for i := range lut {
		v := (i - lo) * 255 / (hi - lo)
		lut[i] = byte(min(max(v, 0), 255))
	}
	out := &plane{w: p.w, h: p.h, pix: make([]byte, len(p.pix))}
	for i, v := range p.pix {
		out.pix[i] = lut[v]
	}
	return out
}

// rotated turns the plane a quarter turn clockwise.
func (p *plane) rotated() *plane {
	out := &plane{w: p.h, h: p.w, pix: make([]byte, len(p.pix))}
	for y := 0; y < p.h; y++ {
		for x := 0; x < p.w; x++ {
			out.pix[x*out.w+(p.h-1-y)] = p.pix[y*p.w+x]
		}
	}
	return out
}

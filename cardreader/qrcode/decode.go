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
)

// ErrNotFound reports that no readable QR code is in the image.
var ErrNotFound = errors.New("qrcode: no readable QR code in the image")

// MaxWidth is the width above which frames are scaled down to ScanWidth
// before decoding. A 720p camera frame is decoded at its own resolution: a
// card QR there has 3–4 px per module, and scaling down loses it.
const (
	MaxWidth  = 1920
	ScanWidth = 1280
)

var hints = map[gozxing.DecodeHintType]any{
	gozxing.DecodeHintType_TRY_HARDER:    true,
	gozxing.DecodeHintType_CHARACTER_SET: "UTF-8",
}

// Decode returns the text of the QR code in img.
//
// The order of the work follows what succeeds on camera frames (see the
// package documentation): one local-threshold binarization of the
// luminance plane and one finder-pattern scan, then decoding from the most
// plausible triples of finder patterns, face-on first and then through the
// estimated perspective. A frame without finder-like patterns costs one
// binarization and one scan. Only when the local threshold finds a finder
// pattern but no code is the global-histogram binarizer tried, and only
// when the grey levels span less than lowContrast a contrast-stretched
// copy.
func Decode(img image.Image) (string, error) {
	p := grey(img)
	if p.w > MaxWidth {
		p = p.resize(ScanWidth)
	}
	text, candidates := p.scan(local)
	if text != "" {
		return text, nil
	}
	if candidates {
		if text, _ := p.scan(global); text != "" {
			return text, nil
		}
	}
	// A dim or washed-out photo: the local threshold ignores blocks of
	// little contrast, so spread the grey levels first.
	if lo, hi := p.levels(); hi-lo < lowContrast {
		if text, _ := p.stretched(lo, hi).scan(local); text != "" {
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

// plane is an 8-bit luminance image: row y starts at pix[y*stride].
type plane struct {
	w, h, stride int
	pix          []byte
}

// grey returns the luminance plane of img. A camera frame's Y plane and a
// grey image are used in place, without a copy.
func grey(img image.Image) *plane {
	b := img.Bounds()
	switch m := img.(type) {
	case *image.YCbCr:
		return &plane{w: b.Dx(), h: b.Dy(), stride: m.YStride, pix: m.Y[m.YOffset(b.Min.X, b.Min.Y):]}
	case *image.Gray:
		return &plane{w: b.Dx(), h: b.Dy(), stride: m.Stride, pix: m.Pix[m.PixOffset(b.Min.X, b.Min.Y):]}
	}
	p := &plane{w: b.Dx(), h: b.Dy(), stride: b.Dx(), pix: make([]byte, b.Dx()*b.Dy())}
	switch m := img.(type) {
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
	out := &plane{w: w, h: h, stride: w, pix: make([]byte, w*h)}
	sx := (p.w - 1) << 16 / max(w-1, 1)
	sy := (p.h - 1) << 16 / max(h-1, 1)
	for y := 0; y < h; y++ {
		fy := y * sy
		y0 := fy >> 16
		wy := uint32(fy & 0xFFFF)
		y1 := min(y0+1, p.h-1)
		r0, r1 := p.pix[y0*p.stride:], p.pix[y1*p.stride:]
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

// lowContrast is the 1st–99th percentile grey range below which a frame
// is contrast-stretched.
const lowContrast = 96

// levels returns the 1st and 99th percentile grey levels, sampled on every
// other pixel of every fourth row.
func (p *plane) levels() (lo, hi int) {
	var hist [256]int
	n := 0
	for y := 0; y < p.h; y += 4 {
		row := p.pix[y*p.stride : y*p.stride+p.w]
		for x := 0; x < len(row); x += 2 {
			hist[row[x]]++
			n++
		}
	}
	cut := n / 100
	acc := 0
	for lo = 0; lo < 255 && acc+hist[lo] <= cut; lo++ {
		acc += hist[lo]
	}
	acc = 0
	for hi = 255; hi > 0 && acc+hist[hi] <= cut; hi-- {
		acc += hist[hi]
	}
	return lo, hi
}

// stretched maps grey levels lo–hi onto 0–255.
func (p *plane) stretched(lo, hi int) *plane {
	if hi <= lo {
		return p
	}
	var lut [256]byte
	for i := range lut {
		lut[i] = byte(min(max((i-lo)*255/(hi-lo), 0), 255))
	}
	out := &plane{w: p.w, h: p.h, stride: p.w, pix: make([]byte, p.w*p.h)}
	for y := 0; y < p.h; y++ {
		row := p.pix[y*p.stride : y*p.stride+p.w]
		o := out.pix[y*p.w : (y+1)*p.w]
		for x, v := range row {
			o[x] = lut[v]
		}
	}
	return out
}

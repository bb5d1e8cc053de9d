package scanner

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	"io"
)

// ErrBadImage reports page data that is not a PNM image the kiosk accepts.
var ErrBadImage = errors.New("scanner: malformed page image")

// maxSide bounds a page's width and height in pixels: 600 dpi on a 17-inch
// bed is about 10,200 pixels, so 16,384 leaves room and refuses nonsense
// headers before any allocation.
const maxSide = 16384

// DecodePNM reads one binary PNM image (P4 bitmap, P5 grey or P6 colour,
// 8 bits per sample) from r, which is left just past the image so the next
// one can follow. It is what scanimage --format=pnm writes.
func DecodePNM(r *bufio.Reader) (image.Image, error) {
	magic, err := pnmToken(r)
	if err != nil {
		return nil, err
	}
	var kind byte
	switch magic {
	case "P4", "P5", "P6":
		kind = magic[1]
	default:
		return nil, fmt.Errorf("%w: not binary PNM", ErrBadImage)
	}
	w, err := pnmInt(r)
	if err != nil {
		return nil, err
	}
	h, err := pnmInt(r)
	if err != nil {
		return nil, err
	}
	if w <= 0 || h <= 0 || w > maxSide || h > maxSide {
		return nil, fmt.Errorf("%w: size %dx%d", ErrBadImage, w, h)
	}
	if kind != '4' {
		maxval, err := pnmInt(r)
		if err != nil {
			return nil, err
		}
		if maxval != 255 {
			return nil, fmt.Errorf("%w: %d-bit samples (want 8)", ErrBadImage, bitsFor(maxval))
		}
	}
	// Exactly one whitespace byte separates the header from the raster.
	if _, err := r.ReadByte(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadImage, err)
	}
	rect := image.Rect(0, 0, w, h)
	switch kind {
	case '5':
		img := image.NewGray(rect)
		if _, err := io.ReadFull(r, img.Pix); err != nil {
			return nil, fmt.Errorf("%w: short raster: %v", ErrBadImage, err)
		}
		return img, nil
	case '6':
		img := image.NewRGBA(rect)
		row := make([]byte, 3*w)
		for y := 0; y < h; y++ {
			if _, err := io.ReadFull(r, row); err != nil {
				return nil, fmt.Errorf("%w: short raster: %v", ErrBadImage, err)
			}
			dst := img.Pix[y*img.Stride:]
			for x := 0; x < w; x++ {
				dst[4*x], dst[4*x+1], dst[4*x+2], dst[4*x+3] = row[3*x], row[3*x+1], row[3*x+2], 0xff
			}
		}
		return img, nil
	default: // P4: 1 bit per pixel, 1 is black, rows padded to a byte
		img := image.NewGray(rect)
		row := make([]byte, (w+7)/8)
		for y := 0; y < h; y++ {
			if _, err := io.ReadFull(r, row); err != nil {
				return nil, fmt.Errorf("%w: short raster: %v", ErrBadImage, err)
			}
			dst := img.Pix[y*img.Stride:]
			for x := 0; x < w; x++ {
				if row[x/8]&(0x80>>(x%8)) == 0 {
					dst[x] = 0xff
				}
			}
		}
		return img, nil
	}
}

func bitsFor(maxval int) int {
	n := 0
	for ; maxval > 0; maxval >>= 1 {
		n++
	}
	return n
}

// pnmToken reads one header token, skipping whitespace and # comments.
func pnmToken(r *bufio.Reader) (string, error) {
	var tok []byte
	for {
		c, err := r.ReadByte()
		if err != nil {
			if len(tok) > 0 && err == io.EOF {
				return string(tok), nil
			}
			if err == io.EOF && len(tok) == 0 {
				return "", fmt.Errorf("%w: empty header", ErrBadImage)
			}
			return "", fmt.Errorf("%w: %v", ErrBadImage, err)
		}
		switch {
		case c == '#' && len(tok) == 0:
			if _, err := r.ReadString('\n'); err != nil {
				return "", fmt.Errorf("%w: %v", ErrBadImage, err)
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if len(tok) > 0 {
				return string(tok), r.UnreadByte()
			}
		default:
			if len(tok) >= 16 {
				return "", fmt.Errorf("%w: header token too long", ErrBadImage)
			}
			tok = append(tok, c)
		}
	}
}

func pnmInt(r *bufio.Reader) (int, error) {
	tok, err := pnmToken(r)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range []byte(tok) {
		if c < '0' || c > '9' || n > 1<<20 {
			return 0, fmt.Errorf("%w: bad number in header", ErrBadImage)
		}
		n = n*10 + int(c-'0')
	}
	return n, nil
}

package qrcode

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"testing"
)

// A fictional CCCD payload (docs/reference/cccd-tech.md §3.1).
const payload = "079203001234||Phạm Minh Khoa|15082003|Nam|Số 1 Đường Ví Dụ, Phường Mẫu, Quận Giả Định, TP Hồ Chí Minh|01062021"

func codeImage(t testing.TB, size int) *image.Gray {
	t.Helper()
	b, err := EncodePNG(payload, size)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Bounds(), img, img.Bounds().Min, draw.Src)
	return g
}

// rotate turns src by deg degrees about its centre onto a white canvas
// large enough to hold it (bilinear sampling).
func rotate(src *image.Gray, deg float64) *image.Gray {
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	a := deg * math.Pi / 180
	sin, cos := math.Sin(a), math.Cos(a)
	nw := int(math.Abs(float64(w)*cos)+math.Abs(float64(h)*sin)) + 2
	nh := int(math.Abs(float64(w)*sin)+math.Abs(float64(h)*cos)) + 2
	dst := image.NewGray(image.Rect(0, 0, nw, nh))
	cx, cy := float64(w)/2, float64(h)/2
	ncx, ncy := float64(nw)/2, float64(nh)/2
	for y := 0; y < nh; y++ {
		for x := 0; x < nw; x++ {
			dx, dy := float64(x)-ncx, float64(y)-ncy
			sx, sy := cos*dx+sin*dy+cx, -sin*dx+cos*dy+cy
			dst.Pix[y*nw+x] = sample(src, sx, sy)
		}
	}
	return dst
}

func sample(src *image.Gray, x, y float64) byte {
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := x-float64(x0), y-float64(y0)
	at := func(x, y int) float64 {
		if x < 0 || y < 0 || x >= w || y >= h {
			return 255
		}
		return float64(src.Pix[y*src.Stride+x])
	}
	v := at(x0, y0)*(1-fx)*(1-fy) + at(x0+1, y0)*fx*(1-fy) + at(x0, y0+1)*(1-fx)*fy + at(x0+1, y0+1)*fx*fy
	return byte(v + 0.5)
}

func boxBlur(src *image.Gray, r int) *image.Gray {
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	dst := image.NewGray(src.Bounds())
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			sum, n := 0, 0
			for dy := -r; dy <= r; dy++ {
				for dx := -r; dx <= r; dx++ {
					xx, yy := x+dx, y+dy
					if xx >= 0 && yy >= 0 && xx < w && yy < h {
						sum += int(src.Pix[yy*src.Stride+xx])
						n++
					}
				}
			}
			dst.Pix[y*dst.Stride+x] = byte(sum / n)
		}
	}
	return dst
}

// squeeze maps 0-255 into lo-hi: a dim, washed-out photo.
func squeeze(src *image.Gray, lo, hi int) *image.Gray {
	dst := image.NewGray(src.Bounds())
	for i, v := range src.Pix {
		dst.Pix[i] = byte(lo + int(v)*(hi-lo)/255)
	}
	return dst
}

// glare brightens a soft disc (a lamp's reflection) centred at (fx, fy)
// fractions of the image, radius r fraction of the width.
func glare(src *image.Gray, fx, fy, r float64) *image.Gray {
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	dst := image.NewGray(src.Bounds())
	cx, cy, rad := fx*float64(w), fy*float64(h), r*float64(w)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			d := math.Hypot(float64(x)-cx, float64(y)-cy) / rad
			v := float64(src.Pix[y*src.Stride+x])
			if d < 1 {
				k := 0.8 * (1 - d*d)
				v = v + (255-v)*k
			}
			dst.Pix[y*dst.Stride+x] = byte(v)
		}
	}
	return dst
}

// frame places the code, on a white card, in a noisy grey 1280×720 RGBA
// camera frame.
func frame(code *image.Gray, seed uint64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 1))
	f := image.NewRGBA(image.Rect(0, 0, 1280, 720))
	for i := 0; i < len(f.Pix); i += 4 {
		v := byte(90 + rng.IntN(80))
		f.Pix[i], f.Pix[i+1], f.Pix[i+2], f.Pix[i+3] = v, v, byte(int(v)*9/10), 255
	}
	card := image.Rect(380, 150, 380+520, 150+330)
	draw.Draw(f, card, image.NewUniform(color.RGBA{245, 245, 240, 255}), image.Point{}, draw.Src)
	at := image.Pt(card.Max.X-code.Bounds().Dx()-20, card.Min.Y+30)
	draw.Draw(f, code.Bounds().Add(at), code, code.Bounds().Min, draw.Src)
	return f
}

func TestDecode(t *testing.T) {
	base := codeImage(t, 360)
	small := codeImage(t, 256)
	for _, tc := range []struct {
		name string
		img  image.Image
	}{
		{"plain", base},
		{"rotated 90", rotate(base, 90)},
		{"rotated 180", rotate(base, 180)},
		{"rotated 15", rotate(base, 15)},
		{"rotated -15 and blurred", boxBlur(rotate(base, -15), 1)},
		{"box blur r=2", boxBlur(base, 2)},
		{"low contrast 110-150", squeeze(base, 110, 150)},
		{"dim 0-40", squeeze(base, 0, 40)},
		{"glare patch", glare(base, 0.55, 0.45, 0.18)},
		{"1280x720 noisy frame", frame(small, 1)},
		{"frame, rotated 15", frame(rotate(small, 15), 2)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Decode(tc.img)
			if err != nil {
				t.Fatal(err)
			}
			if got != payload {
				t.Fatalf("decoded %q", got)
			}
		})
	}
}

func TestDecodeJPEGFrame(t *testing.T) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, frame(codeImage(t, 256), 3), &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeReader(&buf)
	if err != nil || got != payload {
		t.Fatalf("DecodeReader(JPEG frame) = %q, %v", got, err)
	}
}

func TestDecodeNotFound(t *testing.T) {
	blank := image.NewGray(image.Rect(0, 0, 1280, 720))
	noise := frame(image.NewGray(image.Rect(0, 0, 1, 1)), 4)
	for name, img := range map[string]image.Image{"blank": blank, "noise": noise} {
		if _, err := Decode(img); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: err %v, want ErrNotFound", name, err)
		}
	}
	if _, err := DecodeReader(bytes.NewReader([]byte("not an image"))); err == nil || errors.Is(err, ErrNotFound) {
		t.Errorf("garbage bytes: err %v, want an image format error", err)
	}
}

func TestGreyPaths(t *testing.T) {
	// Every fast path agrees with image/color's Gray model.
	rgba := frame(codeImage(t, 128), 5)
	want := grey(struct{ image.Image }{rgba}) // generic path
	var buf bytes.Buffer
	jpeg.Encode(&buf, rgba, nil)
	ycc, _ := jpeg.Decode(&buf)
	nrgba := image.NewNRGBA(rgba.Bounds())
	draw.Draw(nrgba, nrgba.Bounds(), rgba, image.Point{}, draw.Src)
	if got := grey(rgba); !bytes.Equal(got.pix, want.pix) {
		t.Error("RGBA fast path differs from color.GrayModel")
	}
	if got := grey(nrgba); !bytes.Equal(got.pix, want.pix) {
		t.Error("NRGBA fast path differs from color.GrayModel")
	}
	if got := grey(ycc); got.w != 1280 || got.h != 720 {
		t.Errorf("YCbCr plane %dx%d", got.w, got.h)
	}
	sub := rgba.SubImage(image.Rect(100, 50, 300, 150))
	if got := grey(sub); got.w != 200 || got.h != 100 || got.pix[0] != want.pix[50*1280+100] {
		t.Error("sub-image offset wrong")
	}
}

func BenchmarkDecodeFrame(b *testing.B) {
	rgba := frame(codeImage(b, 256), 1)
	var buf bytes.Buffer
	jpeg.Encode(&buf, rgba, &jpeg.Options{Quality: 85})
	ycc, _ := jpeg.Decode(&buf)
	for _, bc := range []struct {
		name string
		img  image.Image
	}{{"rgba", rgba}, {"ycbcr", ycc}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Decode(bc.img); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// FuzzDecode feeds arbitrary grey pixels (and arbitrary file bytes) to the
// decoder: it may find nothing, but it must not panic or hang.
func FuzzDecode(f *testing.F) {
	code := codeImage(f, 64)
	f.Add(uint8(64), code.Pix)
	f.Add(uint8(16), bytes.Repeat([]byte{0, 255}, 128))
	f.Fuzz(func(t *testing.T, w uint8, pix []byte) {
		if w == 0 || len(pix) < int(w) || len(pix) > 1<<14 {
			return
		}
		h := len(pix) / int(w)
		img := &image.Gray{Pix: pix[:int(w)*h], Stride: int(w), Rect: image.Rect(0, 0, int(w), h)}
		Decode(img)
		DecodeReader(bytes.NewReader(pix))
	})
}

func TestDecodeReaderTooLarge(t *testing.T) {
	// A valid PNG header claiming 100000×100000 pixels.
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1)))
	b := buf.Bytes()
	// IHDR: type at 12, width and height at 16 and 20, CRC at 29.
	copy(b[16:], []byte{0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0})
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	if _, err := DecodeReader(bytes.NewReader(b)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err %v, want ErrTooLarge", err)
	}
}

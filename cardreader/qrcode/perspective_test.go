package qrcode

import (
	"image"
	"math"
	"testing"
)

// tilt shows src as a card turned deg degrees about its vertical axis,
// seen by a camera of focal length 1000 px: a true perspective warp, not
// the affine turn rotate makes.
func tilt(src *image.Gray, deg float64) *image.Gray {
	w, h := float64(src.Bounds().Dx()), float64(src.Bounds().Dy())
	const focal, dist = 1000.0, 1400.0
	a := deg * math.Pi / 180
	out := image.NewGray(image.Rect(0, 0, int(w)+200, int(h)+200))
	cx, cy := float64(out.Rect.Dx())/2, float64(out.Rect.Dy())/2
	for y := 0; y < out.Rect.Dy(); y++ {
		for x := 0; x < out.Rect.Dx(); x++ {
			// Cast the ray through (x, y) onto the plane z = dist + u·sin a
			// (u along the card's width, centred), x' = u·cos a.
			rx, ry := (float64(x)-cx)/focal, (float64(y)-cy)/focal
			u := rx * dist / (math.Cos(a) - rx*math.Sin(a))
			z := dist + u*math.Sin(a)
			v := ry * z
			out.Pix[y*out.Stride+x] = sample(src, u+w/2, v+h/2)
		}
	}
	return out
}

// TestDecodeTilted decodes codes tilted away from the camera by 20–45°
// about the image's vertical axis. (At +45° here, where the near edge is
// the code's left, gozxing's finder-pattern cross-check, which refuses
// patterns whose height and width differ by more than 40%, finds none of
// the three, and the code is missed; zxing-cpp and zbar read it. When it
// finds one or two, Decode looks again on a resampled copy: see scan.
// docs/performance.md has the corpus figures.)
func TestDecodeTilted(t *testing.T) {
	code := codeImage(t, 360)
	for _, deg := range []float64{20, 30, 40, -35, -45} {
		img := tilt(code, deg)
		got, err := Decode(img)
		if err != nil {
			t.Errorf("tilt %v°: %v", deg, err)
			continue
		}
		if got != payload {
			t.Errorf("tilt %v°: decoded %q", deg, got)
		}
	}
}

// TestFitHomography recovers a known homography from exact points, and
// refuses a degenerate set.
func TestFitHomography(t *testing.T) {
	want := homography{4.1, 0.6, 320, -0.3, 3.7, 150, 0.0011, -0.0007}
	var pts []correspondence
	for _, uv := range [][2]float64{{3.5, 3.5}, {69.5, 3.5}, {3.5, 69.5}, {66.5, 66.5}, {38.5, 38.5}, {6.5, 38.5}} {
		x, y := want.apply(uv[0], uv[1])
		pts = append(pts, correspondence{uv[0], uv[1], x, y})
	}
	got, ok := fitHomography(pts, 73, 1000)
	if !ok {
		t.Fatal("fit failed")
	}
	for _, uv := range [][2]float64{{0, 0}, {73, 73}, {20, 50}} {
		wx, wy := want.apply(uv[0], uv[1])
		gx, gy := got.apply(uv[0], uv[1])
		if math.Hypot(wx-gx, wy-gy) > 1e-6 {
			t.Errorf("at %v: got %.4f,%.4f want %.4f,%.4f", uv, gx, gy, wx, wy)
		}
	}
	line := []correspondence{{0, 0, 0, 0}, {1, 1, 1, 1}, {2, 2, 2, 2}, {3, 3, 3, 3}}
	if _, ok := fitHomography(line, 1, 1); ok {
		t.Error("collinear points gave a homography")
	}
}

// TestProjectiveCorners: the finder-pattern map puts the three centres
// where they were found, whatever the perspective weights.
func TestProjectiveCorners(t *testing.T) {
	p := projective{tl: [2]float64{100, 80}, tr: [2]float64{400, 95}, bl: [2]float64{130, 360}, l1: 0.8, l2: 1.15, dim: 57}
	d := float64(p.dim)
	for _, c := range []struct{ u, v, x, y float64 }{{3.5, 3.5, 100, 80}, {d - 3.5, 3.5, 400, 95}, {3.5, d - 3.5, 130, 360}} {
		x, y := p.at(c.u, c.v)
		if math.Hypot(x-c.x, y-c.y) > 1e-9 {
			t.Errorf("(%v,%v) -> %.3f,%.3f, want %v,%v", c.u, c.v, x, y, c.x, c.y)
		}
	}
}

package corpus

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"

	qr "github.com/skip2/go-qrcode"
)

// Named seeds. Tune is for choosing the decoder's attempts; HeldOut is what
// figures are reported on.
const (
	Tune    uint64 = 1
	HeldOut uint64 = 2
)

// Frame size, that of a 720p USB camera.
const (
	Width  = 1280
	Height = 720
)

// Frame is one generated camera frame and what made it.
type Frame struct {
	Name    string // set-index, e.g. "s2-017"
	Payload string // the QR's text; "" for a frame without a code
	JPEG    []byte `json:"-"` // the frame as the camera delivers it

	Kind        string  // "2021", "2024" or "none"
	Version     int     // QR version (0 without a code)
	PxPerModule float64 // geometric mean over both axes, at the code's centre
	TiltDeg     float64 // angle between the card and the image plane
	BlurSigma   float64 // Gaussian blur, pixels
	Contrast    int     // light minus dark module level, 0–255
	Glare       float64 // peak strength of the lamp's reflection, 0 = none
	Quality     int     // JPEG quality

	// Finders are the image coordinates of the finder patterns' centres
	// (top-left, top-right, bottom-left), for studying failures.
	Finders [3][2]float64 `json:",omitempty"`
	// Corners are the image coordinates of the code's outer corners
	// (quiet zone excluded): top-left, top-right, bottom-right, bottom-left.
	Corners [4][2]float64 `json:",omitempty"`
}

// Decode returns the frame as a decoder sees it: the YCbCr image of its JPEG.
func (f *Frame) Decode() (*image.YCbCr, error) {
	img, err := jpeg.Decode(bytes.NewReader(f.JPEG))
	if err != nil {
		return nil, err
	}
	y, ok := img.(*image.YCbCr)
	if !ok {
		return nil, fmt.Errorf("corpus: %s decodes to %T", f.Name, img)
	}
	return y, nil
}

// Generate returns n frames of set. It is deterministic.
func Generate(set uint64, n int) ([]Frame, error) {
	out := make([]Frame, n)
	for i := range out {
		f, err := Make(set, i)
		if err != nil {
			return nil, err
		}
		out[i] = f
	}
	return out, nil
}

// Make renders frame i of set.
func Make(set uint64, i int) (Frame, error) {
	rng := rand.New(rand.NewPCG(set, uint64(i)))
	f := Frame{Name: fmt.Sprintf("s%d-%03d", set, i)}
	switch r := rng.Float64(); {
	case r < 0.1:
		f.Kind = "none"
	case r < 0.65:
		f.Kind, f.Payload = "2021", payload2021(rng)
	default:
		f.Kind, f.Payload = "2024", payload2024(rng)
	}
	var modules [][]bool
	if f.Payload != "" {
		code, err := qr.New(f.Payload, qr.Medium)
		if err != nil {
			return Frame{}, fmt.Errorf("corpus: %s: %w", f.Name, err)
		}
		f.Version = code.VersionNumber
		modules = code.Bitmap() // with its 4-module quiet zone
	} else {
		modules = make([][]bool, 53) // only sets the card's scale
	}
	s := newScene(rng, &f, modules)
	pix := s.render()
	blur(pix, f.BlurSigma)
	rgba := s.finish(rng, pix)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, rgba, &jpeg.Options{Quality: f.Quality}); err != nil {
		return Frame{}, err
	}
	f.JPEG = buf.Bytes()
	return f, nil
}

// pick returns a value uniform in [lo, hi).
func pick(rng *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }

// band is a range [lo, hi) chosen while a uniform draw is below upTo.
type band struct{ upTo, lo, hi float64 }

// pickBand draws once to choose a band (the first whose upTo exceeds the
// draw; the last one otherwise), then picks a value in it.
func pickBand(rng *rand.Rand, bands ...band) float64 {
	r, b := rng.Float64(), bands[len(bands)-1]
	for _, c := range bands {
		if r < c.upTo {
			b = c
			break
		}
	}
	return pick(rng, b.lo, b.hi)
}

// scene is the card and code placed in front of the camera.
type scene struct {
	mod        [][]bool
	n          float64 // modules across, quiet zone included
	inv        [9]float64
	dark, lite float64
	card       [4]float64 // card rectangle u0, v0, u1, v1 in module units
	photo      [4]float64
	glareX     float64
	glareY     float64
	glareR     float64
	glareK     float64
	light      [3]float64 // gradient centre x, y and depth
	deskPhase  float64
}

func newScene(rng *rand.Rand, f *Frame, modules [][]bool) *scene {
	s := &scene{mod: modules, n: float64(len(modules))}
	if f.Payload == "" {
		s.mod = nil
	}
	// Size: mostly 3–4 pixels per module, the hard case the issue names.
	f.PxPerModule = pickBand(rng, band{0.15, 2.5, 3}, band{0.55, 3, 4}, band{0.85, 4, 6}, band{1, 6, 9})
	f.TiltDeg = pickBand(rng, band{0.15, 0, 10}, band{0.35, 10, 20}, band{1, 20, 45})
	f.BlurSigma = pickBand(rng, band{0.4, 0, 0.5}, band{0.8, 0.5, 1.2}, band{1, 1.2, 1.8})
	if rng.Float64() < 0.25 { // dim, washed out
		s.dark, s.lite = pick(rng, 70, 110), pick(rng, 130, 170)
	} else {
		s.dark, s.lite = pick(rng, 10, 60), pick(rng, 170, 240)
	}
	f.Contrast = int(s.lite - s.dark)
	f.Quality = 35 + rng.IntN(61)

	// Pose: tilt about an in-plane axis, then any turn in the image plane.
	theta := f.TiltDeg * math.Pi / 180
	phi := pick(rng, 0, math.Pi)
	psi := pick(rng, 0, 2*math.Pi)
	ax, ay := math.Cos(phi), math.Sin(phi)
	c, sn := math.Cos(theta), math.Sin(theta)
	// Rodrigues' rotation about (ax, ay, 0) by theta: its first two columns.
	tilt := [3][2]float64{
		{c + ax*ax*(1-c), ax * ay * (1 - c)},
		{ax * ay * (1 - c), c + ay*ay*(1-c)},
		{-ay * sn, ax * sn},
	}
	cz, sz := math.Cos(psi), math.Sin(psi)
	var r [3][2]float64
	for j := range 2 {
		r[0][j] = cz*tilt[0][j] - sz*tilt[1][j]
		r[1][j] = sz*tilt[0][j] + cz*tilt[1][j]
		r[2][j] = tilt[2][j]
	}
	const focal = 1000.0
	// Pixels per module along the un-foreshortened axis is focal/Z; the
	// other axis gets cos θ of it.
	z := focal / (f.PxPerModule / math.Sqrt(c))
	half := s.n * focal / z * 0.75 // the code's half-diagonal, roughly
	cx := Width/2 + pick(rng, -1, 1)*math.Max(0, Width/2-half-10)
	cy := Height/2 + pick(rng, -1, 1)*math.Max(0, Height/2-half-10)
	tx, ty := (cx-Width/2)*z/focal, (cy-Height/2)*z/focal
	h := [9]float64{
		focal*r[0][0] + Width/2*r[2][0], focal*r[0][1] + Width/2*r[2][1], focal*tx + Width/2*z,
		focal*r[1][0] + Height/2*r[2][0], focal*r[1][1] + Height/2*r[2][1], focal*ty + Height/2*z,
		r[2][0], r[2][1], z,
	}
	s.inv = invert(h)
	if f.Payload != "" {
		c := s.n/2 - 7.5
		project := func(u, v float64) [2]float64 {
			w := h[6]*u + h[7]*v + h[8]
			return [2]float64{(h[0]*u + h[1]*v + h[2]) / w, (h[3]*u + h[4]*v + h[5]) / w}
		}
		for i, uv := range [3][2]float64{{-c, -c}, {c, -c}, {-c, c}} {
			f.Finders[i] = project(uv[0], uv[1])
		}
		e := s.n/2 - 4
		for i, uv := range [4][2]float64{{-e, -e}, {e, -e}, {e, e}, {-e, e}} {
			f.Corners[i] = project(uv[0], uv[1])
		}
	}

	// The card around the code, in module units from the code's centre: the
	// 2021 card has its code at the top right of the front, 4 mm in; the
	// 2024 card a larger one on the back. Card 85.6 × 54 mm.
	codeMM := 13.0
	if f.Kind == "2024" {
		codeMM = 18
	}
	mm := (s.n - 8) / codeMM // modules per millimetre (quiet zone excluded)
	u0 := -(85.6 - 4 - codeMM/2) * mm
	v0 := -(4 + codeMM/2) * mm
	s.card = [4]float64{u0, v0, u0 + 85.6*mm, v0 + 54*mm}
	s.photo = [4]float64{u0 + 4*mm, v0 + 12*mm, u0 + 24*mm, v0 + 38*mm}

	if rng.Float64() < 0.3 {
		f.Glare = pick(rng, 0.5, 1)
		s.glareK = f.Glare
		s.glareX = cx + pick(rng, -0.5, 0.5)*half
		s.glareY = cy + pick(rng, -0.5, 0.5)*half
		s.glareR = pick(rng, 0.12, 0.4) * half * 2
	}
	s.light = [3]float64{pick(rng, 0, Width), pick(rng, 0, Height), pick(rng, 0, 0.45)}
	s.deskPhase = pick(rng, 0, 100)
	return s
}

func invert(m [9]float64) [9]float64 {
	a, b, c, d, e, f, g, h, i := m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]
	A, B, C := e*i-f*h, -(d*i - f*g), d*h-e*g
	det := a*A + b*B + c*C
	return [9]float64{
		A / det, -(b*i - c*h) / det, (b*f - c*e) / det,
		B / det, (a*i - c*g) / det, -(a*f - c*d) / det,
		C / det, -(a*h - b*g) / det, (a*e - b*d) / det,
	}
}

// at is the printed luminance at card point (u, v), or the desk's.
func (s *scene) at(u, v, x, y float64) float64 {
	if u < s.card[0] || u >= s.card[2] || v < s.card[1] || v >= s.card[3] {
		// A desk with a slow wood-like grain.
		return 95 + 30*math.Sin(x/53+s.deskPhase+3*math.Sin(y/211)) + 10*math.Sin(y/17+x/400)
	}
	if s.mod != nil {
		if i, j := int(math.Floor(v+s.n/2)), int(math.Floor(u+s.n/2)); i >= 0 && j >= 0 && i < len(s.mod) && j < len(s.mod) {
			if s.mod[i][j] {
				return s.dark
			}
			return s.lite
		}
	}
	if u >= s.photo[0] && u < s.photo[2] && v >= s.photo[1] && v < s.photo[3] {
		// A portrait: mid grey with soft structure.
		return s.dark + (s.lite-s.dark)*(0.45+0.25*math.Sin(u*0.3)*math.Cos(v*0.21))
	}
	// Printed lines of text left of the code, and the guilloche tint.
	w := s.card[2] - s.card[0]
	if u < s.card[0]+0.75*w-s.n/2 && u > s.photo[2]+2 {
		if line := math.Mod(v-s.card[1], 6); line > 4.5 && math.Sin(u*1.7)+math.Sin(u*0.63) > -0.6 {
			return s.dark + 0.3*(s.lite-s.dark)
		}
	}
	return s.lite - 0.08*(s.lite-s.dark)*(1+math.Sin(u*0.9+v*0.4))
}

// render samples the scene 2×2 per pixel into a luminance plane.
func (s *scene) render() []float32 {
	pix := make([]float32, Width*Height)
	m := s.inv
	for y := 0; y < Height; y++ {
		for x := 0; x < Width; x++ {
			var sum float64
			for _, d := range [4][2]float64{{0.25, 0.25}, {0.75, 0.25}, {0.25, 0.75}, {0.75, 0.75}} {
				px, py := float64(x)+d[0], float64(y)+d[1]
				w := m[6]*px + m[7]*py + m[8]
				u := (m[0]*px + m[1]*py + m[2]) / w
				v := (m[3]*px + m[4]*py + m[5]) / w
				sum += s.at(u, v, px, py)
			}
			pix[y*Width+x] = float32(sum / 4)
		}
	}
	return pix
}

// finish adds the lamp's light and glare and sensor noise, and tints the
// grey into a colour frame.
func (s *scene) finish(rng *rand.Rand, pix []float32) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, Width, Height))
	noise := pick(rng, 1.5, 6)
	tr, tb := pick(rng, 0.92, 1.08), pick(rng, 0.88, 1.05)
	diag2 := float64(Width*Width + Height*Height)
	for y := 0; y < Height; y++ {
		for x := 0; x < Width; x++ {
			v := float64(pix[y*Width+x])
			dx, dy := float64(x)-s.light[0], float64(y)-s.light[1]
			v *= 1 - s.light[2]*(dx*dx+dy*dy)/diag2
			if s.glareR > 0 {
				gx, gy := float64(x)-s.glareX, float64(y)-s.glareY
				if d2 := (gx*gx + gy*gy) / (s.glareR * s.glareR); d2 < 9 {
					v += (255 - v) * math.Exp(-d2) * s.glareK
				}
			}
			v += noise * rng.NormFloat64()
			o := img.PixOffset(x, y)
			img.Pix[o] = clamp(v * tr)
			img.Pix[o+1] = clamp(v)
			img.Pix[o+2] = clamp(v * tb)
			img.Pix[o+3] = 255
		}
	}
	return img
}

func clamp(v float64) byte {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return byte(v + 0.5)
}

// blur applies a separable Gaussian of sigma pixels in place.
func blur(pix []float32, sigma float64) {
	if sigma < 0.3 {
		return
	}
	r := int(math.Ceil(3 * sigma))
	k := make([]float32, 2*r+1)
	var sum float32
	for i := range k {
		d := float64(i - r)
		k[i] = float32(math.Exp(-d * d / (2 * sigma * sigma)))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	tmp := make([]float32, len(pix))
	for y := 0; y < Height; y++ {
		row := pix[y*Width : (y+1)*Width]
		for x := 0; x < Width; x++ {
			var acc float32
			for i, w := range k {
				xx := min(max(x+i-r, 0), Width-1)
				acc += w * row[xx]
			}
			tmp[y*Width+x] = acc
		}
	}
	for y := 0; y < Height; y++ {
		for x := 0; x < Width; x++ {
			var acc float32
			for i, w := range k {
				yy := min(max(y+i-r, 0), Height-1)
				acc += w * tmp[yy*Width+x]
			}
			pix[y*Width+x] = acc
		}
	}
}

package qrcode

import (
	"math"

	"github.com/makiuchi-d/gozxing"
)

// finderModule measures the module size at a finder pattern's centre
// (cx, cy) along the direction (dx, dy): from the centre, the dark core,
// light ring and dark ring end 3.5 modules out on either side, so the two
// distances to the third colour change add up to 7 modules. It returns
// NaN when the pattern is not seen that way.
func finderModule(bits *gozxing.BitMatrix, cx, cy, dx, dy float64) float64 {
	n := math.Hypot(dx, dy)
	dx, dy = dx/n, dy/n
	out := func(sx, sy float64) float64 {
		w, h := float64(bits.GetWidth()), float64(bits.GetHeight())
		state, want := 0, true // in the dark core, looking for light
		for s := 0.0; s < 200; s += 0.5 {
			x, y := cx+sx*s, cy+sy*s
			if x < 0 || y < 0 || x >= w || y >= h {
				return math.NaN()
			}
			if bits.Get(int(x), int(y)) != want {
				state++
				want = !want
				if state == 3 {
					return s
				}
			}
		}
		return math.NaN()
	}
	return (out(dx, dy) + out(-dx, -dy)) / 7
}

// projective is the grid-to-image map of a tilted code estimated from its
// three finder patterns alone: a homography fixed by their centres and by
// how the module size changes from one pattern to the next along the two
// edges (perspective makes modules shrink away from the camera). In
// normalized grid coordinates a, b (0 at the top-left finder's centre, 1 at
// the others') it is
//
//	p(a, b) = ((1-a-b)·TL + a·λ1·TR + b·λ2·BL) / ((1-a-b) + a·λ1 + b·λ2)
//
// whose module size at TR is 1/λ1² times that at TL along the top edge
// (likewise λ2 down the side), so λ1 = √(m_TL / m_TR).
type projective struct {
	tl, tr, bl [2]float64
	l1, l2     float64
	dim        int
}

// newProjective measures the finder patterns and returns the map and the
// grid size it implies (the number of modules between centres is the edge
// length over the geometric mean of the module sizes at its ends).
func newProjective(bits *gozxing.BitMatrix, tl, tr, bl gozxing.ResultPoint) (projective, float64, bool) {
	p := projective{
		tl: [2]float64{tl.GetX(), tl.GetY()},
		tr: [2]float64{tr.GetX(), tr.GetY()},
		bl: [2]float64{bl.GetX(), bl.GetY()},
	}
	ux, uy := p.tr[0]-p.tl[0], p.tr[1]-p.tl[1]
	vx, vy := p.bl[0]-p.tl[0], p.bl[1]-p.tl[1]
	mTLu := finderModule(bits, p.tl[0], p.tl[1], ux, uy)
	mTRu := finderModule(bits, p.tr[0], p.tr[1], ux, uy)
	mTLv := finderModule(bits, p.tl[0], p.tl[1], vx, vy)
	mBLv := finderModule(bits, p.bl[0], p.bl[1], vx, vy)
	if !(mTLu > 0.5 && mTRu > 0.5 && mTLv > 0.5 && mBLv > 0.5) {
		return p, 0, false
	}
	p.l1 = math.Sqrt(mTLu / mTRu)
	p.l2 = math.Sqrt(mTLv / mBLv)
	between := (math.Hypot(ux, uy)/math.Sqrt(mTLu*mTRu) + math.Hypot(vx, vy)/math.Sqrt(mTLv*mBLv)) / 2
	return p, between + 7, true
}

// at maps grid coordinates (modules, for a grid of p.dim) to the image.
func (p *projective) at(u, v float64) (float64, float64) {
	span := float64(p.dim - 7)
	a, b := (u-3.5)/span, (v-3.5)/span
	w0, w1, w2 := 1-a-b, a*p.l1, b*p.l2
	w := w0 + w1 + w2
	return (w0*p.tl[0] + w1*p.tr[0] + w2*p.bl[0]) / w, (w0*p.tl[1] + w1*p.tr[1] + w2*p.bl[1]) / w
}

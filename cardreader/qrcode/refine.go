package qrcode

import (
	"math"

	"github.com/makiuchi-d/gozxing"
	qrdecoder "github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// homography maps grid coordinates (modules, centres at +0.5) to image
// coordinates: x = (h0 u + h1 v + h2)/(h6 u + h7 v + 1), y likewise.
type homography [8]float64

func (h *homography) apply(u, v float64) (x, y float64) {
	w := h[6]*u + h[7]*v + 1
	return (h[0]*u + h[1]*v + h[2]) / w, (h[3]*u + h[4]*v + h[5]) / w
}

// correspondence pairs a point of the grid with where it was found.
type correspondence struct{ u, v, x, y float64 }

// fitHomography solves the least-squares homography through the
// correspondences (at least four), on coordinates scaled near 1 for a
// well-conditioned system. ok is false for a degenerate set.
func fitHomography(pts []correspondence, gridScale, imgScale float64) (h homography, ok bool) {
	var a [8][9]float64 // normal equations, augmented
	for _, p := range pts {
		u, v, x, y := p.u/gridScale, p.v/gridScale, p.x/imgScale, p.y/imgScale
		rows := [2][9]float64{
			{u, v, 1, 0, 0, 0, -u * x, -v * x, x},
			{0, 0, 0, u, v, 1, -u * y, -v * y, y},
		}
		for _, r := range rows {
			for i := range 8 {
				for j := range 9 {
					a[i][j] += r[i] * r[j]
				}
			}
		}
	}
	for c := range 8 {
		piv := c
		for r := c + 1; r < 8; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[piv][c]) {
				piv = r
			}
		}
		if math.Abs(a[piv][c]) < 1e-12 {
			return h, false
		}
		a[c], a[piv] = a[piv], a[c]
		for r := range 8 {
			if r == c {
				continue
			}
			f := a[r][c] / a[c][c]
			for j := c; j < 9; j++ {
				a[r][j] -= f * a[c][j]
			}
		}
	}
	var s [8]float64
	for i := range 8 {
		s[i] = a[i][8] / a[i][i]
	}
	// Undo the scaling: x = imgScale·x', u' = u/gridScale.
	g, m := gridScale, imgScale
	h = homography{s[0] * m / g, s[1] * m / g, s[2] * m, s[3] * m / g, s[4] * m / g, s[5] * m, s[6] / g, s[7] / g}
	return h, true
}

// transformMap is gozxing's grid transform through the three finder
// patterns and an alignment pattern, as a function.
func transformMap(tl, tr, bl gozxing.ResultPoint, align *detector.AlignmentPattern, dim int) func(u, v float64) (float64, float64) {
	t := detector.Detector_createTransform(tl, tr, bl, align, dim)
	return func(u, v float64) (float64, float64) {
		p := []float64{u, v}
		t.TransformPoints(p)
		return p[0], p[1]
	}
}

// refineGrid improves a grid estimate that failed to decode by finding
// the code's other alignment patterns (versions 7 and up have a lattice of
// them) where the estimate puts them, fitting a homography to all the
// patterns found, and sampling again; twice, since a better fit finds more
// patterns. Perspective and lens make the three-finder, one-alignment
// estimate drift by a module or more across a large tilted code.
func refineGrid(bits *gozxing.BitMatrix, tl, tr, bl gozxing.ResultPoint, predict func(u, v float64) (float64, float64), dim int) string {
	version, err := qrdecoder.Version_GetProvisionalVersionForDimension(dim)
	if err != nil {
		return ""
	}
	centres := version.GetAlignmentPatternCenters()
	if len(centres) < 3 {
		return "" // versions 1–6: nothing more to find
	}
	d := float64(dim)
	pts := []correspondence{
		{3.5, 3.5, tl.GetX(), tl.GetY()},
		{d - 3.5, 3.5, tr.GetX(), tr.GetY()},
		{3.5, d - 3.5, bl.GetX(), bl.GetY()},
	}
	base := len(pts)
	for round := 0; round < 2; round++ {
		pts = pts[:base]
		last := centres[len(centres)-1]
		for _, cy := range centres {
			for _, cx := range centres {
				if (cx == centres[0] && cy == centres[0]) || (cx == centres[0] && cy == last) || (cx == last && cy == centres[0]) {
					continue // under a finder pattern
				}
				u, v := float64(cx)+0.5, float64(cy)+0.5
				x, y := predict(u, v)
				x1, y1 := predict(u+1, v)
				local := math.Hypot(x1-x, y1-y)
				if !(local > 0.5 && x >= 0 && y >= 0 && x < float64(bits.GetWidth()) && y < float64(bits.GetHeight())) {
					continue
				}
				ap := findAlignment(bits, local, int(x), int(y), 2)
				if ap == nil || math.Hypot(ap.GetX()-x, ap.GetY()-y) > 2*local {
					continue
				}
				pts = append(pts, correspondence{u, v, ap.GetX(), ap.GetY()})
			}
		}
		if len(pts) < base+2 {
			return ""
		}
		h, ok := fitHomography(pts, d, 1000)
		if !ok {
			return ""
		}
		if text := sampleMap(bits, h.apply, dim); text != "" {
			return text
		}
		predict = h.apply
	}
	return ""
}

// sampleMap reads the dim×dim grid at module centres through the map m
// from grid to image coordinates, and decodes it.
func sampleMap(bits *gozxing.BitMatrix, m func(u, v float64) (float64, float64), dim int) string {
	grid, err := gozxing.NewBitMatrix(dim, dim)
	if err != nil {
		return ""
	}
	w, ht := bits.GetWidth(), bits.GetHeight()
	for i := 0; i < dim; i++ {
		for j := 0; j < dim; j++ {
			x, y := m(float64(j)+0.5, float64(i)+0.5)
			xi, yi := int(x), int(y)
			if !(x >= 0 && y >= 0 && x < float64(w) && y < float64(ht)) { // NaN too
				return ""
			}
			if bits.Get(xi, yi) {
				grid.Set(j, i)
			}
		}
	}
	res, err := qrDecoder.Decode(grid, hints)
	if err != nil {
		return ""
	}
	return res.GetText()
}

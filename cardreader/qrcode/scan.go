package qrcode

import (
	"math"
	"sort"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// binarizer turns a plane into a bit matrix (true = black).
type binarizer func(*plane) (*gozxing.BitMatrix, error)

// local is localThreshold with the flat-block range Decode uses, or
// gozxing's hybrid binarizer for planes too small for 5×5 blocks of 8
// pixels (which falls back to a global one).
func local(p *plane) (*gozxing.BitMatrix, error) {
	if p.w < 5*blockSize || p.h < 5*blockSize {
		src, err := p.source()
		if err != nil {
			return nil, err
		}
		return gozxing.NewHybridBinarizer(src).GetBlackMatrix()
	}
	return p.localThreshold(minRange)
}

// global is gozxing's global-histogram binarizer.
func global(p *plane) (*gozxing.BitMatrix, error) {
	src, err := p.source()
	if err != nil {
		return nil, err
	}
	return gozxing.NewGlobalHistgramBinarizer(src).GetBlackMatrix()
}

// source is the plane as a gozxing luminance source, without a copy.
func (p *plane) source() (gozxing.LuminanceSource, error) {
	return gozxing.NewPlanarYUVLuminanceSource(p.pix, p.stride, len(p.pix)/p.stride, 0, 0, p.w, p.h, false)
}

// Limits of the search, measured on the tuning corpus: the right triple is
// almost always among the first few, and each failed triple costs a grid
// sample and a Reed–Solomon attempt.
const (
	maxCentres = 10 // finder-pattern candidates considered, best confirmed first
	maxTriples = 8  // triples decoded per binarization
)

// scan binarizes the plane with b, finds finder-pattern candidates and
// decodes from the most plausible triples. candidates reports whether any
// finder-like pattern was seen, which is when another binarizer is worth a
// try.
func (p *plane) scan(b binarizer) (text string, candidates bool) {
	// A camera frame is outside input: a decoder bug must cost one frame,
	// not the kiosk.
	defer func() {
		if recover() != nil {
			text = ""
		}
	}()
	bits, err := b(p)
	if err != nil {
		return "", false
	}
	finder := detector.NewFinderPatternFinder(bits, nil)
	if info, err := finder.Find(hints); err == nil {
		if text := decodeTriple(bits, info); text != "" {
			return text, true
		}
	}
	centres := finder.GetPossibleCenters()
	if n := len(centres); n > 0 && n < 3 {
		// Some finder patterns but not three: a code tilted about an image
		// axis makes them taller than wide (or the reverse), and those
		// beyond the 40% gozxing's cross-check allows are missed. When the
		// ones found are already out of square, look again on a copy
		// whose rows are resampled to make them square.
		for _, c := range centres {
			h := finderModule(bits, c.GetX(), c.GetY(), 1, 0)
			v := finderModule(bits, c.GetX(), c.GetY(), 0, 1)
			if r := v / h; r > 1.15 || r < 1/1.15 {
				centres = append(centres, rescaledCentres(bits, min(max(1/r, 0.5), 2))...)
				break
			}
		}
	}
	if len(centres) < 3 {
		return "", len(centres) > 0
	}
	for _, t := range triples(centres) {
		if text := decodeTriple(bits, t); text != "" {
			return text, true
		}
	}
	return "", true
}

// triples returns plausible (bottom-left, top-left, top-right) triples of
// the candidates, best first. Under a 45° tilt the two sides of the code
// differ by up to √2 and the corner angle departs from 90°, so the checks
// are looser than gozxing's.
func triples(centres []*detector.FinderPattern) []*detector.FinderPatternInfo {
	cs := append([]*detector.FinderPattern(nil), centres...)
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].GetCount() > cs[j].GetCount() })
	if len(cs) > maxCentres {
		cs = cs[:maxCentres]
	}
	type scored struct {
		info  *detector.FinderPatternInfo
		score float64
	}
	var out []scored
	for i := 0; i < len(cs); i++ {
		for j := i + 1; j < len(cs); j++ {
			for k := j + 1; k < len(cs); k++ {
				a, b, c := cs[i], cs[j], cs[k]
				ms := []float64{a.GetEstimatedModuleSize(), b.GetEstimatedModuleSize(), c.GetEstimatedModuleSize()}
				lo, hi := math.Min(ms[0], math.Min(ms[1], ms[2])), math.Max(ms[0], math.Max(ms[1], ms[2]))
				if hi > 1.7*lo {
					continue
				}
				bl, tl, tr := gozxing.ResultPoint_OrderBestPatterns(a, b, c)
				d1 := gozxing.ResultPoint_Distance(tl, tr)
				d2 := gozxing.ResultPoint_Distance(tl, bl)
				d3 := gozxing.ResultPoint_Distance(bl, tr)
				mod := (lo + hi) / 2
				if d1 < 14*mod || d2 < 14*mod || d1 > 190*mod || d2 > 190*mod {
					continue // between versions 1 and 40
				}
				ratio := d1 / d2
				if ratio < 0.55 || ratio > 1.8 {
					continue
				}
				// The angle at the top-left pattern.
				cos := (d1*d1 + d2*d2 - d3*d3) / (2 * d1 * d2)
				if math.Abs(cos) > 0.6 {
					continue
				}
				score := math.Abs(math.Log(ratio)) + math.Abs(cos) + (hi-lo)/lo -
					0.05*float64(a.GetCount()+b.GetCount()+c.GetCount())
				out = append(out, scored{detector.NewFinderPatternInfo(bl.(*detector.FinderPattern), tl.(*detector.FinderPattern), tr.(*detector.FinderPattern)), score})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].score < out[j].score })
	if len(out) > maxTriples {
		out = out[:maxTriples]
	}
	infos := make([]*detector.FinderPatternInfo, len(out))
	for i, s := range out {
		infos[i] = s.info
	}
	return infos
}

var qrDecoder = decoder.NewDecoder()

// decodeTriple samples and decodes the grid the triple spans: first as
// gozxing's detector does, which suffices for a code seen nearly face on;
// then through the perspective estimated from the finder patterns (see
// decodeProjective), since tilt defeats gozxing's guesses of the grid size
// and of where the bottom-right alignment pattern lies (it completes the
// parallelogram of the three centres, which at 40° misses by a dozen
// modules).
func decodeTriple(bits *gozxing.BitMatrix, info *detector.FinderPatternInfo) string {
	if r, err := detector.NewDetector(bits).ProcessFinderPatternInfo(info); err == nil {
		if res, err := qrDecoder.Decode(r.GetBits(), hints); err == nil {
			return res.GetText()
		}
	}
	return decodeProjective(bits, info.GetTopLeft(), info.GetTopRight(), info.GetBottomLeft())
}

// findAlignment looks for the alignment pattern in a square of
// ±allowance·mod around (x, y), as gozxing's detector does.
func findAlignment(bits *gozxing.BitMatrix, mod float64, x, y int, allowance float64) *detector.AlignmentPattern {
	a := int(allowance * mod)
	left, right := max(x-a, 0), min(x+a, bits.GetWidth()-1)
	top, bottom := max(y-a, 0), min(y+a, bits.GetHeight()-1)
	if float64(right-left) < 3*mod || float64(bottom-top) < 3*mod {
		return nil
	}
	ap, err := detector.NewAlignmentPatternFinder(bits, left, top, right-left, bottom-top, mod, nil).Find()
	if err != nil {
		return nil
	}
	return ap
}

// decodeProjective decodes through the perspective estimated from the
// finder patterns' module sizes (see projective): the grid size it implies
// and its neighbours, each sampled directly, then with the bottom-right
// alignment pattern found where the estimate puts it, then refined on the
// other alignment patterns.
func decodeProjective(bits *gozxing.BitMatrix, tl, tr, bl gozxing.ResultPoint) string {
	p, between, ok := newProjective(bits, tl, tr, bl)
	if !ok {
		return ""
	}
	d := 17 + 4*int(math.Round((between-17)/4))
	for _, dim := range []int{d, d - 4, d + 4} {
		if dim < 21 || dim > 177 {
			continue
		}
		p.dim = dim
		if dim > 21 {
			u := float64(dim) - 6.5
			x, y := p.at(u, u)
			x1, y1 := p.at(u+1, u)
			if !(x >= 0 && y >= 0 && x < float64(bits.GetWidth()) && y < float64(bits.GetHeight())) {
				continue
			}
			if ap := findAlignment(bits, math.Hypot(x1-x, y1-y), int(x), int(y), 4); ap != nil {
				m := transformMap(tl, tr, bl, ap, dim)
				if text := sampleMap(bits, m, dim); text != "" {
					return text
				}
				if text := refineGrid(bits, tl, tr, bl, m, dim); text != "" {
					return text
				}
			}
		}
		if text := sampleMap(bits, p.at, dim); text != "" {
			return text
		}
		if text := refineGrid(bits, tl, tr, bl, p.at, dim); text != "" {
			return text
		}
	}
	return ""
}

// rescaledCentres finds finder-pattern candidates on a copy of bits whose
// rows are resampled by scale, and returns them in bits' coordinates.
func rescaledCentres(bits *gozxing.BitMatrix, scale float64) []*detector.FinderPattern {
	w, h := bits.GetWidth(), bits.GetHeight()
	nh := int(float64(h) * scale)
	m, err := gozxing.NewBitMatrix(w, nh)
	if err != nil {
		return nil
	}
	row := gozxing.NewBitArray(w)
	for y := 0; y < nh; y++ {
		row = bits.GetRow(min(int(float64(y)/scale), h-1), row)
		m.SetRow(y, row)
	}
	f := detector.NewFinderPatternFinder(m, nil)
	f.Find(hints)
	var out []*detector.FinderPattern
	for _, c := range f.GetPossibleCenters() {
		out = append(out, detector.NewFinderPattern(c.GetX(), c.GetY()/scale, c.GetEstimatedModuleSize(), c.GetCount()))
	}
	return out
}

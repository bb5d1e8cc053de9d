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

// local is the local threshold with the flat-block range Decode uses.
func local(p *plane) (*gozxing.BitMatrix, error) { return p.binarize(minRange) }

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

// binarize is localThreshold, or gozxing's hybrid binarizer for planes too
// small for 5×5 blocks of 8 pixels (which falls back to a global one).
func (p *plane) binarize(minRange int) (*gozxing.BitMatrix, error) {
	if p.w < 5*blockSize || p.h < 5*blockSize {
		src, err := p.source()
		if err != nil {
			return nil, err
		}
		return gozxing.NewHybridBinarizer(src).GetBlackMatrix()
	}
	return p.localThreshold(minRange)
}

// Limits of the search, measured on the tuning corpus: the right triple is
// almost always among the first few, and each failed triple costs a grid
// sample and a Reed–Solomon attempt.
const (
	maxCentres = 10 // finder-pattern candidates considered, best confirmed first
	maxTriples = 8  // triples decoded per binarization
)

// scan binarizes the plane with b, finds finder-pattern candidates and
// decodes from the most plausible triples. candidates reports whether at
// least three finder-like patterns were seen, which is when another
// binarizer is worth a try.
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
	if info, err := finder.Find(findHints); err == nil {
		if text := decodeTriple(bits, info); text != "" {
			return text, true
		}
	}
	centres := finder.GetPossibleCenters()
	if len(centres) < 3 {
		return "", false
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

// findHints leave out TRY_HARDER for the finder-pattern scan: it then
// scans every fifth row of a 720-line frame instead of every third, which
// still crosses a finder pattern of 3 px modules (9 px across its centre)
// at least once, and found as many codes on the tuning corpus for 7% less
// CPU.
var findHints = map[gozxing.DecodeHintType]any{}

// decodeTriple samples and decodes the grid the triple spans. First as
// gozxing's detector does; then, since perspective tilt defeats its guess
// of where the bottom-right alignment pattern lies (it completes the
// parallelogram) and of the grid size, with alignment patterns searched
// around several perspective-shifted guesses, at its grid size and one
// version either side.
func decodeTriple(bits *gozxing.BitMatrix, info *detector.FinderPatternInfo) string {
	tried := 0
	if r, err := detector.NewDetector(bits).ProcessFinderPatternInfo(info); err == nil {
		tried = r.GetBits().GetWidth()
		if res, err := qrDecoder.Decode(r.GetBits(), hints); err == nil {
			return res.GetText()
		}
	}
	tl, tr, bl := info.GetTopLeft(), info.GetTopRight(), info.GetBottomLeft()
	mod := (tl.GetEstimatedModuleSize() + tr.GetEstimatedModuleSize() + bl.GetEstimatedModuleSize()) / 3
	dims := []int{tried, tried - 4, tried + 4}
	if tried == 0 {
		between := (gozxing.ResultPoint_Distance(tl, tr) + gozxing.ResultPoint_Distance(tl, bl)) / 2 / mod
		d := 17 + 4*int(math.Round((between+7-17)/4)) // the nearest 17 + 4·version
		dims = []int{d, d - 4, d + 4}
	}
	for _, d := range dims {
		if d < 21 || d > 177 {
			continue
		}
		if text := decodeGrid(bits, tl, tr, bl, mod, d); text != "" {
			return text
		}
	}
	return ""
}

// alignmentShifts are the guesses, in modules along the code's two axes,
// of how far perspective moves the bottom-right alignment pattern from
// where the parallelogram of the three finder patterns puts it. Measured
// on the tuning corpus, the true position lies within ±8 modules for tilts
// up to 45°; each guess is searched ±3 modules.
var alignmentShifts = [...][2]float64{
	{0, 0}, {-4, -4}, {4, 4}, {-4, 4}, {4, -4}, {-4, 0}, {4, 0}, {0, -4}, {0, 4},
	{-8, -8}, {8, 8}, {-8, 0}, {8, 0}, {0, -8}, {0, 8}, {-8, 8}, {8, -8},
}

// decodeGrid tries the grid of size dim with each distinct alignment
// pattern found around the guesses, then without one.
func decodeGrid(bits *gozxing.BitMatrix, tl, tr, bl gozxing.ResultPoint, mod float64, dim int) string {
	try := func(align *detector.AlignmentPattern) string {
		transform := detector.Detector_createTransform(tl, tr, bl, align, dim)
		grid, err := detector.Detector_sampleGrid(bits, transform, dim)
		if err != nil {
			return ""
		}
		res, err := qrDecoder.Decode(grid, hints)
		if err != nil {
			return ""
		}
		return res.GetText()
	}
	if dim > 21 {
		span := float64(dim - 7)
		ux, uy := (tr.GetX()-tl.GetX())/span, (tr.GetY()-tl.GetY())/span // one module along the top
		vx, vy := (bl.GetX()-tl.GetX())/span, (bl.GetY()-tl.GetY())/span // one module down the side
		at := span - 3                                                   // the alignment pattern's centre, in modules from TL's
		var seen []*detector.AlignmentPattern
	guesses:
		for _, s := range alignmentShifts {
			a, b := at+s[0], at+s[1]
			x := int(tl.GetX() + a*ux + b*vx)
			y := int(tl.GetY() + a*uy + b*vy)
			ap := findAlignment(bits, mod, x, y, 3)
			if ap == nil {
				continue
			}
			for _, p := range seen {
				if math.Abs(p.GetX()-ap.GetX()) < mod && math.Abs(p.GetY()-ap.GetY()) < mod {
					continue guesses
				}
			}
			seen = append(seen, ap)
			if text := try(ap); text != "" {
				return text
			}
		}
	}
	return try(nil)
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

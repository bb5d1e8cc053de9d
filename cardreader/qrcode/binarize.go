package qrcode

import "github.com/makiuchi-d/gozxing"

// Local thresholding, as gozxing's HybridBinarizer does it (8×8 blocks, a
// black point per block, each block thresholded at the mean black point
// of the 5×5 blocks around it), written for a byte plane: it reads the
// camera's Y plane in place and packs 32 pixels into each word of the bit
// matrix instead of setting pixels one by one, which halves the cost of a
// frame in which nothing is found.
//
// A block whose grey range is at most minRange counts as flat: all
// background, or as dark as its neighbours say. gozxing uses 24; a dim,
// blurred code on a card under the lamp has edges of less than that.
const (
	blockPower      = 3
	blockSize       = 1 << blockPower
	blockMask       = blockSize - 1
	minRangeGozxing = 24
)

// minRange is the flat-block range Decode uses, chosen on the tuning
// corpus.
var minRange = 16

// localThreshold returns the bit matrix (true = black) of p.
func (p *plane) localThreshold(minRange int) (*gozxing.BitMatrix, error) {
	w, h := p.w, p.h
	subW, subH := (w+blockMask)>>blockPower, (h+blockMask)>>blockPower
	black := make([]int, subW*subH)
	for by := 0; by < subH; by++ {
		y0 := min(by<<blockPower, h-blockSize)
		for bx := 0; bx < subW; bx++ {
			x0 := min(bx<<blockPower, w-blockSize)
			sum, lo, hi := 0, 255, 0
			for y := y0; y < y0+blockSize; y++ {
				r := (*[blockSize]byte)(p.pix[y*p.stride+x0:])
				for _, v := range r {
					px := int(v)
					sum += px
					lo = min(lo, px)
					hi = max(hi, px)
				}
			}
			avg := sum >> (2 * blockPower)
			if hi-lo <= minRange {
				// A flat block: background unless its neighbours, already
				// computed, say it lies inside a dark region.
				avg = lo / 2
				if by > 0 && bx > 0 {
					n := (black[(by-1)*subW+bx] + 2*black[by*subW+bx-1] + black[(by-1)*subW+bx-1]) / 4
					if lo < n {
						avg = n
					}
				}
			}
			black[by*subW+bx] = avg
		}
	}
	m, err := gozxing.NewBitMatrix(w, h)
	if err != nil {
		return nil, err
	}
	row := gozxing.NewBitArray(w)
	words := row.GetBitArray()
	thresh := make([]int, subW)
	tby := -1
	for y := 0; y < h; y++ {
		if by := min(y>>blockPower, subH-1); by != tby {
			tby = by
			top := min(max(by, 2), subH-3)
			for bx := range thresh {
				left := min(max(bx, 2), subW-3)
				sum := 0
				for dy := -2; dy <= 2; dy++ {
					r := black[(top+dy)*subW:]
					sum += r[left-2] + r[left-1] + r[left] + r[left+1] + r[left+2]
				}
				thresh[bx] = sum / 25
			}
		}
		pix := p.pix[y*p.stride : y*p.stride+w]
		clear(words)
		x := 0
		// Whole words first: four blocks of eight pixels, branch-free.
		for ; x+32 <= w && (x+32)>>blockPower <= subW; x += 32 {
			var word uint32
			for k := 0; k < 32; k += blockSize {
				t := thresh[(x+k)>>blockPower]
				r := (*[blockSize]byte)(pix[x+k:])
				for i, v := range r {
					// v <= t: the sign bit of t-v is clear.
					word |= (1 ^ uint32(uint(t-int(v))>>63)) << uint(k+i)
				}
			}
			words[x>>5] = word
		}
		for ; x < w; x++ {
			if int(pix[x]) <= thresh[min(x>>blockPower, subW-1)] {
				words[x>>5] |= 1 << uint(x&31)
			}
		}
		m.SetRow(y, row)
	}
	return m, nil
}

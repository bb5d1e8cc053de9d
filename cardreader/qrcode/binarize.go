package qrcode

import (
	"encoding/binary"

	"github.com/makiuchi-d/gozxing"
)

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
const minRange = 16

// localThreshold returns the bit matrix (true = black) of p.
func (p *plane) localThreshold(minRange int) (*gozxing.BitMatrix, error) {
	w, h := p.w, p.h
	subW, subH := (w+blockMask)>>blockPower, (h+blockMask)>>blockPower
	black := make([]int, subW*subH)
	for by := 0; by < subH; by++ {
		y0 := min(by<<blockPower, h-blockSize)
		for bx := 0; bx < subW; bx++ {
			x0 := min(bx<<blockPower, w-blockSize)
			sum, lo, hi := blockStats(p.pix[y0*p.stride+x0:], p.stride)
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
				word |= uint32(below(thresh[(x+k)>>blockPower], binary.LittleEndian.Uint64(pix[x+k:]))) << uint(k)
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

// below returns a bit for each of the eight pixels packed in w (the first
// in the low byte), set when the pixel is at most t, without a branch or a
// loop: the pixels go into 16-bit lanes as 0x8000 + t - v, whose top bit
// is set exactly when v <= t, and a multiplication gathers the four top
// bits of each half into adjacent bits.
func below(t int, w uint64) uint8 {
	const (
		lanes = 0x00FF00FF00FF00FF
		ones  = 0x0001000100010001
		top   = 0x8000800080008000
		// Bit 16i times 2^(14(3-i)) lands on 42+2i; no two products share
		// a bit, so nothing carries.
		gather = 1<<42 | 1<<28 | 1<<14 | 1
	)
	tt := uint64(t)*ones + top
	even := (tt - w&lanes) >> 15 & ones
	odd := (tt - w>>8&lanes) >> 15 & ones
	return uint8((even*gather)>>42&0x55 | (odd*gather)>>41&0xAA)
}

// blockStats returns the sum, minimum and maximum of the 8×8 block at the
// start of pix (rows stride apart). The eight pixels of a row are handled
// at once in two sets of four 16-bit lanes (even and odd pixels), whose
// lane-wise minimum and maximum are kept with masks, not branches.
func blockStats(pix []byte, stride int) (sum, lo, hi int) {
	const (
		lanes = 0x00FF00FF00FF00FF
		ones  = 0x0001000100010001
		top   = 0x8000800080008000
	)
	// ge is all ones in the lanes where a >= b.
	ge := func(a, b uint64) uint64 { return ((a | top) - b) >> 15 & ones * 0xFFFF }
	var acc uint64
	mn, mx := uint64(lanes), uint64(0)
	for y := 0; y < blockSize; y++ {
		w := binary.LittleEndian.Uint64(pix[y*stride:])
		e, o := w&lanes, w>>8&lanes
		acc += e + o // lanes stay below 8·510
		m := ge(e, o)
		big, small := e&m|o&^m, o&m|e&^m
		m = ge(big, mx)
		mx = big&m | mx&^m
		m = ge(small, mn)
		mn = mn&m | small&^m
	}
	sum = int((acc * ones) >> 48)
	lo, hi = 255, 0
	for i := 0; i < 64; i += 16 {
		lo = min(lo, int(mn>>i&0xFF))
		hi = max(hi, int(mx>>i&0xFF))
	}
	return sum, lo, hi
}

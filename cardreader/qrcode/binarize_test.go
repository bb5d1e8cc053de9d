package qrcode

import (
	"testing"

	"github.com/makiuchi-d/gozxing"

	"motcua/cardreader/qrcode/corpus"
)

// TestLocalThresholdMatchesGozxing: with gozxing's flat-block range, the
// packed local threshold gives gozxing's HybridBinarizer's bits exactly.
func TestLocalThresholdMatchesGozxing(t *testing.T) {
	for _, i := range []int{0, 3, 11} {
		f, err := corpus.Make(corpus.Tune, i)
		if err != nil {
			t.Fatal(err)
		}
		img, err := f.Decode()
		if err != nil {
			t.Fatal(err)
		}
		p := grey(img)
		got, err := p.localThreshold(minRangeGozxing)
		if err != nil {
			t.Fatal(err)
		}
		src, _ := p.source()
		want, err := gozxing.NewHybridBinarizer(src).GetBlackMatrix()
		if err != nil {
			t.Fatal(err)
		}
		diff := 0
		for y := 0; y < p.h; y++ {
			for x := 0; x < p.w; x++ {
				if got.Get(x, y) != want.Get(x, y) {
					diff++
				}
			}
		}
		if diff != 0 {
			t.Errorf("%s: %d pixels differ from gozxing's HybridBinarizer", f.Name, diff)
		}
	}
}

func BenchmarkBinarize(b *testing.B) {
	f, _ := corpus.Make(corpus.Tune, 0)
	img, _ := f.Decode()
	p := grey(img)
	b.Run("packed", func(b *testing.B) {
		cpuLoop(b, func() { p.localThreshold(minRangeGozxing) })
	})
	b.Run("gozxing", func(b *testing.B) {
		cpuLoop(b, func() {
			src, _ := p.source()
			gozxing.NewHybridBinarizer(src).GetBlackMatrix()
		})
	})
}

// cpuLoop runs f b.N times and reports the process CPU time per call as
// cpu-ns/op: on a shared machine wall time mostly measures the neighbours.
func cpuLoop(b *testing.B, f func()) {
	t0 := processCPU()
	for b.Loop() {
		f()
	}
	b.ReportMetric((processCPU()-t0)*1e9/float64(b.N), "cpu-ns/op")
}

// TestBelow checks the packed comparison against the plain one for every
// threshold, on edge and random pixels.
func TestBelow(t *testing.T) {
	words := []uint64{0, ^uint64(0), 0x0001FEFF80807F00, 0x00FF00FF00FF00FF, 0xFF00FF00FF00FF00}
	seed := uint64(0x9E3779B97F4A7C15)
	for range 200 {
		seed ^= seed << 13
		seed ^= seed >> 7
		seed ^= seed << 17
		words = append(words, seed)
	}
	for th := 0; th <= 255; th++ {
		for _, w := range words {
			var want uint8
			for i := range 8 {
				if int(w>>(8*i)&0xFF) <= th {
					want |= 1 << i
				}
			}
			if got := below(th, w); got != want {
				t.Fatalf("below(%d, %016x) = %08b, want %08b", th, w, got, want)
			}
		}
	}
}

// TestBlockStats checks the lane-wise block statistics against a plain
// loop on flat, extreme and random blocks.
func TestBlockStats(t *testing.T) {
	const stride = 13
	seed := uint64(0xD1B54A32D192ED03)
	for n := range 300 {
		pix := make([]byte, 7*stride+8)
		for i := range pix {
			seed ^= seed << 13
			seed ^= seed >> 7
			seed ^= seed << 17
			switch n % 3 {
			case 0:
				pix[i] = byte(seed)
			case 1:
				pix[i] = 255 * byte(seed&1) // only 0 and 255
			default:
				pix[i] = byte(100 + seed%3) // nearly flat
			}
		}
		sum, lo, hi := 0, 255, 0
		for y := range 8 {
			for _, v := range pix[y*stride : y*stride+8] {
				sum += int(v)
				lo, hi = min(lo, int(v)), max(hi, int(v))
			}
		}
		gs, gl, gh := blockStats(pix, stride)
		if gs != sum || gl != lo || gh != hi {
			t.Fatalf("block %d: got %d %d %d, want %d %d %d", n, gs, gl, gh, sum, lo, hi)
		}
	}
}

package memtest

import "testing"

// Holding 64 MiB live while fn runs shows as at least most of it.
func TestPeakGrowthSeesLiveData(t *testing.T) {
	var keep []byte
	got := PeakGrowth(func() {
		keep = make([]byte, 64<<20)
		for i := range keep {
			keep[i] = byte(i)
		}
	})
	if got < 48<<20 {
		t.Errorf("peak growth %d MiB while 64 MiB were live", got>>20)
	}
	_ = keep[len(keep)-1]
}

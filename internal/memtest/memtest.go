// Package memtest measures how far the heap rises while a function runs,
// for tests that check a stream is not held in memory whole.
package memtest

import (
	"runtime"
	"runtime/debug"
	"time"
)

// PeakGrowth runs fn and returns how far the heap in use rose above its
// level before (sampled every 2 ms, with the GC kept tight so the heap in
// use is close to the live data).
func PeakGrowth(fn func()) int64 {
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	stop, done := make(chan struct{}), make(chan uint64)
	go func() {
		var peak uint64
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-stop:
				done <- peak
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	fn()
	close(stop)
	return int64(<-done) - int64(base.HeapInuse)
}

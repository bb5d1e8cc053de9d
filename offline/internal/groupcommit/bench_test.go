package groupcommit

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// BenchmarkCommit compares, in one run, durable commits of one small put
// from 1, 4 and 16 goroutines: this package, bbolt's DB.Batch (the timer
// it replaces, at the 2 ms the store used), and one db.Update per write.
func BenchmarkCommit(b *testing.B) {
	for _, conc := range []int{1, 4, 16} {
		for _, way := range []string{"groupcommit", "bolt-batch-2ms", "bolt-update"} {
			b.Run(fmt.Sprintf("%s/conc=%d", way, conc), func(b *testing.B) {
				db := openDB(b, false)
				db.MaxBatchDelay = 2 * time.Millisecond
				g := New(db)
				do := map[string]func(func(*bolt.Tx) error) error{
					"groupcommit": g.Do, "bolt-batch-2ms": db.Batch, "bolt-update": db.Update}[way]
				var n atomic.Int64
				var wg sync.WaitGroup
				b.ResetTimer()
				for range conc {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							i := n.Add(1)
							if i > int64(b.N) {
								return
							}
							if err := do(put(int(i))); err != nil {
								b.Error(err)
								return
							}
						}
					}()
				}
				wg.Wait()
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
			})
		}
	}
}

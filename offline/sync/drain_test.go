package sync

import (
	"context"
	"net"
	"net/http"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"motcua/offline/internal/testdossier"
	"motcua/offline/portal"
	"motcua/offline/portalserver"
	"motcua/offline/store"
)

// fill enqueues n dossiers. Setup only: the store is opened without fsync
// for speed, then reopened durable for the drain.
func fill(tb testing.TB, dir string, n int) {
	tb.Helper()
	st, err := store.OpenDir(dir, filepath.Join(dir, "data.key"), store.Options{NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	for i := 0; i < n; i++ {
		if _, _, err := st.Enqueue(testdossier.New(i, now.Add(time.Duration(i)*time.Microsecond)), nil); err != nil {
			tb.Fatal(err)
		}
	}
}

// heapWatch samples the live heap until stop is closed and returns the peak.
func heapWatch(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		var peak uint64
		var ms runtime.MemStats
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-stop:
				out <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return out
}

// TestDrain10k: the portal is down while 10,000 dossiers queue up (and 100
// more arrive while the worker runs). The worker must not hammer it (at
// most one round of sends, then probes with backoff), and when the portal
// comes up it drains them all exactly once, durably, with a bounded heap
// (the outbox is read a page of IDs at a time).
func TestDrain10k(t *testing.T) {
	const n = 10_000
	kdir := t.TempDir()
	t0 := time.Now()
	fill(t, kdir, n)
	t.Logf("queued %d dossiers in %v (setup, no fsync)", n, time.Since(t0).Round(time.Millisecond))
	st, err := store.OpenDir(kdir, filepath.Join(kdir, "data.key"), store.Options{}) // durable
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close() // down
	client, _ := portal.NewHTTPClient("http://"+addr, "tok")
	w, _ := New(Config{Store: st, Client: client, Concurrency: 16, ProbeBase: 10 * time.Millisecond, ProbeMax: 100 * time.Millisecond})

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	stopHeap := make(chan struct{})
	peakc := heapWatch(stopHeap)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	snaps := w.Watch(ctx)
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	waitFor(t, snaps, func(s Snapshot) bool { return !s.Online && s.Probes >= 5 })
	// More dossiers arrive while the portal is down (each signals the
	// worker): still no sends, only the probe schedule.
	const more = 100
	for i := 0; i < more; i++ {
		if _, _, err := st.Enqueue(testdossier.New(i, time.Now()), nil); err != nil {
			t.Fatal(err)
		}
	}
	probes := w.Snapshot().Probes
	waitFor(t, snaps, func(s Snapshot) bool { return s.Probes >= probes+2 })
	if s := w.Snapshot(); s.SendAttempts > 16 || st.OutboxLen() != n+more {
		t.Fatalf("while down: %d sends (want ≤ 16, one round), outbox %d", s.SendAttempts, st.OutboxLen())
	}

	srv, err := portalserver.Open(portalserver.Config{Dir: t.TempDir(), Tokens: map[string]string{"tok": "K"}}) // durable
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	pl, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: srv.Handler()}
	go hs.Serve(pl)
	defer hs.Close()
	up := time.Now()
	waitFor(t, snaps, func(s Snapshot) bool { return s.Queue == 0 && s.Sent == n+more })
	took := time.Since(up)
	close(stopHeap)
	peak := <-peakc
	cancel()
	<-done

	c, _ := srv.Count()
	if c.Dossiers != n+more || c.DistinctKioskDossierIDs != n+more {
		t.Fatalf("portal %+v, want %d each", c, n+more)
	}
	if probs, _ := st.Check(); len(probs) > 0 {
		t.Fatalf("store: %d problems, first %v", len(probs), probs[0])
	}
	growth := int64(peak) - int64(base.HeapInuse)
	t.Logf("drained %d dossiers in %v (%.0f/s) after %d probes while down; heap in use: base %.1f MiB, peak %.1f MiB (+%.1f MiB)",
		n+more, took.Round(time.Millisecond), float64(n+more)/took.Seconds(), w.Snapshot().Probes,
		float64(base.HeapInuse)/(1<<20), float64(peak)/(1<<20), float64(growth)/(1<<20))
	// Bounded: a page of IDs and the in-flight dossiers, not the queue.
	// Both the kiosk and the portal run in this process; 64 MiB is far
	// below what holding 10,000 dossiers in memory at once would take.
	if growth > 64<<20 {
		t.Fatalf("heap grew by %d MiB during the drain", growth>>20)
	}
}

package sync

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"motcua/offline/portal"
	"motcua/offline/portalserver"
	"motcua/offline/store"
)

// benchDrain fills a store with n dossiers (setup, not timed) and times one
// durable Drain of all of them into a local durable portal.
func benchDrain(b *testing.B, n, conc int, noSync bool) {
	var total time.Duration
	for b.Loop() {
		b.StopTimer()
		kdir := b.TempDir()
		fill(b, kdir, n)
		st, err := store.OpenDir(kdir, filepath.Join(kdir, "data.key"), store.Options{NoSync: noSync})
		if err != nil {
			b.Fatal(err)
		}
		srv, err := portalserver.Open(portalserver.Config{Dir: b.TempDir(), Tokens: map[string]string{"tok": "K"}, NoSync: noSync})
		if err != nil {
			b.Fatal(err)
		}
		ts := httptest.NewServer(srv.Handler())
		client, _ := portal.NewHTTPClient(ts.URL, "tok")
		w, _ := New(Config{Store: st, Client: client, Concurrency: conc})
		b.StartTimer()
		t := time.Now()
		res, err := w.Drain(context.Background())
		total += time.Since(t)
		b.StopTimer()
		if err != nil || res.Sent != n {
			b.Fatalf("drain %+v %v", res, err)
		}
		ts.Close()
		srv.Close()
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/total.Seconds(), "dossiers/s")
	b.ReportMetric(total.Seconds()/float64(b.N), "s/drain")
}

// BenchmarkSyncThroughput: 1,000 dossiers to the local portal, both sides
// fsyncing, at several concurrencies.
func BenchmarkSyncThroughput(b *testing.B) {
	for _, c := range []int{1, 4, 16} {
		b.Run("conc="+itoa(c), func(b *testing.B) { benchDrain(b, 1000, c, false) })
	}
	b.Run("conc=16/nosync", func(b *testing.B) { benchDrain(b, 1000, 16, true) })
}

// BenchmarkDrain10k is the drain time for 10,000 queued dossiers (run with
// -benchtime=1x; setup takes a while).
func BenchmarkDrain10k(b *testing.B) { benchDrain(b, 10_000, 16, false) }

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

package pgstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"motcua/internal/pgtest"
	"motcua/offline/dossier"
	"motcua/offline/heartbeat"
	"motcua/offline/internal/testdossier"
	"motcua/offline/portal"
	"motcua/offline/portalserver"
)

// BenchmarkFleetLoad is a province's portal under load on this machine:
// 1,000 simulated kiosks heartbeating, at the real rate (every 30 s: 33
// heartbeats/s) and at 30 times it (every second: 1,000/s), while 32
// clients file dossiers back to back through the HTTP API. One op is one dossier. It reports p50/p99
// latency of intake and heartbeat, and dossiers and heartbeats per second,
// for PostgreSQL and for the embedded bbolt store side by side, both
// durable (fsync / synchronous_commit on).
//
//	go test ./offline/portalserver/pgstore -run '^$' -bench FleetLoad -benchtime 3000x
func BenchmarkFleetLoad(b *testing.B) {
	const kiosks = 1000
	tokens := map[string]string{}
	for i := range kiosks {
		tokens[fmt.Sprintf("tok-%04d", i)] = fmt.Sprintf("KIOSK-%04d", i)
	}
	for _, bc := range []struct {
		backend string
		every   time.Duration
	}{{"bbolt", 30 * time.Second}, {"postgres", 30 * time.Second}, {"bbolt", time.Second}, {"postgres", time.Second}} {
		backend, every := bc.backend, bc.every
		b.Run(fmt.Sprintf("%s/heartbeat-every-%v", backend, every), func(b *testing.B) {
			var st portalserver.Store
			var err error
			if backend == "postgres" {
				st, err = Open(context.Background(), pgtest.NewDB(b))
			} else {
				st, err = portalserver.OpenBolt(b.TempDir(), false)
			}
			if err != nil {
				b.Fatal(err)
			}
			srv, err := portalserver.Open(portalserver.Config{Store: st, Tokens: tokens, Agency: "000.00.01.H22"})
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Close()
			lim := portalserver.Limits{MaxConns: 2048}
			l, err := portalserver.Listen("127.0.0.1:0", lim)
			if err != nil {
				b.Fatal(err)
			}
			hs := portalserver.HTTPServer(srv.Handler(), lim, nil)
			go hs.Serve(l)
			defer hs.Close()
			base := "http://" + l.Addr().String()
			tr := &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 512}
			defer tr.CloseIdleConnections()
			hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}

			// Heartbeats: every kiosk once a second, phases spread.
			stop := make(chan struct{})
			var hbWG sync.WaitGroup
			var hbMu sync.Mutex
			var hbLat []time.Duration
			var hbErr atomic.Int64
			for i := range kiosks {
				hbWG.Go(func() {
					tok := fmt.Sprintf("tok-%04d", i)
					select {
					case <-stop:
						return
					case <-time.After(rand.N(every)):
					}
					tick := time.NewTicker(every)
					defer tick.Stop()
					for n := 0; ; n++ {
						st := heartbeat.Status{Version: "1.4.0", Mode: heartbeat.ModeCounter, Ward: "Phường Hoàn Kiếm", At: time.Now(),
							Queue: n % 3, Online: true, Reader: heartbeat.Device{State: heartbeat.StateOK}, FreeDiskBytes: 40 << 30}
						if st.Queue > 0 {
							st.OldestQueued = st.At.Add(-time.Minute)
						}
						body, _ := json.Marshal(st)
						req, _ := http.NewRequest("POST", base+heartbeat.Path, bytes.NewReader(body))
						req.Header.Set("Authorization", "Bearer "+tok)
						t0 := time.Now()
						resp, err := hc.Do(req)
						d := time.Since(t0)
						if err != nil || resp.StatusCode != http.StatusNoContent {
							hbErr.Add(1)
						}
						if resp != nil {
							resp.Body.Close()
						}
						hbMu.Lock()
						hbLat = append(hbLat, d)
						hbMu.Unlock()
						select {
						case <-stop:
							return
						case <-tick.C:
						}
					}
				})
			}
			time.Sleep(min(every, 1200*time.Millisecond)) // warm up
			hbMu.Lock()
			hbLat = hbLat[:0]
			hbMu.Unlock()

			// Intake: 32 clients, b.N dossiers, each from a random kiosk.
			const clients = 32
			var next atomic.Int64
			lat := make([]time.Duration, b.N)
			var inErr atomic.Int64
			now := time.Now()
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for range clients {
				wg.Go(func() {
					for {
						i := int(next.Add(1)) - 1
						if i >= b.N {
							return
						}
						k := rand.IntN(kiosks)
						c, _ := portal.NewHTTPClient(base, fmt.Sprintf("tok-%04d", k), portal.WithHTTPClient(hc))
						d := testdossier.New(i, now)
						d.ID = dossier.NewID(now)
						t0 := time.Now()
						if _, err := c.Submit(context.Background(), d); err != nil {
							inErr.Add(1)
						}
						lat[i] = time.Since(t0)
					}
				})
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			close(stop)
			hbWG.Wait()
			if n := inErr.Load(); n > 0 {
				b.Fatalf("%d intakes failed", n)
			}
			if n := hbErr.Load(); n > 0 {
				b.Fatalf("%d heartbeats failed", n)
			}
			c, err := st.Count(context.Background())
			if err != nil || c.Dossiers != b.N {
				b.Fatalf("stored %+v %v, want %d", c, err, b.N)
			}
			pct := func(ds []time.Duration, p float64) float64 {
				s := slices.Clone(ds)
				slices.Sort(s)
				return float64(s[int(p*float64(len(s)-1))].Microseconds()) / 1000
			}
			b.ReportMetric(pct(lat, 0.50), "intake-p50-ms")
			b.ReportMetric(pct(lat, 0.99), "intake-p99-ms")
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "dossiers/s")
			hbMu.Lock()
			if len(hbLat) > 0 {
				b.ReportMetric(pct(hbLat, 0.50), "hb-p50-ms")
				b.ReportMetric(pct(hbLat, 0.99), "hb-p99-ms")
				b.ReportMetric(float64(len(hbLat))/elapsed.Seconds(), "heartbeats/s")
			}
			hbMu.Unlock()
		})
	}
}

// BenchmarkFleetPage renders the dashboard of 1,000 kiosks (half of them
// with a backlog, so their history is read for the growing-backlog alert),
// on bbolt and on PostgreSQL. One op is one page.
func BenchmarkFleetPage(b *testing.B) {
	const kiosks = 1000
	for _, backend := range []string{"bbolt", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			var st portalserver.Store
			var err error
			if backend == "postgres" {
				st, err = Open(context.Background(), pgtest.NewDB(b))
			} else {
				st, err = portalserver.OpenBolt(b.TempDir(), true)
			}
			if err != nil {
				b.Fatal(err)
			}
			now := time.Now()
			srv, err := portalserver.Open(portalserver.Config{Store: st, Tokens: map[string]string{"t": "K"}, AdminToken: "admin-token-0123456789",
				Now: func() time.Time { return now }})
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Close()
			ctx := context.Background()
			for k := range kiosks {
				for j := 10; j >= 0; j-- {
					s := heartbeat.Status{Version: "1.4.0", Mode: heartbeat.ModeCounter, Ward: fmt.Sprintf("Phường %d", k/4), At: now.Add(-time.Duration(j) * 3 * time.Minute),
						Online: true, Reader: heartbeat.Device{State: heartbeat.StateOK}, FreeDiskBytes: 40 << 30}
					if k%2 == 1 {
						s.Queue, s.OldestQueued = 10-j+1, now.Add(-time.Hour)
					}
					body, _ := json.Marshal(s)
					if err := st.PutHeartbeat(ctx, portalserver.Heartbeat{KioskID: fmt.Sprintf("KIOSK-%04d", k), ReceivedAt: s.At, Body: body}); err != nil {
						b.Fatal(err)
					}
				}
			}
			h := srv.AdminHandler()
			var size int
			for b.Loop() {
				req := httptest.NewRequest("GET", "/admin/fleet?sort=queue&desc=1", nil)
				req.Header.Set("Authorization", "Bearer admin-token-0123456789")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("status %d", rec.Code)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(size)/1024, "page-KiB")
		})
	}
}

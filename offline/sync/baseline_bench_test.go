package sync

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	stdsync "sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"motcua/cardreader/cccd"
	"motcua/offline/portal"
	"motcua/offline/portalserver"
	"motcua/offline/store"
)

// The baseline of issue 18.2: a minimal correct client and server doing the
// same durable writes as the kiosk and the portal (one fsynced bbolt
// commit per dossier on each side, an idempotent POST in between), and
// nothing else. The kiosk's sync is measured against it in the same run.

// baselineServer stores each POSTed body durably under its
// Idempotency-Key and answers with a valid submit response.
func baselineServer(tb testing.TB) *httptest.Server {
	db, err := bolt.Open(filepath.Join(tb.TempDir(), "base-portal.db"), 0o600, nil)
	if err != nil {
		tb.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("d")); return err })
	var seq atomic.Int64
	today := cccd.DateOf(time.Now().In(portal.Vietnam))
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+portal.PathHealth, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("{}")) })
	mux.HandleFunc("POST "+portal.PathDossiers, func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(portal.HeaderIdempotencyKey)
		body, _ := io.ReadAll(r.Body)
		code := portal.Code{Agency: "000.00.01.H22", Date: today, Seq: int(seq.Add(1))}.String()
		if err := db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("d")).Put([]byte(id), body) }); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(portal.SubmitResponse{DossierID: id, Code: code, Status: portal.StatusAccepted,
			Receipt: portal.Receipt{Code: code}})
	})
	ts := httptest.NewServer(mux)
	tb.Cleanup(func() { ts.Close(); db.Close() })
	return ts
}

// baselineClient sends n queued bodies from its own bbolt outbox with
// conc goroutines: read, POST, then delete from the outbox durably.
func baselineClient(tb testing.TB, url string, n, conc int) time.Duration {
	db, err := bolt.Open(filepath.Join(tb.TempDir(), "base-kiosk.db"), 0o600, &bolt.Options{NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	ids := make([]string, n)
	db.Update(func(tx *bolt.Tx) error {
		b, _ := tx.CreateBucket([]byte("outbox"))
		for i := range n {
			ids[i] = fmt.Sprintf("019a0000-0000-7000-8000-%012d", i)
			b.Put([]byte(ids[i]), bytes.Repeat([]byte("x"), 900))
		}
		return nil
	})
	db.NoSync = false
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	var next atomic.Int64
	var wg stdsync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				var body []byte
				db.View(func(tx *bolt.Tx) error {
					body = append(body, tx.Bucket([]byte("outbox")).Get([]byte(ids[i]))...)
					return nil
				})
				req, _ := http.NewRequest(http.MethodPost, url+portal.PathDossiers, bytes.NewReader(body))
				req.Header.Set(portal.HeaderIdempotencyKey, ids[i])
				resp, err := hc.Do(req)
				if err != nil {
					tb.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err := db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("outbox")).Delete([]byte(ids[i])) }); err != nil {
					tb.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	return time.Since(start)
}

// kioskDrain times one durable Drain of n queued dossiers into url.
func kioskDrain(b *testing.B, url string, n, conc int) time.Duration {
	b.StopTimer()
	kdir := b.TempDir()
	fill(b, kdir, n)
	st, err := store.OpenDir(kdir, filepath.Join(kdir, "data.key"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	client, _ := portal.NewHTTPClient(url, "tok")
	w, _ := New(Config{Store: st, Client: client, Concurrency: conc})
	b.StartTimer()
	t := time.Now()
	res, err := w.Drain(context.Background())
	d := time.Since(t)
	if err != nil || res.Sent != n {
		b.Fatalf("drain %+v %v", res, err)
	}
	return d
}

// BenchmarkSyncVsBaseline is issue 18.2's table, in one run: dossiers/s at
// concurrency 1, 4 and 16 for
//
//	baseline      minimal client -> minimal server (same fsyncs)
//	kiosk-minsrv  the kiosk's store and worker -> minimal server
//	kiosk-portal  the kiosk's store and worker -> the reference portal
//
// Run with -benchtime=1x (each iteration drains 500 dossiers).
func BenchmarkSyncVsBaseline(b *testing.B) {
	const n = 500
	for _, c := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("baseline/conc=%d", c), func(b *testing.B) {
			var total time.Duration
			for b.Loop() {
				total += baselineClient(b, baselineServer(b).URL, n, c)
			}
			b.ReportMetric(float64(n*b.N)/total.Seconds(), "dossiers/s")
		})
		b.Run(fmt.Sprintf("kiosk-minsrv/conc=%d", c), func(b *testing.B) {
			var total time.Duration
			for b.Loop() {
				total += kioskDrain(b, baselineServer(b).URL, n, c)
			}
			b.ReportMetric(float64(n*b.N)/total.Seconds(), "dossiers/s")
		})
		b.Run(fmt.Sprintf("kiosk-portal/conc=%d", c), func(b *testing.B) {
			var total time.Duration
			for b.Loop() {
				b.StopTimer()
				srv, err := newPortal(b)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				total += kioskDrain(b, srv.URL, n, c)
			}
			b.ReportMetric(float64(n*b.N)/total.Seconds(), "dossiers/s")
		})
	}
}

// newPortal starts a durable reference portal on loopback for one benchmark
// iteration.
func newPortal(b *testing.B) (*httptest.Server, error) {
	srv, err := portalserver.Open(portalserver.Config{Dir: b.TempDir(), Tokens: map[string]string{"tok": "K"}})
	if err != nil {
		return nil, err
	}
	ts := httptest.NewServer(srv.Handler())
	b.Cleanup(func() { ts.Close(); srv.Close() })
	return ts, nil
}

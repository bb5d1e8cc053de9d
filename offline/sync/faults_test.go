package sync

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"runtime"
	"runtime/debug"
	stdsync "sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"motcua/offline/dossier"
	"motcua/offline/internal/testdossier"
	"motcua/offline/portal"
	"motcua/offline/store"
)

// Issue 13.3: an outbox entry whose record is unreadable is set aside;
// sync --once delivers the rest and ends at once instead of looping on it
// until its timeout.
func TestDrainSetsAsideDamagedRecord(t *testing.T) {
	r := newRig(t, store.Options{})
	ids := r.enqueue(5)
	path := r.st.Path()
	r.st.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("dossiers")).Put([]byte(ids[2]), []byte("{broken")) })
	db.Close()
	r.st, err = store.OpenDir(filepath.Dir(path), filepath.Join(filepath.Dir(path), "data.key"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := r.worker(Config{}).Drain(ctx)
	if err != nil || res.Sent != 4 || res.Left != 0 {
		t.Fatalf("drain %+v %v (a damaged record must not hold the outbox)", res, err)
	}
	probs, _ := r.st.Check()
	named := false
	for _, p := range probs {
		named = named || p.ID == ids[2]
	}
	if !named {
		t.Fatalf("check does not report the damaged dossier: %v", probs)
	}
}

// settableClock is a clock a test can set back.
type settableClock struct {
	mu stdsync.Mutex
	t  time.Time
}

func (c *settableClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *settableClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Issue 13.5: time going backwards never stalls delivery. A retry
// scheduled 5 minutes ahead, then the clock set back a day: Drain sends it
// now instead of sleeping a day.
func TestClockBackDoesNotStall(t *testing.T) {
	clock := &settableClock{t: time.Now()}
	r := newRig(t, store.Options{Now: clock.Now})
	ids := r.enqueue(3)
	for _, id := range ids {
		if err := r.st.MarkRetry(id, "transient", clock.Now().Add(5*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	clock.Set(clock.Now().Add(-24 * time.Hour))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := r.worker(Config{Now: clock.Now}).Drain(ctx)
	if err != nil || res.Sent != 3 {
		t.Fatalf("drain after the clock went back: %+v %v", res, err)
	}
	r.exactlyOnce(3)
}

// Issue 13.6: the worker holds one attachment in memory at a time, not a
// dossier's all: a dossier with 8 attachments of 4 MiB each is sent with
// the heap growing by far less than their 32 MiB sum.
func TestAttachmentsOneAtATime(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(10)) // heap in use ≈ live data
	kdir := t.TempDir()
	st, err := store.OpenDir(kdir, filepath.Join(kdir, "data.key"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// A portal that reads each upload and keeps nothing: the heap measured
	// is the kiosk's.
	uploaded := 0
	srv := baselineServer(t)
	mux := http.NewServeMux()
	mux.HandleFunc("PUT "+portal.PathAttachments+"{sha}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		if n > 0 {
			uploaded++
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.Handle("/", httputil.NewSingleHostReverseProxy(mustURL(t, srv.URL)))
	ts := httptest.NewServer(mux)
	defer ts.Close()
	client, _ := portal.NewHTTPClient(ts.URL, "tok")
	d := testdossier.New(0, time.Now())
	data := map[string][]byte{}
	for i := range 8 {
		b := bytes.Repeat([]byte{byte('a' + i)}, 4<<20)
		sum := sha256.Sum256(b)
		sha := hex.EncodeToString(sum[:])
		d.Attachments = append(d.Attachments, dossier.Attachment{Key: fmt.Sprintf("part%d", i), Name: "scan", Type: "application/pdf", SHA256: sha, Size: int64(len(b))})
		data[sha] = b
	}
	if _, _, err := st.Enqueue(d, data); err != nil {
		t.Fatal(err)
	}
	data = nil
	w, _ := New(Config{Store: st, Client: client, Concurrency: 1, RequestTimeout: time.Minute})
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	stop := make(chan struct{})
	peakc := heapWatch(stop)
	res, err := w.Drain(context.Background())
	close(stop)
	peak := <-peakc
	if err != nil || res.Sent != 1 || uploaded != 8 {
		t.Fatalf("drain %+v %v, %d uploads", res, err, uploaded)
	}
	growth := int64(peak) - int64(base.HeapInuse)
	t.Logf("kiosk heap grew by %.1f MiB sending 8 × 4 MiB attachments", float64(growth)/(1<<20))
	if growth > 16<<20 {
		t.Fatalf("heap grew by %d MiB: the attachments were held together", growth>>20)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

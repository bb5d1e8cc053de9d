package sync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"motcua/offline/dossier"
	"motcua/offline/internal/testdossier"
	"motcua/offline/portal"
	"motcua/offline/portalserver"
	"motcua/offline/store"
)

// rig is a real portal on a fixed loopback address that can be stopped and
// started again, and a real kiosk store.
type rig struct {
	t      *testing.T
	addr   string
	dir    string
	srv    *portalserver.Server
	hs     *http.Server
	st     *store.Store
	client *portal.HTTPClient
}

func newRig(t *testing.T, opt store.Options) *rig {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, addr: l.Addr().String(), dir: t.TempDir()}
	l.Close()
	r.start()
	kdir := t.TempDir()
	opt.NoSync = true
	r.st, err = store.OpenDir(kdir, filepath.Join(kdir, "data.key"), opt)
	if err != nil {
		t.Fatal(err)
	}
	r.client, _ = portal.NewHTTPClient("http://"+r.addr, "tok", portal.WithHTTPClient(&http.Client{Timeout: 2 * time.Second}))
	t.Cleanup(func() { r.stop(); r.st.Close() })
	return r
}

func (r *rig) start() {
	r.t.Helper()
	srv, err := portalserver.Open(portalserver.Config{Dir: r.dir, Tokens: map[string]string{"tok": "KIOSK-01"}, NoSync: true})
	if err != nil {
		r.t.Fatal(err)
	}
	var l net.Listener
	for i := 0; i < 50; i++ { // the old socket may linger a moment
		if l, err = net.Listen("tcp", r.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		r.t.Fatal(err)
	}
	r.srv, r.hs = srv, &http.Server{Handler: srv.Handler()}
	go r.hs.Serve(l)
}

func (r *rig) stop() {
	if r.hs != nil {
		r.hs.Close()
		r.srv.Close()
		r.hs = nil
	}
}

func (r *rig) worker(cfg Config) *Worker {
	cfg.Store, cfg.Client = r.st, r.client
	if cfg.RetryBase == 0 {
		cfg.RetryBase = 5 * time.Millisecond
	}
	if cfg.ProbeBase == 0 {
		cfg.ProbeBase, cfg.ProbeMax = 10*time.Millisecond, 50*time.Millisecond
	}
	w, err := New(cfg)
	if err != nil {
		r.t.Fatal(err)
	}
	return w
}

func (r *rig) enqueue(n int) []string {
	var ids []string
	for i := 0; i < n; i++ {
		d := testdossier.New(i, time.Now())
		if _, _, err := r.st.Enqueue(d, nil); err != nil {
			r.t.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	return ids
}

// exactlyOnce checks the portal holds want dossiers, each once, and the
// store is consistent with nothing left to send.
func (r *rig) exactlyOnce(want int) {
	r.t.Helper()
	c, err := r.srv.Count()
	if err != nil {
		r.t.Fatal(err)
	}
	if c.Dossiers != want || c.DistinctKioskDossierIDs != want {
		r.t.Fatalf("portal holds %+v, want %d each", c, want)
	}
	if probs, err := r.st.Check(); err != nil || len(probs) != 0 {
		r.t.Fatalf("store check: %v %v", probs, err)
	}
}

func TestDrainHappy(t *testing.T) {
	r := newRig(t, store.Options{})
	r.enqueue(25)
	res, err := r.worker(Config{Concurrency: 3}).Drain(context.Background())
	if err != nil || res.Sent != 25 || res.Left != 0 {
		t.Fatalf("drain = %+v, %v", res, err)
	}
	r.exactlyOnce(25)
	st, _ := r.st.Stats()
	if st.Filed != 25 {
		t.Fatalf("stats %+v", st)
	}
}

func TestDrainWithAttachments(t *testing.T) {
	r := newRig(t, store.Options{})
	for i := 0; i < 3; i++ {
		d := testdossier.New(i, time.Now())
		data := []byte("Bản sao giấy tờ số " + strconv.Itoa(i))
		sum := sha256.Sum256(data)
		d.Attachments = []dossier.Attachment{{Key: "proofOfHome", Name: "giay-to.pdf", Type: "application/pdf",
			SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))}}
		if _, _, err := r.st.Enqueue(d, map[string][]byte{d.Attachments[0].SHA256: data}); err != nil {
			t.Fatal(err)
		}
	}
	res, err := r.worker(Config{}).Drain(context.Background())
	if err != nil || res.Sent != 3 {
		t.Fatalf("drain = %+v, %v", res, err)
	}
	r.exactlyOnce(3)
	var docs int
	r.srv.Each(func(rec portalserver.Record) error {
		var got portal.SubmitResponse
		json.Unmarshal(rec.Response, &got)
		docs += len(got.Receipt.Documents)
		return nil
	})
	if docs != 3 {
		t.Fatalf("receipts list %d documents, want 3", docs)
	}
}

func TestTransientFailuresRetried(t *testing.T) {
	r := newRig(t, store.Options{})
	r.enqueue(3)
	r.srv.Faults().Set(portalserver.FaultSettings{FailNext: 4, FailStatus: 500})
	res, err := r.worker(Config{Concurrency: 1}).Drain(context.Background())
	if err != nil || res.Sent != 3 || res.Retried != 4 {
		t.Fatalf("drain = %+v, %v", res, err)
	}
	r.exactlyOnce(3)
}

func TestDropAfterCommitNoDuplicate(t *testing.T) {
	r := newRig(t, store.Options{})
	r.enqueue(5)
	r.srv.Faults().Set(portalserver.FaultSettings{DropAfterCommitNext: 3})
	w := r.worker(Config{Concurrency: 2})
	ctx := context.Background()
	for i := 0; i < 5; i++ { // a drop may look like an outage: drain again
		if res, err := w.Drain(ctx); err == nil && res.Left == 0 {
			break
		}
	}
	r.exactlyOnce(5)
}

func TestRefusalNeedsAttention(t *testing.T) {
	r := newRig(t, store.Options{})
	r.enqueue(2)
	r.srv.Faults().Set(portalserver.FaultSettings{RefuseNext: 1, RefuseReason: "Thiếu giấy tờ chứng minh chỗ ở hợp pháp"})
	res, err := r.worker(Config{Concurrency: 1}).Drain(context.Background())
	if err != nil || res.Refused != 1 || res.Sent != 1 || res.Left != 0 {
		t.Fatalf("drain = %+v, %v", res, err)
	}
	refused, _ := r.st.List(store.Filter{State: store.NeedsAttention})
	if len(refused) != 1 {
		t.Fatalf("%d dossiers need attention, want 1", len(refused))
	}
	rec := refused[0]
	if why, _ := r.st.Reason(rec.ID, store.Actor{Clerk: "t"}); rec.State != store.NeedsAttention || why != "Thiếu giấy tờ chứng minh chỗ ở hợp pháp" || !rec.PersonalData {
		t.Fatalf("refused record %+v (%q)", rec, why)
	}
	// The clerk fixes it and retries: it goes through.
	if err := r.st.Retry(rec.ID, store.Actor{Clerk: "CB-007"}); err != nil {
		t.Fatal(err)
	}
	if res, err := r.worker(Config{}).Drain(context.Background()); err != nil || res.Sent != 1 {
		t.Fatalf("after retry %+v %v", res, err)
	}
	r.exactlyOnce(2)
}

func TestUnauthorizedIsOffline(t *testing.T) {
	r := newRig(t, store.Options{})
	r.enqueue(1)
	r.client, _ = portal.NewHTTPClient("http://"+r.addr, "wrong")
	w := r.worker(Config{})
	_, err := w.Drain(context.Background())
	if err == nil || !w.Snapshot().Unauthorized || w.Snapshot().Online {
		t.Fatalf("err %v snapshot %+v", err, w.Snapshot())
	}
	if rec := r.st.OutboxLen(); rec != 1 {
		t.Fatal("dossier left the outbox")
	}
}

// TestOfflineThenBack: with the portal down the worker sends at most one
// round of requests, then only probes; when the portal comes back the
// queue drains without any nudge.
func TestOfflineThenBack(t *testing.T) {
	r := newRig(t, store.Options{})
	r.stop()
	r.enqueue(40)
	w := r.worker(Config{Concurrency: 4})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	snaps := w.Watch(ctx)
	waitFor(t, snaps, func(s Snapshot) bool { return !s.Online && s.Probes >= 3 })
	if s := w.Snapshot(); s.SendAttempts > 4 {
		t.Fatalf("%d sends while offline; want at most one per worker", s.SendAttempts)
	}
	r.start()
	waitFor(t, snaps, func(s Snapshot) bool { return s.Online && s.Queue == 0 && s.Sent == 40 })
	cancel()
	<-done
	r.exactlyOnce(40)
}

func TestPollStatus(t *testing.T) {
	r := newRig(t, store.Options{})
	ids := r.enqueue(2)
	w := r.worker(Config{PollInterval: time.Millisecond})
	ctx := context.Background()
	if _, err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	r.srv.SetStatus("KIOSK-01", ids[0], portal.StatusSupplement, "Bổ sung bản sao giấy khai sinh")
	r.srv.SetStatus("KIOSK-01", ids[1], portal.StatusDelivered, "")
	time.Sleep(5 * time.Millisecond) // let the 1 ms poll interval pass
	res, err := w.Drain(ctx)
	if err != nil || res.Polled != 2 {
		t.Fatalf("drain %+v %v", res, err)
	}
	a, _ := r.st.Get(ids[0])
	b, _ := r.st.Get(ids[1])
	if a.State != store.Filed || a.PortalStatus != portal.StatusSupplement || !a.HasReason || b.State != store.Closed {
		t.Fatalf("a %+v\nb %+v", a, b)
	}
}

func TestBackoff(t *testing.T) {
	for n := 0; n < 40; n++ {
		d := backoff(n, time.Second, time.Minute)
		hi := time.Second << min(n, 6)
		hi = min(hi, time.Minute)
		if d < hi/2 || d > hi {
			t.Fatalf("backoff(%d) = %v, want in [%v, %v]", n, d, hi/2, hi)
		}
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		err  error
		want outcome
	}{
		{nil, ok},
		{portal.ErrUnreachable, offline},
		{&portal.Error{HTTPStatus: 503}, offline},
		{&portal.Error{HTTPStatus: 401}, offline},
		{&portal.Error{HTTPStatus: 500}, transient},
		{&portal.Error{HTTPStatus: 429}, transient},
		{portal.ErrBadResponse, transient},
		{&portal.Error{HTTPStatus: 422}, permanent},
		{&portal.Error{HTTPStatus: 409}, permanent},
		{context.DeadlineExceeded, offline},
		{errors.New("other"), transient},
	}
	for _, tt := range tests {
		if got := classify(tt.err); got != tt.want {
			t.Errorf("classify(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

// waitFor reads snapshots until cond holds (the test's own timeout is the
// only limit: no timing is asserted).
func waitFor(t *testing.T, ch <-chan Snapshot, cond func(Snapshot) bool) {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case s := <-ch:
			if cond(s) {
				return
			}
		case <-deadline:
			t.Fatal("condition never reached")
		}
	}
}

// TestCorruptLocalCopyNeedsAttention: a sealed dossier that no longer opens
// (here: sealed under a key that was lost) is never dropped nor retried
// forever; it waits for a clerk.
func TestCorruptLocalCopyNeedsAttention(t *testing.T) {
	r := newRig(t, store.Options{})
	ids := r.enqueue(1)
	// Rotate the key, then restore the old key file: the re-sealed data
	// is now under a key the kiosk does not have.
	keyPath := filepath.Join(filepath.Dir(r.st.Path()), "data.key")
	old, _ := os.ReadFile(keyPath)
	if _, err := r.st.RotateKey(store.Actor{Clerk: "t"}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(keyPath, old, 0o600)
	dir := filepath.Dir(r.st.Path())
	r.st.Close()
	st, err := store.OpenDir(dir, keyPath, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	r.st = st
	res, err := r.worker(Config{}).Drain(context.Background())
	if err != nil || res.Left != 0 {
		t.Fatalf("drain %+v %v", res, err)
	}
	rec, _ := st.Get(ids[0])
	if rec.State != store.NeedsAttention || rec.LastError != "local" {
		t.Fatalf("%+v", rec)
	}
}

// With nothing to send, the worker still follows the portal's real state
// (issue 17.8): a portal that goes away is seen as offline within the idle
// probe interval, and seen again once it is back.
func TestIdleProbeFollowsThePortal(t *testing.T) {
	r := newRig(t, store.Options{})
	w := r.worker(Config{IdleProbe: 50 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go w.Run(ctx)
	until := func(online bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for w.Snapshot().Online != online || w.Snapshot().Probes == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("online %v, want %v (probes %d)", w.Snapshot().Online, online, w.Snapshot().Probes)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	until(true)
	r.stop()
	until(false)
	r.start()
	until(true)
	if s := w.Snapshot(); s.SendAttempts != 0 {
		t.Errorf("sent %d times with nothing queued", s.SendAttempts)
	}
}

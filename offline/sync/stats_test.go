package sync

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"motcua/cardreader/cccd"
	"motcua/offline/portal"
	"motcua/offline/portalserver"
	"motcua/offline/store"
)

// timeZero asks for every rating.
var timeZero time.Time

// rate adds n ratings and the Decision 06 counters of n dossiers, as the
// kiosk's session does.
func (r *rig) rate(n int) {
	r.t.Helper()
	for i := 0; i < n; i++ {
		if err := r.st.AddRating(store.Rating{Score: 1 + i%5, ProcedureCode: "1.004227", CounterID: "Q1"}); err != nil {
			r.t.Fatal(err)
		}
		for _, name := range []string{"d06.dossiers", "d06.chip-verified", "d06.values-prefilled"} {
			if err := r.st.AddIndicator(name, int64(1+i%2)); err != nil {
				r.t.Fatal(err)
			}
		}
	}
}

// statsOnce checks the portal holds every rating of the store once, in
// batches, and the store's indicator totals, with nothing left to send.
func (r *rig) statsOnce(batches int) {
	r.t.Helper()
	rs, _ := r.st.Ratings(timeZero)
	ind, _ := r.st.Indicators(cccd.Date{})
	c, err := r.srv.Count()
	if err != nil || c.Ratings != len(rs) || (batches >= 0 && c.StatsBatches != batches) {
		r.t.Fatalf("portal counts %+v (%v), store has %d ratings, want %d batches", c, err, len(rs), batches)
	}
	got, err := r.srv.Stats("KIOSK-01", cccd.Date{})
	if err != nil || got.Ratings != len(rs) || len(got.Indicators) != len(ind) {
		r.t.Fatalf("portal totals %+v (%v), store %v", got, err, ind)
	}
	for name, v := range ind {
		if got.Indicators[name] != v {
			r.t.Fatalf("%s: portal %d, store %d", name, got.Indicators[name], v)
		}
	}
	if bl, err := r.st.StatsBacklog(); err != nil || !bl.Empty() {
		r.t.Fatalf("backlog %+v %v", bl, err)
	}
}

func TestStatsDeliveredWithDossiers(t *testing.T) {
	r := newRig(t, store.Options{})
	r.enqueue(3)
	r.rate(4)
	w := r.worker(Config{})
	res, err := w.Drain(context.Background())
	if err != nil || res.Sent != 3 || res.Stats != 1 || res.StatsLeft {
		t.Fatalf("drain = %+v, %v", res, err)
	}
	r.exactlyOnce(3)
	r.statsOnce(1)
	// Nothing new: nothing sent. One more rating: one more small batch.
	if res, _ := w.Drain(context.Background()); res.Stats != 0 {
		t.Fatalf("idle drain sent %d batches", res.Stats)
	}
	r.rate(1)
	if res, err := w.Drain(context.Background()); err != nil || res.Stats != 1 {
		t.Fatalf("drain = %+v, %v", res, err)
	}
	r.statsOnce(2)
	if s := w.Snapshot(); s.StatsSent != 2 {
		t.Fatalf("snapshot %+v", s)
	}
}

// TestStatsCrashAfterPortalCommit: the portal took the batch but the kiosk
// died before recording that. The restarted kiosk sends the same batch
// again and the portal counts it once.
func TestStatsCrashAfterPortalCommit(t *testing.T) {
	r := newRig(t, store.Options{})
	r.rate(5)
	b, err := r.st.PendingStats()
	if err != nil || b == nil {
		t.Fatalf("pending %+v %v", b, err)
	}
	if _, err := r.client.SendStats(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	// Crash: the answer is never recorded. Reopen the same files.
	dir := filepath.Dir(r.st.Path())
	r.st.Close()
	st, err := store.OpenDir(dir, filepath.Join(dir, "data.key"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	r.st = st
	res, err := r.worker(Config{}).Drain(context.Background())
	if err != nil || res.Stats != 1 || res.StatsLeft {
		t.Fatalf("drain = %+v, %v", res, err)
	}
	r.statsOnce(1)
}

// TestStatsDropAndFailures: the portal fails twice (500), then commits and
// drops the connection; the worker retries with backoff and nothing is
// counted twice.
func TestStatsDropAndFailures(t *testing.T) {
	r := newRig(t, store.Options{})
	r.rate(3)
	r.srv.Faults().Set(portalserver.FaultSettings{StatsFailNext: 2, FailStatus: 500, StatsDropAfterCommitNext: 1})
	w := r.worker(Config{})
	for i := 0; i < 5; i++ { // a drop may look like an outage: drain again
		if res, err := w.Drain(context.Background()); err == nil && !res.StatsLeft {
			break
		}
	}
	if f := r.srv.Faults().Get(); f.StatsFailNext != 0 || f.StatsDropAfterCommitNext != 0 {
		t.Fatalf("faults not all used: %+v", f)
	}
	r.statsOnce(1)
}

// TestStatsWaitWhileOffline: with the portal down, ratings and totals wait
// like dossiers (probing, no busy loop); when it is back they arrive once.
func TestStatsWaitWhileOffline(t *testing.T) {
	r := newRig(t, store.Options{})
	r.stop()
	r.rate(6)
	w := r.worker(Config{})
	res, err := w.Drain(context.Background())
	if err == nil || !res.StatsLeft {
		t.Fatalf("drain with the portal down = %+v, %v", res, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	snaps := w.Watch(ctx)
	waitFor(t, snaps, func(s Snapshot) bool { return !s.Online && s.Probes >= 3 })
	if s := w.Snapshot(); s.StatsSent != 0 {
		t.Fatalf("snapshot %+v", s)
	}
	r.start()
	waitFor(t, snaps, func(s Snapshot) bool { return s.Online && s.StatsSent == 1 })
	cancel()
	<-done
	r.statsOnce(1)
}

// TestStatsRefusedSetAside: a batch the portal refuses for good (here its
// key was already used for other content) is set aside in the store, not
// retried forever and not dropped; later statistics still flow.
func TestStatsRefusedSetAside(t *testing.T) {
	r := newRig(t, store.Options{})
	r.rate(2)
	b, _ := r.st.PendingStats()
	other := &portal.StatsBatch{BatchID: b.BatchID, Ratings: b.Ratings[:1], Indicators: []portal.IndicatorTotal{}}
	if _, err := r.client.SendStats(context.Background(), other); err != nil {
		t.Fatal(err)
	}
	w := r.worker(Config{})
	res, err := w.Drain(context.Background())
	if err != nil || res.Stats != 0 || res.StatsLeft || w.Snapshot().StatsRefused != 1 {
		t.Fatalf("drain = %+v, %v; snapshot %+v", res, err, w.Snapshot())
	}
	refused, _ := r.st.RefusedStatsBatches()
	if len(refused) != 1 || refused[0].BatchID != b.BatchID || refused[0].HTTPStatus != 409 || refused[0].Ratings != 2 {
		t.Fatalf("refused %+v", refused)
	}
	if rs, _ := r.st.Ratings(timeZero); len(rs) != 2 {
		t.Fatal("refused ratings dropped from the store")
	}
	r.st.AddRating(store.Rating{Score: 5})
	if res, err := w.Drain(context.Background()); err != nil || res.Stats != 1 {
		t.Fatalf("after the refusal: %+v, %v", res, err)
	}
	if c, _ := r.srv.Count(); c.Ratings != 2 || c.StatsBatches != 2 {
		t.Fatalf("portal counts %+v", c)
	}
}

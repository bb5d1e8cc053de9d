package sync

import (
	"context"
	"path/filepath"
	stdsync "sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

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

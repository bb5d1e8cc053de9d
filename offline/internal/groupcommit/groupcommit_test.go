package groupcommit

import (
	"encoding/binary"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"
)

func openDB(t testing.TB, noSync bool) *bolt.DB {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "g.db"), 0o600, &bolt.Options{NoSync: noSync})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("b")); return err }); err != nil {
		t.Fatal(err)
	}
	return db
}

func put(i int) func(*bolt.Tx) error {
	return func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("b")).Put(binary.BigEndian.AppendUint64(nil, uint64(i)), []byte("v"))
	}
}

// While one commit is in flight, later writers share the next commit: a
// blocked first writer and ten queued ones make exactly two transactions.
func TestJoinsTheNextCommit(t *testing.T) {
	db := openDB(t, true)
	g := New(db)
	var mu sync.Mutex
	txs := map[int]int{}
	seen := func(tx *bolt.Tx) { mu.Lock(); txs[tx.ID()]++; mu.Unlock() }
	inFirst, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := g.Do(func(tx *bolt.Tx) error { seen(tx); close(inFirst); <-release; return put(0)(tx) }); err != nil {
			t.Error(err)
		}
	}()
	<-inFirst
	for i := 1; i <= 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := g.Do(func(tx *bolt.Tx) error { seen(tx); return put(i)(tx) }); err != nil {
				t.Error(err)
			}
		}()
	}
	// Wait until all ten are queued behind the first commit.
	for {
		g.mu.Lock()
		n := len(g.pending)
		g.mu.Unlock()
		if n == 10 {
			break
		}
	}
	close(release)
	wg.Wait()
	if len(txs) != 2 {
		t.Fatalf("%d transactions, want 2 (one alone, one shared): %v", len(txs), txs)
	}
	db.View(func(tx *bolt.Tx) error {
		if n := tx.Bucket([]byte("b")).Stats().KeyN; n != 11 {
			t.Errorf("%d keys stored, want 11", n)
		}
		return nil
	})
}

// A failing function fails alone; the rest of its batch is committed.
func TestFailureIsolated(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fail  map[int]bool
		panic int
	}{
		{"one fails", map[int]bool{3: true}, -1},
		{"several fail", map[int]bool{0: true, 5: true, 19: true}, -1},
		{"one panics", nil, 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := openDB(t, true)
			g := New(db)
			errBad := errors.New("bad")
			var wg sync.WaitGroup
			errs := make([]error, 20)
			for i := range 20 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[i] = g.Do(func(tx *bolt.Tx) error {
						if i == tc.panic {
							panic(fmt.Sprintf("page %d", i))
						}
						if err := put(i)(tx); err != nil {
							return err
						}
						if tc.fail[i] {
							return errBad
						}
						return nil
					})
				}()
			}
			wg.Wait()
			for i, err := range errs {
				switch {
				case tc.fail[i] && !errors.Is(err, errBad):
					t.Errorf("%d: err %v, want errBad", i, err)
				case i == tc.panic && !errors.Is(err, ErrPanic):
					t.Errorf("%d: err %v, want ErrPanic", i, err)
				case !tc.fail[i] && i != tc.panic && err != nil:
					t.Errorf("%d: err %v", i, err)
				}
			}
			db.View(func(tx *bolt.Tx) error {
				b := tx.Bucket([]byte("b"))
				for i := range 20 {
					got := b.Get(binary.BigEndian.AppendUint64(nil, uint64(i))) != nil
					if want := !tc.fail[i] && i != tc.panic; got != want {
						t.Errorf("key %d stored %v, want %v", i, got, want)
					}
				}
				return nil
			})
		})
	}
}

package groupcommit

import (
	"errors"
	"fmt"
	"runtime/debug"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// Group commits the functions given to Do in shared read-write
// transactions. The zero value is not usable; call New.
type Group struct {
	db *bolt.DB
	// MaxSize bounds how many functions share one transaction (default
	// 1000), so one commit's dirty pages stay bounded.
	MaxSize int

	mu      sync.Mutex
	pending []*call
	running bool
}

type call struct {
	fn   func(*bolt.Tx) error
	done chan error
}

// New returns a Group committing to db.
func New(db *bolt.DB) *Group { return &Group{db: db, MaxSize: 1000} }

// Do runs fn in a read-write transaction, possibly shared with other
// callers' functions, and returns once that transaction is durable (or has
// failed). As with bbolt's Batch, fn may run more than once and must only
// depend on the transaction: when one function of a shared transaction
// fails, the others are run again without it, and it is run again alone so
// that its error is its own.
func (g *Group) Do(fn func(*bolt.Tx) error) error {
	c := &call{fn: fn, done: make(chan error, 1)}
	g.mu.Lock()
	g.pending = append(g.pending, c)
	if !g.running {
		// No commit in flight: this caller commits now, with whatever
		// queued meanwhile.
		g.running = true
		g.mu.Unlock()
		g.lead()
	} else {
		g.mu.Unlock()
	}
	return <-c.done
}

// lead commits batches until nothing is pending. The leader's own result
// is delivered with its batch; later batches are led by a new goroutine so
// that the first caller returns as soon as its commit is done.
func (g *Group) lead() {
	g.mu.Lock()
	n := min(len(g.pending), g.max())
	batch := g.pending[:n:n]
	g.pending = g.pending[n:]
	g.mu.Unlock()

	g.commit(batch)

	g.mu.Lock()
	if len(g.pending) == 0 {
		g.running = false
		g.mu.Unlock()
		return
	}
	g.mu.Unlock()
	go g.lead()
}

func (g *Group) max() int {
	if g.MaxSize <= 0 {
		return 1000
	}
	return g.MaxSize
}

// failed carries the index of the function that failed a shared transaction.
type failed struct {
	i   int
	err error
}

func (f *failed) Error() string { return f.err.Error() }

// commit runs batch in one transaction; a failing function is taken out and
// run alone, and the rest are committed again.
func (g *Group) commit(batch []*call) {
	for len(batch) > 0 {
		err := g.update(func(tx *bolt.Tx) error {
			for i, c := range batch {
				if err := safe(c.fn, tx); err != nil {
					return &failed{i, err}
				}
			}
			return nil
		})
		var f *failed
		if errors.As(err, &f) && len(batch) > 1 {
			c := batch[f.i]
			c.done <- g.update(c.fn)
			batch = append(batch[:f.i:f.i], batch[f.i+1:]...)
			continue
		}
		if f != nil {
			err = f.err
		}
		for _, c := range batch {
			c.done <- err
		}
		return
	}
}

// ErrPanic wraps a panic raised inside a transaction (bbolt panics on some
// damaged pages): it is returned to every caller of that transaction
// instead of crashing the process.
var ErrPanic = errors.New("groupcommit: panic in transaction")

// safe runs fn, turning a panic into an error so that the function that
// panicked is the one set aside.
func safe(fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrPanic, r)
		}
	}()
	return fn(tx)
}

func (g *Group) update(fn func(*bolt.Tx) error) (err error) {
	// A damaged file can fault while bbolt reads the map; make that a
	// panic (recovered below) on whichever goroutine leads the commit.
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrPanic, r)
		}
	}()
	return g.db.Update(fn)
}

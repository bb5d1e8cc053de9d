package pcsc

import (
	"context"
	"slices"
	"time"

	"github.com/ebfe/scard"
)

// EventKind says what happened in a reader.
type EventKind int

const (
	Inserted    EventKind = iota + 1 // a card arrived (ATR set)
	Removed                          // the card left
	ReaderAdded                      // a reader appeared (plugged in, or pcscd came back)
	ReaderGone                       // a reader disappeared (unplugged, or pcscd stopped)
	ServiceDown                      // pcscd is not running; Watch keeps retrying
)

func (k EventKind) String() string {
	switch k {
	case Inserted:
		return "inserted"
	case Removed:
		return "removed"
	case ReaderAdded:
		return "reader-added"
	case ReaderGone:
		return "reader-gone"
	case ServiceDown:
		return "service-down"
	}
	return "unknown"
}

// Event is one change in the readers.
type Event struct {
	Reader string
	Kind   EventKind
	ATR    []byte // for Inserted
}

// Watch reports card and reader changes until ctx ends, then closes the
// channel. At the start it reports the readers and cards already there
// (ReaderAdded, then Inserted). It survives pcscd restarts: each reader
// then goes ReaderGone, ServiceDown is sent once while pcscd is away, and
// readers and cards are reported again when it is back. Cancellation
// interrupts the blocking PC/SC wait with SCardCancel.
func Watch(ctx context.Context) <-chan Event {
	out := make(chan Event, 16)
	go func() {
		defer close(out)
		w := &watcher{ctx: ctx, out: out, known: map[string]scard.StateFlag{}}
		w.run()
	}()
	return out
}

type watcher struct {
	ctx   context.Context
	out   chan<- Event
	known map[string]scard.StateFlag // reader → last EventState
	down  bool
}

func (w *watcher) emit(e Event) bool {
	select {
	case w.out <- e:
		return true
	case <-w.ctx.Done():
		return false
	}
}

func (w *watcher) forgetAll() {
	names := make([]string, 0, len(w.known))
	for n := range w.known {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		w.emit(Event{Reader: n, Kind: ReaderGone})
		delete(w.known, n)
	}
}

func (w *watcher) run() {
	backoff := 100 * time.Millisecond
	for w.ctx.Err() == nil {
		sc, err := scard.EstablishContext()
		if err == nil {
			stop := cancelOnDone(w.ctx, sc)
			err = w.watch(sc)
			stop()
			sc.Release()
		}
		if w.ctx.Err() != nil {
			return
		}
		// The context died (pcscd stopped) or could not be made.
		w.forgetAll()
		if !w.down && (err == nil || serviceLost(err)) {
			w.down = true
			w.emit(Event{Kind: ServiceDown})
		}
		t := time.NewTimer(backoff)
		select {
		case <-w.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(backoff*2, time.Second)
	}
}

// watch follows readers on one context until an error.
func (w *watcher) watch(sc *scard.Context) error {
	w.down = false
	pnp := scard.ReaderState{Reader: pnpNotification, CurrentState: scard.StateUnaware}
	for {
		names, err := sc.ListReaders()
		if code, ok := err.(scard.Error); ok && code == scard.ErrNoReadersAvailable {
			names, err = nil, nil
		}
		if err != nil {
			return err
		}
		for n := range w.known {
			if !slices.Contains(names, n) {
				w.emit(Event{Reader: n, Kind: ReaderGone})
				delete(w.known, n)
			}
		}
		states := []scard.ReaderState{pnp}
		for _, n := range names {
			cur, ok := w.known[n]
			if !ok {
				cur = scard.StateUnaware
			}
			states = append(states, scard.ReaderState{Reader: n, CurrentState: cur})
		}
		// Timeout 0: refresh every state now (new readers are Unaware).
		if err := sc.GetStatusChange(states, 0); err != nil && !isTimeout(err) {
			return err
		}
		for {
			for i := range states[1:] {
				s := &states[1+i]
				if !w.update(s) {
					return nil
				}
			}
			for i := range states {
				states[i].CurrentState = states[i].EventState &^ scard.StateChanged
			}
			if err := sc.GetStatusChange(states, -1); err != nil {
				return err
			}
			pnp = states[0]
			if pnp.EventState&scard.StateChanged != 0 {
				pnp.CurrentState = pnp.EventState &^ scard.StateChanged
				break // a reader came or went: list again
			}
		}
	}
}

// update compares a reader's new state with what was last reported and
// emits the difference; false when ctx ended.
func (w *watcher) update(s *scard.ReaderState) bool {
	prev, known := w.known[s.Reader]
	now := s.EventState
	if now&(scard.StateUnknown|scard.StateUnavailable) != 0 {
		if known {
			delete(w.known, s.Reader)
			return w.emit(Event{Reader: s.Reader, Kind: ReaderGone})
		}
		return true
	}
	w.known[s.Reader] = now &^ scard.StateChanged
	present := now&scard.StatePresent != 0
	if !known {
		if !w.emit(Event{Reader: s.Reader, Kind: ReaderAdded}) {
			return false
		}
		if present {
			return w.emit(Event{Reader: s.Reader, Kind: Inserted, ATR: slices.Clone(s.Atr)})
		}
		return true
	}
	wasPresent := prev&scard.StatePresent != 0
	// pcsc-lite counts card events in the high 16 bits, so a card swapped
	// between two polls is still seen as a removal and an insertion.
	swapped := wasPresent && present && (prev>>16) != (now>>16)
	if wasPresent && (!present || swapped) {
		if !w.emit(Event{Reader: s.Reader, Kind: Removed}) {
			return false
		}
	}
	if present && (!wasPresent || swapped) {
		return w.emit(Event{Reader: s.Reader, Kind: Inserted, ATR: slices.Clone(s.Atr)})
	}
	return true
}

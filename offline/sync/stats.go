package sync

import (
	"context"
	"errors"
	"time"
)

// sendStats delivers statistics batches (satisfaction ratings and indicator
// totals) one at a time until the store has nothing new, the portal fails,
// or ctx ends. It runs after the dossiers in each pass, so a kiosk that is
// offline keeps them exactly as it keeps dossiers. It returns how many
// batches the portal took.
//
// The store freezes each batch under its own ID before it is sent and
// forgets it only when the answer is recorded; the ID is the
// Idempotency-Key, so a batch resent after a crash is counted once.
func (w *Worker) sendStats(ctx context.Context) int {
	if t, retrying := w.statsRetryAt(); retrying && w.cfg.Now().Before(t) {
		return 0
	}
	sent, last := 0, ""
	for ctx.Err() == nil && !w.isDown() {
		b, err := w.cfg.Store.PendingStats()
		if err == nil && b != nil && b.BatchID == last {
			// Recorded, yet offered again: never loop on it.
			err = errors.New("sync: a delivered statistics batch is still pending")
		}
		if err != nil {
			w.statsFailed(err, true)
			return sent
		}
		if b == nil {
			w.statsDone()
			return sent
		}
		last = b.BatchID
		rctx, cancel := context.WithTimeout(ctx, w.cfg.RequestTimeout)
		_, err = w.cfg.Client.SendStats(rctx, b)
		cancel()
		if ctx.Err() != nil {
			return sent // shutting down: the batch stays frozen as it was
		}
		switch classify(err) {
		case ok:
			if err := w.cfg.Store.MarkStatsSent(b.BatchID); err != nil {
				w.statsFailed(err, true)
				return sent
			}
			w.goOnline()
			sent++
			w.publish(func(s *Snapshot) { s.StatsSent++ })
		case offline:
			w.goOffline(err) // the batch waits; the probe decides when to resume
			return sent
		case permanent:
			code, reason, httpStatus := refusal(err)
			if reason == "" {
				reason = code
			}
			if err := w.cfg.Store.MarkStatsRefused(b.BatchID, httpStatus, reason); err != nil {
				w.statsFailed(err, true)
				return sent
			}
			w.log.Warn("statistics batch refused by the portal; set aside", "batch", b.BatchID, "code", code, "http", httpStatus)
			w.publish(func(s *Snapshot) { s.StatsRefused++; s.LastContact = w.cfg.Now() })
		case transient:
			w.statsFailed(err, false)
			w.publish(func(s *Snapshot) { s.LastError = err.Error() })
			return sent
		}
	}
	return sent
}

// statsFailed backs statistics off: a portal failure like one dossier's
// retry, a local one (the store cannot build or record a batch) for
// RetryMax, and then Drain does not wait for it.
func (w *Worker) statsFailed(err error, local bool) {
	w.mu.Lock()
	n := w.statsFail
	w.statsFail++
	wait := backoff(n, w.cfg.RetryBase, w.cfg.RetryMax)
	if local {
		wait = w.cfg.RetryMax
	}
	w.statsNext = w.cfg.Now().Add(wait)
	w.statsBroken = local
	w.mu.Unlock()
	if local {
		w.log.Error("statistics: local store", "err", err)
	} else {
		w.log.Warn("statistics batch not delivered; will retry", "err", err, "in", wait)
	}
}

func (w *Worker) statsDone() {
	w.mu.Lock()
	w.statsFail, w.statsNext, w.statsBroken = 0, time.Time{}, false
	w.mu.Unlock()
}

// statsRetryAt returns when a failed statistics delivery may be tried
// again; retrying is false when nothing failed.
func (w *Worker) statsRetryAt() (t time.Time, retrying bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.statsNext, w.statsFail > 0
}

// statsWait reports whether statistics are waiting to be delivered (a
// store that cannot build a batch does not count: Drain would wait
// forever) and how long until the next try.
func (w *Worker) statsWait() (time.Duration, bool) {
	b, err := w.cfg.Store.StatsBacklog()
	if err != nil || b.Empty() {
		return 0, false
	}
	w.mu.Lock()
	next, broken := w.statsNext, w.statsBroken
	w.mu.Unlock()
	if broken {
		return 0, false
	}
	return max(next.Sub(w.cfg.Now()), 0), true
}

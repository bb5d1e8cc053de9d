package sync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	stdsync "sync"
	"time"

	"motcua/offline/dossier"
	"motcua/offline/portal"
	"motcua/offline/seal"
	"motcua/offline/store"
)

// Config configures a Worker. Zero durations take the defaults shown.
type Config struct {
	Store  *store.Store
	Client portal.Client
	// Concurrency bounds in-flight requests (default 4).
	Concurrency int
	// RetryBase and RetryMax bound one dossier's backoff after a transient
	// failure (defaults 2 s and 10 min).
	RetryBase, RetryMax time.Duration
	// ProbeBase and ProbeMax bound the health-probe backoff while the
	// portal is unreachable (defaults 1 s and 30 s).
	ProbeBase, ProbeMax time.Duration
	// PollInterval is how often a filed dossier's status is looked up
	// (default 10 min).
	PollInterval time.Duration
	// IdleProbe is the longest the worker goes without a word from the
	// portal while it has nothing to send (default 30 s): it then probes,
	// so the screen's online indicator is the portal's real state within
	// seconds, not the last send's.
	IdleProbe time.Duration
	// RequestTimeout bounds each portal call (default 30 s); an upload
	// also gets the time its size takes at MinUploadRate.
	RequestTimeout time.Duration
	// MinUploadRate is the slowest upload, in bytes per second, the
	// kiosk waits for (default 128 KiB/s: a 20 MB scan gets 30 s + 2.5 min).
	MinUploadRate int64
	Logger        *slog.Logger
	Now           func() time.Time
}

// Snapshot is the worker's state as the UI shows it.
type Snapshot struct {
	Online         bool      // the last contact with the portal succeeded
	Unauthorized   bool      // the portal refuses this kiosk's token
	Queue          int       // dossiers waiting in the outbox
	LastError      string    // kind of the last portal failure; no personal data
	LastContact    time.Time // last successful exchange with the portal
	NextProbe      time.Time // while offline: when the next probe goes out
	Probes         int       // health probes sent so far
	Sent           int       // dossiers filed so far
	SendAttempts   int       // Submit calls so far
	NeedsAttention int       // dossiers refused during this run
	StatsSent      int       // statistics batches (ratings, indicators) delivered so far
	StatsRefused   int       // statistics batches refused for good during this run
}

// Result is what one Drain did.
type Result struct {
	Sent, Refused, Retried, Polled int
	Left                           int // still in the outbox
	Online                         bool
	Stats                          int  // statistics batches delivered
	StatsLeft                      bool // ratings or indicator totals not delivered yet
}

// Worker drains the outbox. Create it with New.
type Worker struct {
	cfg  Config
	log  *slog.Logger
	wake chan struct{}

	mu        stdsync.Mutex
	snap      Snapshot
	down      bool
	probeFail int
	watchers  map[chan Snapshot]struct{}

	// Statistics delivery (stats.go): consecutive failures, the earliest
	// next try, and whether the local batch itself is unusable.
	statsFail   int
	statsNext   time.Time
	statsBroken bool
}

// New checks cfg and fills in defaults.
func New(cfg Config) (*Worker, error) {
	if cfg.Store == nil || cfg.Client == nil {
		return nil, errors.New("sync: Store and Client are required")
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 4
	}
	def(&cfg.RetryBase, 2*time.Second)
	def(&cfg.RetryMax, 10*time.Minute)
	def(&cfg.ProbeBase, time.Second)
	def(&cfg.ProbeMax, 30*time.Second)
	def(&cfg.PollInterval, 10*time.Minute)
	def(&cfg.IdleProbe, 30*time.Second)
	def(&cfg.RequestTimeout, 30*time.Second)
	if cfg.MinUploadRate <= 0 {
		cfg.MinUploadRate = 128 << 10
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	w := &Worker{cfg: cfg, log: cfg.Logger, wake: make(chan struct{}, 1), watchers: map[chan Snapshot]struct{}{}}
	w.snap.Queue = cfg.Store.OutboxLen()
	w.snap.Online = true // until shown otherwise
	return w, nil
}

// Wake asks a running worker to look at the outbox now (e.g. after an
// enqueue, or a "sync now" button). While the portal is offline it brings
// the next probe forward, never closer than ProbeBase to the last one.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Snapshot returns the current state.
func (w *Worker) Snapshot() Snapshot {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.snap
}

// Watch returns a channel that receives the latest Snapshot after every
// change (older undelivered ones are replaced), until ctx ends.
func (w *Worker) Watch(ctx context.Context) <-chan Snapshot {
	ch := make(chan Snapshot, 1)
	w.mu.Lock()
	w.watchers[ch] = struct{}{}
	ch <- w.snap
	w.mu.Unlock()
	go func() {
		<-ctx.Done()
		w.mu.Lock()
		delete(w.watchers, ch)
		w.mu.Unlock()
	}()
	return ch
}

// publish applies fn to the snapshot and notifies watchers.
func (w *Worker) publish(fn func(*Snapshot)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	fn(&w.snap)
	for ch := range w.watchers {
		select {
		case <-ch:
		default:
		}
		ch <- w.snap
	}
}

func (w *Worker) refreshQueue() {
	n := w.cfg.Store.OutboxLen()
	w.publish(func(s *Snapshot) { s.Queue = n })
}

// backoff returns base·2^n capped at max, with "equal jitter": half fixed,
// half random, so retries from many kiosks spread out but never collapse
// to zero.
func backoff(n int, base, max time.Duration) time.Duration {
	d := base
	for i := 0; i < n && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	return d/2 + rand.N(d/2+1)
}

// outcome is what the worker does after a portal call: portal.KindOf, the
// contract every adapter follows.
type outcome = portal.Kind

const (
	ok        outcome = 0
	offline           = portal.Offline
	transient         = portal.Transient
	permanent         = portal.Refused
)

func classify(err error) outcome { return portal.KindOf(err) }

// refusal returns a refusal's machine code and the portal's reason (which
// may name a person: it goes to the store sealed, never to a log).
func refusal(err error) (code, reason string, httpStatus int) {
	var pe *portal.Error
	if errors.As(err, &pe) {
		code, reason, httpStatus = pe.Code, pe.Reason, pe.HTTPStatus
	}
	if code == "" {
		code = portal.ErrCodeRefused
	}
	return code, reason, httpStatus
}

// goOffline records that the portal cannot be reached.
func (w *Worker) goOffline(err error) {
	w.mu.Lock()
	first := !w.down
	w.down = true
	w.mu.Unlock()
	if first {
		w.log.Warn("portal offline; probing with backoff", "err", err)
	}
	w.publish(func(s *Snapshot) {
		s.Online = false
		s.Unauthorized = errors.Is(err, portal.ErrUnauthorized)
		s.LastError = err.Error()
	})
}

func (w *Worker) goOnline() {
	w.mu.Lock()
	was := w.down
	w.down, w.probeFail = false, 0
	w.mu.Unlock()
	if was {
		w.log.Info("portal back online")
	}
	now := w.cfg.Now()
	w.publish(func(s *Snapshot) {
		s.Online, s.Unauthorized, s.LastContact, s.NextProbe = true, false, now, time.Time{}
	})
}

func (w *Worker) isDown() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.down
}

// probe sends one health check; it returns the wait before the next one
// when the portal is still unreachable.
func (w *Worker) probe(ctx context.Context) (time.Duration, bool) {
	pctx, cancel := context.WithTimeout(ctx, w.cfg.RequestTimeout)
	err := w.cfg.Client.Probe(pctx)
	cancel()
	w.publish(func(s *Snapshot) { s.Probes++ })
	if err == nil {
		w.goOnline()
		return 0, true
	}
	if ctx.Err() != nil {
		return 0, false
	}
	w.goOffline(err)
	w.mu.Lock()
	n := w.probeFail
	w.probeFail++
	w.mu.Unlock()
	wait := backoff(n, w.cfg.ProbeBase, w.cfg.ProbeMax)
	next := w.cfg.Now().Add(wait)
	w.publish(func(s *Snapshot) { s.NextProbe = next })
	return wait, false
}

// Run syncs until ctx ends: it sends whatever is due, polls statuses,
// sleeps until the next due time or a Wake or an enqueue, and while the
// portal is offline probes it with backoff instead of sending.
func (w *Worker) Run(ctx context.Context) error {
	storeWake := w.cfg.Store.Enqueued()
	for ctx.Err() == nil {
		var wait time.Duration
		if w.isDown() {
			var up bool
			wait, up = w.probe(ctx)
			if !up {
				if !w.sleep(ctx, wait, nil, w.cfg.ProbeBase) {
					break
				}
				continue
			}
		}
		if w.idleProbeDue() {
			if _, up := w.probe(ctx); !up {
				continue // offline: the branch above takes over
			}
		}
		r, err := w.pass(ctx)
		if w.isDown() {
			continue
		}
		wait = min(w.untilDue(), w.cfg.IdleProbe)
		if err != nil && ctx.Err() == nil {
			w.log.Error("sync pass", "err", err)
			wait = max(wait, w.cfg.RetryBase)
		} else if wait == 0 && r.Sent+r.Refused+r.Retried+r.Polled == 0 {
			wait = w.cfg.RetryBase // due work that made no progress: never spin
		}
		if !w.sleep(ctx, wait, storeWake, 0) {
			break
		}
	}
	return nil
}

// idleProbeDue reports whether the portal has not been heard from for
// IdleProbe (or ever): the worker then probes before its next pass.
func (w *Worker) idleProbeDue() bool {
	last := w.Snapshot().LastContact
	return last.IsZero() || w.cfg.Now().Sub(last) >= w.cfg.IdleProbe
}

// sleep waits d, or until a wake signal (not sooner than minGap after it
// started), or ctx. It returns false when ctx ended.
func (w *Worker) sleep(ctx context.Context, d time.Duration, extra <-chan struct{}, minGap time.Duration) bool {
	start := time.Now()
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			return true
		case <-extra:
			return true
		case <-w.wake:
			if rest := minGap - time.Since(start); rest > 0 {
				if rest < d-time.Since(start) {
					t.Reset(rest)
				}
				continue
			}
			return true
		}
	}
}

// untilDue is how long until the next outbox or poll entry is due (capped
// at the poll interval; new work arrives by signal).
func (w *Worker) untilDue() time.Duration {
	send, poll, ok := w.cfg.Store.NextDue()
	wait := w.cfg.PollInterval
	now := w.cfg.Now()
	if t, retrying := w.statsRetryAt(); retrying {
		wait = min(wait, max(t.Sub(now), 0))
	}
	if !ok {
		return wait
	}
	for _, t := range []time.Time{send, poll} {
		if !t.IsZero() {
			wait = min(wait, max(t.Sub(now), 0))
		}
	}
	return wait
}

// Drain sends everything in the outbox and polls every status that is due,
// waiting out per-dossier backoff, until the outbox is empty, the portal is
// unreachable (one probe decides; no waiting), or ctx ends. It is
// `kiosk sync --once`.
func (w *Worker) Drain(ctx context.Context) (Result, error) {
	var total Result
	if _, up := w.probe(ctx); !up {
		total.Left = w.cfg.Store.OutboxLen()
		_, total.StatsLeft = w.statsWait()
		return total, fmt.Errorf("sync: %s", w.Snapshot().LastError)
	}
	for {
		r, err := w.pass(ctx)
		total.Sent += r.Sent
		total.Refused += r.Refused
		total.Retried += r.Retried
		total.Polled += r.Polled
		total.Stats += r.Stats
		total.Left = w.cfg.Store.OutboxLen()
		statsWait, statsLeft := w.statsWait()
		total.StatsLeft = statsLeft
		if err != nil {
			return total, err
		}
		if w.isDown() {
			return total, fmt.Errorf("sync: portal went offline: %s", w.Snapshot().LastError)
		}
		if total.Left == 0 && !statsLeft {
			total.Online = true
			return total, nil
		}
		var wait time.Duration
		switch {
		case total.Left == 0:
			wait = statsWait // only statistics are left, waiting out their backoff
		case statsLeft:
			send, _, _ := w.cfg.Store.NextDue()
			wait = min(max(send.Sub(w.cfg.Now()), 0), statsWait)
		default:
			send, _, _ := w.cfg.Store.NextDue()
			wait = max(send.Sub(w.cfg.Now()), 0)
		}
		if wait == 0 && r.Sent+r.Refused+r.Retried+r.Stats == 0 {
			wait = w.cfg.RetryBase // due work that made no progress: never spin
		}
		if !w.sleep(ctx, wait, nil, 0) {
			return total, ctx.Err()
		}
	}
}

// page is how many IDs one scan of the outbox or poll list returns.
const page = 64

// pass sends every due dossier once, polls every due status once, then
// delivers the statistics batches (unless backing off).
func (w *Worker) pass(ctx context.Context) (Result, error) {
	var res Result
	var resMu stdsync.Mutex
	count := func(f func(*Result)) { resMu.Lock(); f(&res); resMu.Unlock() }
	sem := make(chan struct{}, w.cfg.Concurrency)
	var wg stdsync.WaitGroup

	run := func(list func(time.Time, string, int) ([]string, error), one func(context.Context, string, func(func(*Result)))) error {
		after := ""
		for ctx.Err() == nil && !w.isDown() {
			ids, err := list(w.cfg.Now(), after, page)
			if err != nil {
				return err
			}
			if len(ids) == 0 {
				break
			}
			for _, id := range ids {
				if ctx.Err() != nil || w.isDown() {
					break
				}
				sem <- struct{}{}
				if ctx.Err() != nil || w.isDown() { // checked again: a slot frees when a send fails
					<-sem
					break
				}
				wg.Add(1)
				go func(id string) {
					defer func() { <-sem; wg.Done() }()
					one(ctx, id, count)
				}(id)
			}
			// The next page starts after this one's last ID, so sends still in
			// flight are not picked up twice; the semaphore bounds memory.
			after = ids[len(ids)-1]
			w.refreshQueue()
		}
		wg.Wait()
		w.refreshQueue()
		return nil
	}
	if err := run(w.cfg.Store.Due, w.sendOne); err != nil {
		return res, err
	}
	if err := run(w.cfg.Store.PollDue, w.pollOne); err != nil {
		return res, err
	}
	res.Stats = w.sendStats(ctx)
	return res, ctx.Err()
}

func (w *Worker) sendOne(ctx context.Context, id string, count func(func(*Result))) {
	out, err := w.cfg.Store.Load(id)
	if errors.Is(err, store.ErrState) || errors.Is(err, store.ErrNotFound) {
		return // filed meanwhile
	}
	if local(err) {
		// Cannot be sent as it is, ever: set it aside for a clerk (or for
		// `kiosk queue check` when its record itself is damaged), so the
		// outbox never loops on it.
		w.setAside(id, "dossier unreadable; set aside", err, count)
		return
	}
	if err != nil {
		w.log.Error("loading dossier", "dossier", id, "err", err)
		w.cfg.Store.MarkRetry(id, "local: "+err.Error(), w.cfg.Now().Add(w.cfg.RetryMax))
		return
	}
	// Attachments are streamed from the store as they are uploaded: a few
	// 64 KiB chunks in memory, whatever their size.
	for _, a := range out.Dossier.Attachments {
		if err = w.upload(ctx, out, a); err != nil {
			break
		}
	}
	if local(err) {
		w.setAside(id, "attachment unreadable; dossier set aside", err, count)
		return
	}
	rctx, cancel := context.WithTimeout(ctx, w.cfg.RequestTimeout)
	defer cancel()
	var resp *portal.SubmitResponse
	if err == nil {
		w.publish(func(s *Snapshot) { s.SendAttempts++ })
		resp, err = w.cfg.Client.Submit(rctx, out.Dossier)
	}
	if ctx.Err() != nil {
		return // shutting down: the dossier stays queued as it was
	}
	now := w.cfg.Now()
	switch classify(err) {
	case ok:
		citizen := ""
		if r := out.Dossier.Requester(); r != nil {
			citizen = r.ID
		}
		if err := w.cfg.Store.MarkFiledFor(id, citizen, resp, now.Add(w.cfg.PollInterval)); err != nil {
			w.log.Error("recording receipt", "dossier", id, "err", err)
			return
		}
		w.goOnline()
		w.publish(func(s *Snapshot) { s.Sent++ })
		count(func(r *Result) { r.Sent++ })
	case offline:
		w.goOffline(err) // the dossier stays due; the probe decides when to resume
	case permanent:
		code, reason, httpStatus := refusal(err)
		if err := w.cfg.Store.MarkNeedsAttention(id, code, reason); err != nil {
			w.log.Error("recording refusal", "dossier", id, "err", err)
			return
		}
		w.log.Warn("dossier refused by the portal", "dossier", id, "code", code, "http", httpStatus)
		w.publish(func(s *Snapshot) { s.NeedsAttention++; s.LastContact = now })
		count(func(r *Result) { r.Refused++ })
	case transient:
		next := now.Add(backoff(out.Attempts, w.cfg.RetryBase, w.cfg.RetryMax))
		if err := w.cfg.Store.MarkRetry(id, err.Error(), next); err != nil {
			w.log.Error("recording retry", "dossier", id, "err", err)
		}
		w.publish(func(s *Snapshot) { s.LastError = err.Error() })
		count(func(r *Result) { r.Retried++ })
	}
}

// upload streams one attachment from the store to the portal, within
// RequestTimeout plus the time its size takes at MinUploadRate.
func (w *Worker) upload(ctx context.Context, out *store.Outgoing, a dossier.Attachment) error {
	rc, size, err := out.OpenAttachment(a.SHA256)
	if err != nil {
		return err
	}
	defer rc.Close()
	a.Size = size // what the store holds is what is sent
	uctx, cancel := context.WithTimeout(ctx, w.cfg.RequestTimeout+time.Duration(float64(size)/float64(w.cfg.MinUploadRate)*float64(time.Second)))
	defer cancel()
	return w.cfg.Client.PutAttachment(uctx, a, rc)
}

// setAside logs why a dossier cannot be sent, takes it out of the outbox
// (Store.SetAside) and counts it as refused.
func (w *Worker) setAside(id, msg string, cause error, count func(func(*Result))) {
	w.log.Error(msg, "dossier", id, "err", cause)
	if err := w.cfg.Store.SetAside(id, cause); err != nil {
		w.log.Error("setting dossier aside", "dossier", id, "err", err)
	}
	count(func(r *Result) { r.Refused++ })
}

// local reports whether err means the kiosk's own copy cannot be sent (a
// damaged or missing attachment), as opposed to a portal failure.
func local(err error) bool {
	return errors.Is(err, store.ErrCorrupt) || errors.Is(err, store.ErrPurged) || errors.Is(err, seal.ErrAuth) ||
		errors.Is(err, seal.ErrUnknownKey)
}

func (w *Worker) pollOne(ctx context.Context, id string, count func(func(*Result))) {
	rctx, cancel := context.WithTimeout(ctx, w.cfg.RequestTimeout)
	defer cancel()
	st, err := w.cfg.Client.Status(rctx, id)
	if ctx.Err() != nil {
		return
	}
	now := w.cfg.Now()
	switch classify(err) {
	case ok:
		if err := w.cfg.Store.MarkStatus(id, st, now.Add(w.cfg.PollInterval)); err != nil {
			w.log.Error("recording status", "dossier", id, "err", err)
		}
		count(func(r *Result) { r.Polled++ })
	case offline:
		w.goOffline(err)
	default:
		// Unknown at the portal or a bad answer: look again later.
		w.log.Warn("status lookup failed", "dossier", id, "err", err)
		w.cfg.Store.PollLater(id, now.Add(w.cfg.PollInterval))
	}
}

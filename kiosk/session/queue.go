package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	stdsync "sync"
	"time"

	"motcua/cardreader/cccd"
	"motcua/offline/audit"
	"motcua/offline/dossier"
	"motcua/offline/store"
	osync "motcua/offline/sync"
)

// Queue files dossiers into the encrypted store and lets the sync worker
// deliver them. It is the session's one way to file: not a port, since the
// store and the worker are the only implementation there is.
type Queue struct {
	Store  *store.Store
	Worker *osync.Worker
	// KioskID prefixes local codes; CounterID goes with ratings.
	KioskID, CounterID string
	// Wait is how long Submit waits for the portal's code before handing
	// back a local receipt (default 3 s). The dossier is safe either way.
	Wait time.Duration
	// Prepare, when set, adds parts to a dossier before it is stored (the
	// filled declaration, kiosk/printout.Declare). A failure is logged and
	// the dossier filed without the part: the citizen's data is not lost
	// for want of a printout.
	Prepare func(d *dossier.Dossier, files map[string][]byte) error

	mu     stdsync.Mutex
	staged map[string]*store.Staged // parts streamed in by StagePart, by SHA-256
}

// StagePart streams a dossier part (a scanned PDF as docpart writes it,
// through an io.Pipe) into the store, sealed a chunk at a time and hashed
// on the way, and returns its SHA-256 and size for the dossier's
// attachment: the part never needs to be whole in memory, and Submit files
// it without bytes in its files map. Past the portal's limit it is
// store.ErrTooLarge, at once, while the citizen is at the counter. Parts no
// dossier was filed with are deleted by DropParts (and by the next start).
func (q *Queue) StagePart(r io.Reader, size int64) (sha string, n int64, err error) {
	p, err := q.Store.Stage(r, size)
	if err != nil {
		return "", 0, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.staged == nil {
		q.staged = map[string]*store.Staged{}
	}
	if old, ok := q.staged[p.SHA256]; ok {
		old.Discard() // the same document twice: keep one copy
	}
	q.staged[p.SHA256] = p
	return p.SHA256, p.Size, nil
}

// DropParts deletes the parts staged and not filed (the visit ended
// without them).
func (q *Queue) DropParts() error {
	q.mu.Lock()
	parts := q.staged
	q.staged = nil
	q.mu.Unlock()
	var errs []error
	for _, p := range parts {
		errs = append(errs, p.Discard())
	}
	return errors.Join(errs...)
}

// takeParts returns the staged parts ds name.
func (q *Queue) takeParts(ds []*dossier.Dossier) []*store.Staged {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []*store.Staged
	for _, d := range ds {
		for _, a := range d.Attachments {
			if p, ok := q.staged[a.SHA256]; ok && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// Indicator names this adapter counts in the store (per day, Vietnam).
const (
	IndDossiers     = "d06.dossiers"
	IndChipVerified = "d06.chip-verified"
	IndNoIDPapers   = "d06.no-id-papers"
	IndPrefilled    = "d06.values-prefilled"
	IndTyped        = "d06.values-typed"
)

// LocalCode is the kiosk's own reference for a dossier until the portal
// gives its code: KIOSK-yyMMdd-last six hex digits of the UUID.
func LocalCode(kiosk string, id string, at time.Time) string {
	return store.LocalCode(kiosk, id, at)
}

// Submit enqueues durably (a bundle in one
// transaction), wake the worker, and wait a little for the portal's codes.
func (q *Queue) Submit(ctx context.Context, ds []dossier.Dossier, files map[string][]byte, m Metrics) ([]Filed, error) {
	if q.Prepare != nil && files == nil {
		files = map[string][]byte{}
	}
	ptrs := make([]*dossier.Dossier, len(ds))
	for i := range ds {
		ptrs[i] = &ds[i]
		if q.Prepare != nil {
			if err := q.Prepare(ptrs[i], files); err != nil {
				slog.Warn("dossier part not added", "procedure", ds[i].ProcedureCode, "err", err)
			}
		}
	}
	parts := q.takeParts(ptrs)
	recs, rcs, err := q.Store.EnqueueBundle(ptrs, files, parts...)
	if err != nil {
		return nil, err // the parts stay staged: the session stays on review
	}
	q.mu.Lock()
	for _, p := range parts {
		delete(q.staged, p.SHA256) // the store's now
	}
	q.mu.Unlock()
	for range recs {
		q.count(m)
	}
	filed := make([]Filed, len(recs))
	for i, rec := range recs {
		filed[i] = Filed{DossierID: rec.ID, LocalCode: LocalCode(q.KioskID, rec.ID, rec.CreatedAt),
			ReceivedAt: rcs[i].ReceivedAt, Due: rcs[i].AppointmentDate}
	}
	if q.Worker == nil {
		return filed, nil
	}
	q.Worker.Wake()
	wait := q.Wait
	if wait == 0 {
		wait = 3 * time.Second
	}
	deadline := time.Now().Add(wait)
	for i := range filed {
		for time.Now().Before(deadline) {
			if snap := q.Worker.Snapshot(); !snap.Online && snap.Probes > 0 {
				return filed, nil // the portal is known to be down: do not keep the citizen waiting
			}
			r, err := q.Store.Get(filed[i].DossierID)
			if err == nil && r.State != store.Queued {
				if r.Code != "" {
					filed[i].Code, filed[i].Synced = r.Code, true
				}
				break
			}
			select {
			case <-ctx.Done():
				return filed, nil
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	return filed, nil
}

func (q *Queue) count(m Metrics) {
	add := func(name string, n int) {
		if n != 0 {
			q.Store.AddIndicator(name, int64(n))
		}
	}
	b := func(v bool) int {
		if v {
			return 1
		}
		return 0
	}
	add(IndDossiers, 1)
	add(IndChipVerified, b(m.ChipVerified))
	add(IndNoIDPapers, b(!m.IDPapersAsked))
	add(IndPrefilled, m.Prefilled)
	add(IndTyped, m.Typed)
}

// Today is for the screens.
func (q *Queue) Today(ctx context.Context) ([]Entry, error) {
	recs, err := q.Store.Today()
	if err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(recs))
	for _, r := range recs {
		e := Entry{DossierID: r.ID, Code: r.Code, ProcedureCode: r.ProcedureCode, ProcedureName: r.ProcedureName,
			MaskedID: r.MaskedID, At: r.CreatedAt}
		switch r.State {
		case store.Queued:
			e.State = SyncQueued
			if r.Attempts > 0 {
				e.State = SyncFailed
			}
		case store.NeedsAttention:
			e.State = SyncFailed
		case store.Filed:
			e.State = SyncSent
			if r.PortalStatus != 0 {
				e.State = SyncAccepted
			}
		default:
			e.State = SyncAccepted
		}
		if e.Code == "" {
			e.Code = LocalCode(q.KioskID, r.ID, r.CreatedAt)
		}
		out = append(out, e)
	}
	return out, nil
}

// Status is for the screens.
func (q *Queue) Status() Status {
	// The count comes from the store itself: the worker's own count is
	// only refreshed by a sending pass, which does not run while the
	// portal is down.
	st := Status{Queued: q.Store.OutboxLen()}
	if q.Worker != nil {
		st.Online = q.Worker.Snapshot().Online
	}
	return st
}

// Scores maps the kiosk's three faces to the store's 1..5 scale.
var Scores = map[int]int{1: 1, 2: 4, 3: 5}

// Rate is for the screens.
func (q *Queue) Rate(ctx context.Context, dossierID string, score int) error {
	s, ok := Scores[score]
	if !ok {
		return fmt.Errorf("session: rating %d out of 1..3", score)
	}
	r := store.Rating{Score: s, DossierID: dossierID, CounterID: q.CounterID}
	if rec, err := q.Store.Get(dossierID); err == nil {
		r.ProcedureCode = rec.ProcedureCode
	}
	return q.Store.AddRating(r)
}

// Audit is for the screens: session events go to the store's
// hash-chained trail.
func (q *Queue) Audit(ctx context.Context, e Event) error {
	if e.Kind == ActionSubmit {
		return nil // the store records the enqueue itself
	}
	ev := audit.Event{Action: audit.Action(e.Kind), Clerk: e.ClerkID, Dossier: e.DossierID, Purpose: e.Detail, Time: e.At}
	if e.Kind == ActionCardRead {
		ev.Action, ev.CitizenID = audit.ReadCard, e.CitizenID
	}
	return q.Store.RecordAudit(ev)
}

// Indicators is for the screens, summed over every day kept.
func (q *Queue) Indicators(ctx context.Context) (Indicators, error) {
	m, err := q.Store.Indicators(cccd.Date{})
	if err != nil {
		return Indicators{}, err
	}
	ind := Indicators{Dossiers: int(m[IndDossiers]), ChipVerified: int(m[IndChipVerified]), NoIDPapers: int(m[IndNoIDPapers])}
	if t := m[IndPrefilled] + m[IndTyped]; t > 0 {
		ind.PrefillRatio = float64(m[IndPrefilled]) / float64(t)
	}
	rs, err := q.Store.Ratings(time.Time{})
	if err != nil && !errors.Is(err, context.Canceled) {
		return ind, err
	}
	sum := 0
	for _, r := range rs {
		sum += r.Score
	}
	ind.Ratings = len(rs)
	if len(rs) > 0 {
		ind.AverageRating = float64(sum) / float64(len(rs))
	}
	return ind, nil
}

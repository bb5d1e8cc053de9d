package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"motcua/cardreader/cccd"
	"motcua/offline/dossier"
	"motcua/offline/portal"
)

// Statistics delivery. Ratings and indicator counters stay in their own
// buckets (AddRating, AddIndicator) for the clerk's screen; what the portal
// already has is tracked beside them:
//
//   - ratings by a cursor, the sequence number of the last rating delivered;
//   - indicators by the total the portal last confirmed for each (day, name);
//     a counter whose total differs from that is sent again, as an absolute
//     total, so the portal's copy is right whatever happened before.
//
// A batch is frozen (stored under a fresh UUID) before it is sent, and the
// cursors move only when the portal's answer is recorded. A crash between
// the portal's commit and that record means the same batch, with the same
// ID and content, goes out again; the portal answers with its first answer
// and counts nothing twice.

var (
	keyPending     = []byte("pending")
	keyRatingsSent = []byte("ratings-sent")
)

// pendingStats is the frozen batch and what recording it will move.
type pendingStats struct {
	Batch      portal.StatsBatch `json:"batch"`
	LastRating uint64            `json:"lastRating"` // rating cursor once delivered
}

// RefusedStats is a batch the portal refused for good (kept for a person to
// look at; its data is still in the store's ratings and indicators).
type RefusedStats struct {
	BatchID    string    `json:"batchId"`
	At         time.Time `json:"at"`
	HTTPStatus int       `json:"httpStatus,omitempty"`
	Reason     string    `json:"reason"`
	Ratings    int       `json:"ratings"`
	Indicators int       `json:"indicators"`
}

// StatsBacklog is what is waiting to reach the portal.
type StatsBacklog struct {
	PendingBatch string // ID of the frozen batch not yet answered, or ""
	Ratings      int    // ratings not yet delivered (the frozen batch's included)
	Indicators   int    // (day, name) totals the portal does not have yet
	Refused      int    // batches the portal refused for good
}

// Empty reports whether everything has been delivered (refused batches
// aside).
func (b StatsBacklog) Empty() bool {
	return b.PendingBatch == "" && b.Ratings == 0 && b.Indicators == 0
}

// PendingStats returns the next statistics batch to send, or nil when the
// portal has everything. The batch is stored before it is returned, and
// every call returns that same batch until MarkStatsSent or
// MarkStatsRefused records its fate.
func (s *Store) PendingStats() (*portal.StatsBatch, error) {
	var p *pendingStats
	var found bool
	err := s.viewTx(func(tx *bolt.Tx) error {
		var err error
		if p, err = loadPending(tx); err != nil || p != nil {
			return err
		}
		found, err = s.collect(tx, nil)
		return err
	})
	if err != nil || p != nil {
		if p != nil {
			return &p.Batch, nil
		}
		return nil, err
	}
	if !found {
		return nil, nil // nothing new: no write, no fsync
	}
	err = s.updateTx(func(tx *bolt.Tx) error {
		var err error
		if p, err = loadPending(tx); err != nil || p != nil {
			return err
		}
		p = &pendingStats{Batch: portal.StatsBatch{BatchID: dossier.NewID(s.now()),
			Ratings: []portal.Rating{}, Indicators: []portal.IndicatorTotal{}}}
		if _, err := s.collect(tx, p); err != nil {
			return err
		}
		if err := p.Batch.Validate(); err != nil {
			return fmt.Errorf("store: built a bad statistics batch: %w", err)
		}
		raw, err := json.Marshal(p)
		if err != nil {
			return err
		}
		return tx.Bucket(bStats).Put(keyPending, raw)
	})
	if err != nil {
		return nil, err
	}
	return &p.Batch, nil
}

func loadPending(tx *bolt.Tx) (*pendingStats, error) {
	raw := tx.Bucket(bStats).Get(keyPending)
	if raw == nil {
		return nil, nil
	}
	var p pendingStats
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, fmt.Errorf("%w: pending statistics batch unreadable", ErrCorrupt)
	}
	return &p, nil
}

// collect finds undelivered ratings and changed indicator totals. With p
// nil it only reports whether there are any; otherwise it fills p, up to
// the portal's batch bounds.
func (s *Store) collect(tx *bolt.Tx, p *pendingStats) (bool, error) {
	found := false
	cursor := ratingsSent(tx)
	c := tx.Bucket(bRatings).Cursor()
	for k, v := c.Seek(binary.BigEndian.AppendUint64(nil, cursor+1)); k != nil; k, v = c.Next() {
		if len(k) != 8 {
			continue
		}
		wr, ok := wireRating(v)
		if !ok {
			// Unreadable or invalid: never sendable, so step over it
			// rather than block every later rating.
			if p != nil {
				p.LastRating = binary.BigEndian.Uint64(k)
			}
			continue
		}
		found = true
		if p == nil {
			return true, nil
		}
		if len(p.Batch.Ratings) == portal.MaxStatsRatings {
			break
		}
		p.Batch.Ratings = append(p.Batch.Ratings, wr)
		p.LastRating = binary.BigEndian.Uint64(k)
	}
	sent := tx.Bucket(bIndicatorsSent)
	err := tx.Bucket(bIndicators).ForEach(func(k, v []byte) error {
		it, ok := indicatorTotal(k, v)
		if !ok || bytes.Equal(sent.Get(k), v) {
			return nil
		}
		found = true
		if p == nil {
			return errFound
		}
		if len(p.Batch.Indicators) < portal.MaxStatsIndicators {
			p.Batch.Indicators = append(p.Batch.Indicators, it)
		}
		return nil
	})
	if err == errFound {
		err = nil
	}
	return found, err
}

// errFound stops a scan early.
var errFound = fmt.Errorf("found")

func ratingsSent(tx *bolt.Tx) uint64 {
	if v := tx.Bucket(bStats).Get(keyRatingsSent); len(v) == 8 {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

// wireRating turns a stored rating into what the portal takes; ok is false
// for one that can never be sent.
func wireRating(raw []byte) (portal.Rating, bool) {
	var r Rating
	if json.Unmarshal(raw, &r) != nil || r.Score < 1 || r.Score > 5 || r.At.IsZero() {
		return portal.Rating{}, false
	}
	w := portal.Rating{At: r.At.UTC(), Score: r.Score, ProcedureCode: clip(r.ProcedureCode, 128), CounterID: clip(r.CounterID, 128)}
	if dossier.ValidID(r.DossierID) {
		w.DossierID = r.DossierID
	}
	return w, true
}

// clip shortens s to at most n bytes without splitting a character.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// indicatorTotal parses an indicators entry; ok is false for one the
// portal would refuse (older stores allowed any name without '|').
func indicatorTotal(k, v []byte) (portal.IndicatorTotal, bool) {
	day, name, ok := strings.Cut(string(k), "|")
	if !ok || len(v) != 8 || !portal.ValidIndicatorName(name) {
		return portal.IndicatorTotal{}, false
	}
	d, err := cccd.ParseISO(day)
	if err != nil || d.Partial() {
		return portal.IndicatorTotal{}, false
	}
	return portal.IndicatorTotal{Day: d, Name: name, Value: int64(binary.BigEndian.Uint64(v))}, true
}

// MarkStatsSent records that the portal took batch id: its ratings and
// totals are not sent again. Marking a batch that is no longer pending
// (already marked) does nothing.
func (s *Store) MarkStatsSent(id string) error {
	return s.settle(id, nil)
}

// MarkStatsRefused records that the portal refused batch id for good. The
// batch is set aside with the reason, and later ratings and totals flow
// again; its ratings and totals stay in the store (and a total that changes
// later is sent again).
func (s *Store) MarkStatsRefused(id string, httpStatus int, reason string) error {
	return s.settle(id, &RefusedStats{HTTPStatus: httpStatus, Reason: reason})
}

func (s *Store) settle(id string, refused *RefusedStats) error {
	return s.updateTx(func(tx *bolt.Tx) error {
		p, err := loadPending(tx)
		if err != nil || p == nil || p.Batch.BatchID != id {
			return err
		}
		st := tx.Bucket(bStats)
		if p.LastRating > ratingsSent(tx) {
			if err := st.Put(keyRatingsSent, binary.BigEndian.AppendUint64(nil, p.LastRating)); err != nil {
				return err
			}
		}
		sent := tx.Bucket(bIndicatorsSent)
		for _, it := range p.Batch.Indicators {
			if err := sent.Put([]byte(it.Day.ISO()+"|"+it.Name), binary.BigEndian.AppendUint64(nil, uint64(it.Value))); err != nil {
				return err
			}
		}
		if refused != nil {
			refused.BatchID, refused.At = id, s.now().UTC()
			refused.Ratings, refused.Indicators = len(p.Batch.Ratings), len(p.Batch.Indicators)
			raw, err := json.Marshal(refused)
			if err != nil {
				return err
			}
			if err := tx.Bucket(bStatsRefused).Put([]byte(id), raw); err != nil {
				return err
			}
		}
		return st.Delete(keyPending)
	})
}

// StatsBacklog reports what has not reached the portal yet.
func (s *Store) StatsBacklog() (StatsBacklog, error) {
	var b StatsBacklog
	err := s.viewTx(func(tx *bolt.Tx) error {
		p, err := loadPending(tx)
		if err != nil {
			return err
		}
		if p != nil {
			b.PendingBatch = p.Batch.BatchID
		}
		c := tx.Bucket(bRatings).Cursor()
		for k, v := c.Seek(binary.BigEndian.AppendUint64(nil, ratingsSent(tx)+1)); k != nil; k, v = c.Next() {
			if _, ok := wireRating(v); ok && len(k) == 8 {
				b.Ratings++
			}
		}
		sent := tx.Bucket(bIndicatorsSent)
		tx.Bucket(bIndicators).ForEach(func(k, v []byte) error {
			if _, ok := indicatorTotal(k, v); ok && !bytes.Equal(sent.Get(k), v) {
				b.Indicators++
			}
			return nil
		})
		b.Refused = tx.Bucket(bStatsRefused).Stats().KeyN
		return nil
	})
	return b, err
}

// RefusedStatsBatches lists the batches the portal refused for good.
func (s *Store) RefusedStatsBatches() ([]RefusedStats, error) {
	var out []RefusedStats
	err := s.viewTx(func(tx *bolt.Tx) error {
		return tx.Bucket(bStatsRefused).ForEach(func(_, v []byte) error {
			var r RefusedStats
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("%w: refused statistics record", ErrCorrupt)
			}
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

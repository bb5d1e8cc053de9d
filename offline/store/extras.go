package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"motcua/internal/vntime"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"motcua/cardreader/cccd"
	"motcua/offline/portal"
)

// SetSetting stores a non-personal setting (in clear).
func (s *Store) SetSetting(key, value string) error {
	return s.updateTx(func(tx *bolt.Tx) error { return tx.Bucket(bSettings).Put([]byte(key), []byte(value)) })
}

// Setting returns a setting; ok is false when it was never set.
func (s *Store) Setting(key string) (value string, ok bool, err error) {
	err = s.viewTx(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bSettings).Get([]byte(key)); v != nil {
			value, ok = string(v), true
		}
		return nil
	})
	return value, ok, err
}

// Rating is one satisfaction rating given at the kiosk, stored as the portal
// receives it. It names no person.
type Rating = portal.Rating

// AddRating stores a rating; PendingStats delivers it to the portal.
func (s *Store) AddRating(r Rating) error {
	if r.Score < 1 || r.Score > 5 {
		return fmt.Errorf("store: rating %d out of 1..5", r.Score)
	}
	if r.At.IsZero() {
		r.At = s.now()
	}
	r.At = r.At.UTC()
	raw, err := json.Marshal(r)
	if err != nil {
		return err
	}
	err = s.updateTx(func(tx *bolt.Tx) error {
		b := tx.Bucket(bRatings)
		seq, _ := b.NextSequence()
		return b.Put(binary.BigEndian.AppendUint64(nil, seq), raw)
	})
	if err == nil {
		// A rating ends a visit: wake the worker so the visit's rating and
		// indicator totals go out now rather than at the next status poll.
		s.signal()
	}
	return err
}

// Ratings returns every rating given at or after since.
func (s *Store) Ratings(since time.Time) ([]Rating, error) {
	var out []Rating
	err := s.viewTx(func(tx *bolt.Tx) error {
		return tx.Bucket(bRatings).ForEach(func(_, v []byte) error {
			var r Rating
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			if !r.At.Before(since) {
				out = append(out, r)
			}
			return nil
		})
	})
	return out, err
}

// AddIndicator adds delta to a named counter for today (Vietnam), e.g. the
// Decision 06 indicators "d06.chip-verified" or "d06.no-id-papers". Names
// are 1–64 ASCII letters, digits, '.', '-' or '_' (portal.ValidIndicatorName),
// so every counter can be delivered to the portal (see PendingStats).
func (s *Store) AddIndicator(name string, delta int64) error {
	if !portal.ValidIndicatorName(name) {
		return fmt.Errorf("store: bad indicator name %q", name)
	}
	day := vntime.Today(s.now()).ISO()
	key := []byte(day + "|" + name)
	return s.updateTx(func(tx *bolt.Tx) error {
		b := tx.Bucket(bIndicators)
		var v int64
		if raw := b.Get(key); len(raw) == 8 {
			v = int64(binary.BigEndian.Uint64(raw))
		}
		return b.Put(key, binary.BigEndian.AppendUint64(nil, uint64(v+delta)))
	})
}

// Indicators returns the counters of one day (zero date: summed over all days).
func (s *Store) Indicators(day cccd.Date) (map[string]int64, error) {
	out := map[string]int64{}
	err := s.viewTx(func(tx *bolt.Tx) error {
		return tx.Bucket(bIndicators).ForEach(func(k, v []byte) error {
			d, name, ok := strings.Cut(string(k), "|")
			if !ok || len(v) != 8 || (!day.IsZero() && d != day.ISO()) {
				return nil
			}
			out[name] += int64(binary.BigEndian.Uint64(v))
			return nil
		})
	})
	return out, err
}

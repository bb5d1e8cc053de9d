package portalserver

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	bolt "go.etcd.io/bbolt"

	"motcua/cardreader/cccd"
	"motcua/offline/dossier"
	"motcua/offline/portal"
)

// Statistics buckets. Keys start with the day so one day's totals are a
// prefix scan; \x00 separates parts (kiosk IDs and names never hold it).
var (
	bucketStatsBatches = []byte("stats-batches") // kiosk \x00 batchID -> statsRecord
	bucketRatings      = []byte("ratings")       // day \x00 kiosk \x00 batchID \x00 index(4) -> portal.Rating
	bucketIndicators   = []byte("indicators")    // day \x00 kiosk \x00 name -> int64
)

const maxStatsBody = 1 << 20

// statsRecord is a taken batch: enough to replay its answer and to tell a
// retry from a different batch under the same key.
type statsRecord struct {
	BodyHash string          `json:"bodyHash"` // of the batch re-encoded, so spacing does not matter
	At       time.Time       `json:"at"`
	Response json.RawMessage `json:"response"`
}

func (s *Server) postStats(w http.ResponseWriter, r *http.Request, kiosk string) {
	id := r.Header.Get(portal.HeaderIdempotencyKey)
	if !dossier.ValidID(id) {
		writeErr(w, http.StatusBadRequest, portal.ErrCodeBadRequest, "Idempotency-Key must be the batch ID (UUID)")
		return
	}
	body, ok := s.readBody(w, r, maxStatsBody, "batch")
	if !ok {
		return
	}
	if st := s.faults.takeStats(); st != 0 {
		writeErr(w, st, portal.ErrCodeUnavailable, "simulated failure")
		return
	}
	var b portal.StatsBatch
	if err := json.Unmarshal(body, &b); err != nil {
		writeErr(w, http.StatusBadRequest, portal.ErrCodeBadRequest, "batch is not valid JSON of the expected shape")
		return
	}
	if b.BatchID != id {
		writeErr(w, http.StatusBadRequest, portal.ErrCodeBadRequest, "Idempotency-Key differs from the batch ID")
		return
	}
	if err := b.Validate(); err != nil {
		writeErr(w, http.StatusUnprocessableEntity, portal.ErrCodeRefused, err.Error())
		return
	}
	canon, err := json.Marshal(&b)
	if err != nil {
		writeErr(w, http.StatusInternalServerError, portal.ErrCodeInternal, "encoding failure")
		return
	}
	sum := sha256.Sum256(canon)
	hash := hex.EncodeToString(sum[:])

	resp, err := json.Marshal(portal.StatsResponse{BatchID: id, Ratings: len(b.Ratings), Indicators: len(b.Indicators)})
	if err != nil {
		writeErr(w, http.StatusInternalServerError, portal.ErrCodeInternal, "encoding failure")
		return
	}
	resp, replay, err := s.store.PutStats(r.Context(), StatsIntake{Kiosk: kiosk, BatchID: id, BodyHash: hash, Batch: &b,
		At: s.cfg.Now(), Response: resp})
	switch {
	case errors.Is(err, ErrConflict):
		writeErr(w, http.StatusConflict, portal.ErrCodeConflict, "this Idempotency-Key was used for a different batch")
		return
	case err != nil:
		s.log.Error("stats intake", "err", err)
		writeErr(w, http.StatusInternalServerError, portal.ErrCodeInternal, "store failure")
		return
	}
	writeIntake(w, resp, replay, s.faults.takeStatsDrop())
}

func (s *Server) getStats(w http.ResponseWriter, r *http.Request, kiosk string) {
	var day cccd.Date
	if q := r.URL.Query().Get("day"); q != "" {
		d, err := cccd.ParseISO(q)
		if err != nil || d.Partial() {
			writeErr(w, http.StatusBadRequest, portal.ErrCodeBadRequest, "day must be YYYY-MM-DD")
			return
		}
		day = d
	}
	t, err := s.Stats(kiosk, day)
	if err != nil {
		s.log.Error("stats totals", "err", err)
		writeErr(w, http.StatusInternalServerError, portal.ErrCodeInternal, "store failure")
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// Stats sums the ratings and indicator totals of one kiosk ("" for every
// kiosk) on one day in Vietnam (zero: every day; indicators are then summed
// over days).
func (s *Server) Stats(kiosk string, day cccd.Date) (portal.StatsTotals, error) {
	return s.store.Stats(context.Background(), kiosk, day)
}

// StatsDir is Stats on a portal store that is not running.
func StatsDir(dir, kiosk string, day cccd.Date) (portal.StatsTotals, error) {
	db, err := openReadOnly(dir)
	if err != nil {
		return portal.StatsTotals{}, err
	}
	defer db.Close()
	return stats(db, kiosk, day)
}

func stats(db *bolt.DB, kiosk string, day cccd.Date) (portal.StatsTotals, error) {
	t := portal.StatsTotals{KioskID: kiosk, Day: day, Indicators: map[string]int64{}}
	var prefix []byte
	if !day.IsZero() {
		prefix = []byte(day.ISO() + "\x00")
	}
	// each calls fn with the kiosk and the rest of every key under prefix.
	each := func(b *bolt.Bucket, fn func(rest, v []byte) error) error {
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			_, after, ok := bytes.Cut(k, []byte{0})
			if !ok {
				continue
			}
			kk, rest, ok := bytes.Cut(after, []byte{0})
			if !ok || (kiosk != "" && string(kk) != kiosk) {
				continue
			}
			if err := fn(rest, v); err != nil {
				return err
			}
		}
		return nil
	}
	err := db.View(func(tx *bolt.Tx) error {
		err := each(tx.Bucket(bucketRatings), func(_, v []byte) error {
			var r portal.Rating
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("portalserver: stored rating: %w", err)
			}
			if r.Score >= 1 && r.Score <= 5 {
				t.Ratings++
				t.Scores[r.Score-1]++
			}
			return nil
		})
		if err != nil {
			return err
		}
		return each(tx.Bucket(bucketIndicators), func(name, v []byte) error {
			if len(v) == 8 {
				t.Indicators[string(name)] += int64(binary.BigEndian.Uint64(v))
			}
			return nil
		})
	})
	return t, err
}

package portalserver

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"motcua/internal/vntime"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"motcua/cardreader/cccd"
	"motcua/offline/internal/groupcommit"
	"motcua/offline/portal"
)

const (
	dbFile        = "portal.db"
	schemaVersion = 1
)

var (
	bucketMeta        = []byte("meta")
	bucketDossiers    = []byte("dossiers")    // code -> record
	bucketIdempotency = []byte("idempotency") // kioskID \x00 dossierID -> code
	bucketSeq         = []byte("seq")         // agency \x00 yyMMdd -> uint64
	bucketAttachments = []byte("attachments") // sha256 hex -> bytes
	// Heartbeats (added without a schema change: buckets are created on open).
	bucketKiosks     = []byte("kiosks")     // kioskID -> latest Heartbeat (JSON)
	bucketHeartbeats = []byte("heartbeats") // kioskID \x00 n(8) -> Heartbeat (JSON)
	bucketHBSeq      = []byte("hb-seq")     // kioskID -> n(8) of the latest
)

// boltStore is the embedded Store: one bbolt file. Concurrent intakes share
// a commit (groupcommit); the file lock keeps a second process out.
type boltStore struct {
	db *bolt.DB
	// commit shares one fsync among concurrent writers without bbolt
	// Batch's 2 ms timer: a lone intake commits at once.
	commit *groupcommit.Group
}

// OpenBolt opens (or creates) the bbolt store in dir.
func OpenBolt(dir string, noSync bool) (Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("portalserver: %w", err)
	}
	db, err := bolt.Open(filepath.Join(dir, dbFile), 0o600, &bolt.Options{Timeout: 5 * time.Second, NoSync: noSync})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, ErrInUse
	}
	if err != nil {
		return nil, fmt.Errorf("portalserver: opening store: %w", err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketMeta, bucketDossiers, bucketIdempotency, bucketSeq, bucketAttachments,
			bucketStatsBatches, bucketRatings, bucketIndicators, bucketKiosks, bucketHeartbeats, bucketHBSeq} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		m := tx.Bucket(bucketMeta)
		if v := m.Get([]byte("schema")); v == nil {
			return m.Put([]byte("schema"), []byte{schemaVersion})
		} else if v[0] != schemaVersion {
			return fmt.Errorf("portalserver: store schema %d, want %d", v[0], schemaVersion)
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return &boltStore{db: db, commit: groupcommit.New(db)}, nil
}

func openReadOnly(dir string) (*bolt.DB, error) {
	db, err := bolt.Open(filepath.Join(dir, dbFile), 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, ErrInUse
	}
	if err != nil {
		return nil, fmt.Errorf("portalserver: %w", err)
	}
	return db, nil
}

func (s *boltStore) Close() error { return s.db.Close() }

func (s *boltStore) PutAttachment(_ context.Context, sha string, data []byte) error {
	return s.commit.Do(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAttachments)
		if b.Get([]byte(sha)) != nil {
			return nil
		}
		return b.Put([]byte(sha), data)
	})
}

func (s *boltStore) Attachment(_ context.Context, sha string) ([]byte, error) {
	var out []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketAttachments).Get([]byte(sha))
		if v == nil {
			return ErrUnknownAttachment
		}
		out = bytes.Clone(v)
		return nil
	})
	return out, err
}

func idemKey(kiosk, id string) []byte { return []byte(kiosk + "\x00" + id) }

func (s *boltStore) Intake(_ context.Context, in Intake) (resp []byte, replay bool, err error) {
	err = s.commit.Do(func(tx *bolt.Tx) error {
		resp, replay = nil, false
		idem := tx.Bucket(bucketIdempotency)
		dossiers := tx.Bucket(bucketDossiers)
		if code := idem.Get(idemKey(in.Kiosk, in.DossierID)); code != nil {
			var rec Record
			if err := json.Unmarshal(dossiers.Get(code), &rec); err != nil {
				return err
			}
			if rec.BodyHash != in.BodyHash {
				return ErrConflict
			}
			resp, replay = rec.Response, true
			return nil
		}
		for _, h := range in.Attachments {
			if tx.Bucket(bucketAttachments).Get([]byte(h)) == nil {
				return ErrAttachmentMissing
			}
		}
		code, err := nextCode(tx, in.Agency, in.Now)
		if err != nil {
			return err
		}
		if resp, err = in.Answer(code); err != nil {
			return err
		}
		rec := Record{Code: code, KioskID: in.Kiosk, DossierID: in.DossierID, BodyHash: in.BodyHash, Status: portal.StatusAccepted,
			UpdatedAt: in.Now.UTC(), Response: resp, Body: in.Body}
		raw, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		if err := dossiers.Put([]byte(code), raw); err != nil {
			return err
		}
		return idem.Put(idemKey(in.Kiosk, in.DossierID), []byte(code))
	})
	return resp, replay, err
}

// nextCode allocates <agency>-<yyMMdd>-<seq> for the day of now in Vietnam.
func nextCode(tx *bolt.Tx, agency string, now time.Time) (string, error) {
	day := CodeDay(now)
	b := tx.Bucket(bucketSeq)
	key := []byte(agency + "\x00" + day)
	var n uint64
	if v := b.Get(key); len(v) == 8 {
		n = binary.BigEndian.Uint64(v)
	}
	n++
	if err := b.Put(key, binary.BigEndian.AppendUint64(nil, n)); err != nil {
		return "", err
	}
	return Code(agency, day, int64(n)), nil
}

func (s *boltStore) Lookup(_ context.Context, kiosk, id string) (Record, error) {
	var rec Record
	err := s.db.View(func(tx *bolt.Tx) error {
		code := tx.Bucket(bucketIdempotency).Get(idemKey(kiosk, id))
		if code == nil {
			return ErrUnknownDossier
		}
		return json.Unmarshal(tx.Bucket(bucketDossiers).Get(code), &rec)
	})
	return rec, err
}

func (s *boltStore) SetStatus(_ context.Context, kiosk, id string, st portal.Status, reason string, at time.Time) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		code := tx.Bucket(bucketIdempotency).Get(idemKey(kiosk, id))
		if code == nil {
			return ErrUnknownDossier
		}
		b := tx.Bucket(bucketDossiers)
		var r Record
		if err := json.Unmarshal(b.Get(code), &r); err != nil {
			return err
		}
		r.Status, r.Reason, r.UpdatedAt = st, reason, at.UTC()
		raw, err := json.Marshal(r)
		if err != nil {
			return err
		}
		return b.Put(code, raw)
	})
}

func (s *boltStore) Each(_ context.Context, fn func(Record) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDossiers).ForEach(func(_, v []byte) error {
			var r Record
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			return fn(r)
		})
	})
}

func (s *boltStore) Count(context.Context) (Counts, error) { return count(s.db) }

func count(db *bolt.DB) (Counts, error) {
	var c Counts
	seen := map[string]struct{}{}
	err := db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketRatings); b != nil {
			c.Ratings = b.Stats().KeyN
		}
		if b := tx.Bucket(bucketStatsBatches); b != nil {
			c.StatsBatches = b.Stats().KeyN
		}
		b := tx.Bucket(bucketDossiers)
		if b == nil {
			return nil
		}
		return b.ForEach(func(_, v []byte) error {
			var r struct{ KioskID, DossierID string }
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			c.Dossiers++
			seen[r.KioskID+"\x00"+r.DossierID] = struct{}{}
			return nil
		})
	})
	c.DistinctKioskDossierIDs = len(seen)
	return c, err
}

func (s *boltStore) PutStats(_ context.Context, in StatsIntake) (resp []byte, replay bool, err error) {
	err = s.commit.Do(func(tx *bolt.Tx) error {
		resp, replay = nil, false
		batches := tx.Bucket(bucketStatsBatches)
		bkey := []byte(in.Kiosk + "\x00" + in.BatchID)
		if raw := batches.Get(bkey); raw != nil {
			var rec statsRecord
			if err := json.Unmarshal(raw, &rec); err != nil {
				return err
			}
			if rec.BodyHash != in.BodyHash {
				return ErrConflict
			}
			resp, replay = rec.Response, true
			return nil
		}
		ratings, inds := tx.Bucket(bucketRatings), tx.Bucket(bucketIndicators)
		for i, rt := range in.Batch.Ratings {
			raw, err := json.Marshal(rt)
			if err != nil {
				return err
			}
			k := []byte(vntime.Today(rt.At).ISO() + "\x00" + in.Kiosk + "\x00" + in.BatchID + "\x00")
			if err := ratings.Put(binary.BigEndian.AppendUint32(k, uint32(i)), raw); err != nil {
				return err
			}
		}
		// Totals are absolute and batches from one kiosk arrive in order
		// (the kiosk builds the next only once this one is answered), so
		// the latest write is the truth.
		for _, ind := range in.Batch.Indicators {
			k := []byte(ind.Day.ISO() + "\x00" + in.Kiosk + "\x00" + ind.Name)
			if err := inds.Put(k, binary.BigEndian.AppendUint64(nil, uint64(ind.Value))); err != nil {
				return err
			}
		}
		raw, err := json.Marshal(statsRecord{BodyHash: in.BodyHash, At: in.At.UTC(), Response: in.Response})
		if err != nil {
			return err
		}
		resp = in.Response
		return batches.Put(bkey, raw)
	})
	return resp, replay, err
}

func (s *boltStore) Stats(_ context.Context, kiosk string, day cccd.Date) (portal.StatsTotals, error) {
	return stats(s.db, kiosk, day)
}

func (s *boltStore) PutHeartbeat(_ context.Context, hb Heartbeat) error {
	raw, err := json.Marshal(hb)
	if err != nil {
		return err
	}
	return s.commit.Do(func(tx *bolt.Tx) error {
		seq := tx.Bucket(bucketHBSeq)
		k := []byte(hb.KioskID)
		var n uint64
		if v := seq.Get(k); len(v) == 8 {
			n = binary.BigEndian.Uint64(v)
		}
		n++
		if err := seq.Put(k, binary.BigEndian.AppendUint64(nil, n)); err != nil {
			return err
		}
		hist := tx.Bucket(bucketHeartbeats)
		prefix := append([]byte(hb.KioskID), 0)
		if err := hist.Put(binary.BigEndian.AppendUint64(bytes.Clone(prefix), n), raw); err != nil {
			return err
		}
		if n > HistoryLen {
			if err := hist.Delete(binary.BigEndian.AppendUint64(bytes.Clone(prefix), n-HistoryLen)); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketKiosks).Put(k, raw)
	})
}

func (s *boltStore) Fleet(context.Context) ([]Heartbeat, error) {
	var out []Heartbeat
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketKiosks).ForEach(func(_, v []byte) error {
			var hb Heartbeat
			if err := json.Unmarshal(v, &hb); err != nil {
				return err
			}
			out = append(out, hb)
			return nil
		})
	})
	return out, err
}

func (s *boltStore) History(_ context.Context, kiosk string) ([]Heartbeat, error) {
	var out []Heartbeat
	err := s.db.View(func(tx *bolt.Tx) error {
		prefix := append([]byte(kiosk), 0)
		c := tx.Bucket(bucketHeartbeats).Cursor()
		// Walk back from just past the kiosk's last key.
		var v []byte
		k, _ := c.Seek(append(bytes.Clone(prefix), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))
		if k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix) && len(k) == len(prefix)+8 && len(out) < HistoryLen; k, v = c.Prev() {
			var hb Heartbeat
			if err := json.Unmarshal(v, &hb); err != nil {
				return err
			}
			out = append(out, hb)
		}
		return nil
	})
	return out, err
}

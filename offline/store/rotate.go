package store

import (
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"motcua/offline/audit"
	"motcua/offline/seal"
)

// rotateChunk bounds how many values one transaction re-seals.
const rotateChunk = 500

// RotateKey replaces the data key: it adds a new key to the key file, then
// re-seals every sealed value (dossiers, receipts, attachments) under it in
// chunks, then drops the old keys. A crash at any point leaves everything
// readable (both keys stay in the file until the end); running it again
// finishes the job. It returns how many values were re-sealed.
func (s *Store) RotateKey(who Actor) (int, error) {
	newID, err := s.kr.AddKey()
	if err != nil {
		return 0, err
	}
	total := 0
	for _, spec := range []struct {
		bucket []byte
		aad    func(string) []byte
	}{{bPersonal, aadDossier}, {bReceipts, aadReceipt}, {bReasons, aadReason}} {
		for {
			n, err := s.resealChunk(spec.bucket, spec.aad, newID)
			if err != nil {
				return total, err
			}
			total += n
			if n < rotateChunk {
				break
			}
		}
	}
	n, err := s.rotateAttachments(newID)
	total += n
	if err != nil {
		return total, err
	}
	err = s.updateTx(func(tx *bolt.Tx) error {
		return s.record(tx, audit.Event{Clerk: who.Clerk, Action: audit.RotateKey, Purpose: who.Purpose})
	})
	if err != nil {
		return total, err
	}
	return total, s.kr.Retire()
}

func (s *Store) resealChunk(bucket []byte, aad func(string) []byte, newID uint32) (int, error) {
	n := 0
	err := s.updateTx(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		type kv struct{ k, v []byte }
		var todo []kv
		err := b.ForEach(func(k, v []byte) error {
			if id, err := seal.KeyOf(v); err == nil && id == newID {
				return nil
			}
			if len(todo) < rotateChunk {
				todo = append(todo, kv{append([]byte(nil), k...), v})
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, e := range todo {
			pt, err := s.kr.Open(e.v, aad(string(e.k)))
			if err != nil {
				return fmt.Errorf("store: re-sealing %s: %w", bucket, err)
			}
			if err := b.Put(e.k, s.kr.Seal(pt, aad(string(e.k)))); err != nil {
				return err
			}
		}
		n = len(todo)
		return nil
	})
	return n, err
}

// rotateAttachments re-seals every attachment not under key newID as a
// stream under it: streamed into a new object (Stage), then swapped for the
// old one in one transaction, so memory stays a few chunks and a crash
// leaves the old copy in place (and staged chunks that Open deletes).
// Whole values from before schema 4 become streams on the way.
func (s *Store) rotateAttachments(newID uint32) (int, error) {
	var todo []string
	err := s.viewTx(func(tx *bolt.Tx) error {
		return tx.Bucket(bAttach).ForEach(func(k, v []byte) error {
			if e, err := parseEntry(v); err != nil || e.blob != nil || e.keyID() != newID {
				todo = append(todo, string(k))
			}
			return nil
		})
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, sha := range todo {
		rc, size, err := s.OpenAttachment(sha)
		if errors.Is(err, ErrPurged) {
			continue // deleted meanwhile
		}
		if err != nil {
			return n, fmt.Errorf("store: re-sealing attachment: %w", err)
		}
		// The limit is the portal's for new parts, not for what is stored.
		p, err := s.stage(rc, size, 0)
		rc.Close()
		if err != nil {
			return n, fmt.Errorf("store: re-sealing attachment: %w", err)
		}
		if p.SHA256 != sha {
			p.Discard()
			return n, fmt.Errorf("%w: attachment does not match its SHA-256", ErrCorrupt)
		}
		err = s.updateTx(func(tx *bolt.Tx) error {
			if tx.Bucket(bAttach).Get([]byte(sha)) == nil {
				return ErrPurged
			}
			if err := deleteAttachTx(tx, sha); err != nil {
				return err
			}
			return p.linkTx(tx)
		})
		if errors.Is(err, ErrPurged) {
			p.Discard()
			continue
		}
		if err != nil {
			p.Discard()
			return n, err
		}
		p.linked = true
		n++
	}
	return n, nil
}

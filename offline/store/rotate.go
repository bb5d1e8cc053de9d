package store

import (
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
	}{{bPersonal, aadDossier}, {bReceipts, aadReceipt}, {bAttach, aadAttach}, {bReasons, aadReason}} {
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

package store

import (
	"encoding/json"
	"fmt"
	"runtime/debug"

	bolt "go.etcd.io/bbolt"
)

// Problem is one inconsistency Check found.
type Problem struct {
	ID   string `json:"id"`
	What string `json:"what"`
}

// Check verifies the store's invariants: every queued dossier is in the
// outbox and nothing else is; every outbox and poll entry has a record;
// every dossier holding personal data opens under the key and matches its
// hash; attachments referenced by a dossier with personal data exist; and
// the audit trail verifies. It returns the problems found (none: nil).
func (s *Store) Check() ([]Problem, error) {
	var probs []Problem
	add := func(id, format string, a ...any) { probs = append(probs, Problem{id, fmt.Sprintf(format, a...)}) }
	// Pages first: bbolt's own consistency check, so a broken page is
	// reported as such rather than as a panic halfway through the records.
	pageErr := s.viewTx(func(tx *bolt.Tx) error {
		n := 0
		for err := range tx.Check() {
			if n++; n <= 20 {
				add("", "database page: %v", err)
			}
		}
		if n > 20 {
			add("", "database page: %d more problems", n-20)
		}
		return nil
	})
	if pageErr != nil {
		add("", "database pages: %v", pageErr)
	}
	err := s.viewTx(func(tx *bolt.Tx) error {
		out, poll := tx.Bucket(bOutbox), tx.Bucket(bPoll)
		tx.Bucket(bDamaged).ForEach(func(k, v []byte) error {
			add(string(k), "set aside by the sync: %s", v)
			return nil
		})
		for _, b := range [][]byte{bOutbox, bPoll} {
			tx.Bucket(b).ForEach(func(k, v []byte) error {
				if len(v) != 8 {
					add(string(k), "damaged entry in %s", b)
				}
				return nil
			})
		}
		err := tx.Bucket(bDossiers).ForEach(func(k, v []byte) error {
			var r Record
			if err := json.Unmarshal(v, &r); err != nil {
				add(string(k), "unreadable record")
				return nil
			}
			if r.HasReason {
				if _, err := s.getReason(tx, r.ID); err != nil {
					add(r.ID, "sealed reason does not open: %v", err)
				}
			}
			inOut, inPoll := out.Get(k) != nil, poll.Get(k) != nil
			switch {
			case r.State == Queued && !inOut:
				add(r.ID, "queued but not in the outbox")
			case r.State != Queued && inOut:
				add(r.ID, "%s but still in the outbox", r.State)
			case r.State != Filed && inPoll:
				add(r.ID, "%s but still polled", r.State)
			case r.State == Filed && !inPoll:
				add(r.ID, "filed but not polled")
			case (r.State == Filed || r.State == Closed) && r.Code == "":
				add(r.ID, "filed without a portal code")
			}
			if (r.State == Queued || r.State == NeedsAttention) && !r.PersonalData {
				add(r.ID, "undelivered but its data was deleted")
			}
			hasPersonal := tx.Bucket(bPersonal).Get(k) != nil
			if hasPersonal != r.PersonalData {
				add(r.ID, "personal-data flag %v but sealed data present %v", r.PersonalData, hasPersonal)
			}
			if hasPersonal {
				if _, err := s.openDossier(tx, &r); err != nil {
					add(r.ID, "sealed dossier does not open or match: %v", err)
				}
				for _, sha := range r.Attachments {
					v := tx.Bucket(bAttach).Get([]byte(sha))
					if v == nil {
						add(r.ID, "attachment %s missing", sha)
					} else if err := s.checkAttachTx(tx, sha, v); err != nil {
						// Its entry and first chunk; a full read is the sync's.
						add(r.ID, "attachment %s does not open: %v", sha, err)
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, b := range [][]byte{bOutbox, bPoll, bPersonal, bReceipts, bReasons} {
			tx.Bucket(b).ForEach(func(k, _ []byte) error {
				if tx.Bucket(bDossiers).Get(k) == nil {
					add(string(k), "orphan entry in %s", b)
				}
				return nil
			})
		}
		return nil
	})
	if err != nil {
		// A panic from a damaged page: report it as a problem, with those
		// found before it.
		add("", "database: %v", err)
		return probs, nil
	}
	if _, err := s.VerifyAudit(); err != nil {
		add("", "audit trail: %v", err)
	}
	return probs, nil
}

// VerifyAudit verifies the audit trail's hash chain (audit.Trail.Verify);
// a damaged page gives ErrCorrupt, never a panic.
func (s *Store) VerifyAudit() (n int, err error) {
	defer guard(&err, debug.SetPanicOnFault(true))
	return s.trail.Verify()
}

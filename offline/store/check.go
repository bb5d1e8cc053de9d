package store

import (
	"encoding/json"
	"fmt"

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
	err := s.viewTx(func(tx *bolt.Tx) error {
		out, poll := tx.Bucket(bOutbox), tx.Bucket(bPoll)
		err := tx.Bucket(bDossiers).ForEach(func(k, v []byte) error {
			var r Record
			if err := json.Unmarshal(v, &r); err != nil {
				add(string(k), "unreadable record")
				return nil
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
					if tx.Bucket(bAttach).Get([]byte(sha)) == nil {
						add(r.ID, "attachment %s missing", sha)
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, b := range [][]byte{bOutbox, bPoll, bPersonal, bReceipts} {
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
		return nil, err
	}
	if _, err := s.trail.Verify(); err != nil {
		add("", "audit trail: %v", err)
	}
	return probs, nil
}

package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	bolt "go.etcd.io/bbolt"

	"motcua/offline/audit"
	"motcua/offline/dossier"
	"motcua/offline/portal"
	"motcua/offline/seal"
)

// SyncClerk is the actor the sync worker records in the audit trail.
const SyncClerk = "system:sync"

// Due returns up to limit outbox IDs whose next attempt is at or before
// now, in ID (= creation) order, starting after the ID after ("" for the
// start). Only IDs are returned, so a long outbox costs no memory.
func (s *Store) Due(now time.Time, after string, limit int) ([]string, error) {
	return s.scan(bOutbox, now, after, limit)
}

// PollDue is Due for filed dossiers whose status should be looked up.
func (s *Store) PollDue(now time.Time, after string, limit int) ([]string, error) {
	return s.scan(bPoll, now, after, limit)
}

func (s *Store) scan(bucket []byte, now time.Time, after string, limit int) ([]string, error) {
	var ids []string
	err := s.viewTx(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucket).Cursor()
		var k, v []byte
		if after == "" {
			k, v = c.First()
		} else {
			k, v = c.Seek([]byte(after))
			if k != nil && bytes.Equal(k, []byte(after)) {
				k, v = c.Next()
			}
		}
		horizon := now.Add(s.MaxAhead())
		for ; k != nil && len(ids) < limit; k, v = c.Next() {
			if len(v) != 8 {
				continue // a damaged entry: Check reports it
			}
			// An entry further ahead than any backoff was scheduled by a
			// clock that has since gone back: it is due now.
			if t := fromU64(v); !t.After(now) || t.After(horizon) {
				ids = append(ids, string(k))
			}
		}
		return nil
	})
	return ids, err
}

// NextDue returns the earliest next attempt in the outbox and in the poll
// list; ok is false when both are empty.
func (s *Store) NextDue() (send, poll time.Time, ok bool) {
	horizon := s.now().Add(s.MaxAhead())
	s.viewTx(func(tx *bolt.Tx) error {
		for i, b := range [][]byte{bOutbox, bPoll} {
			tx.Bucket(b).ForEach(func(_, v []byte) error {
				if len(v) != 8 {
					return nil
				}
				t := fromU64(v)
				if t.After(horizon) {
					t = dueNow // the clock went back
				}
				p := &send
				if i == 1 {
					p = &poll
				}
				if p.IsZero() || t.Before(*p) {
					*p = t
				}
				ok = true
				return nil
			})
		}
		return nil
	})
	return send, poll, ok
}

// dueNow is stored as the next attempt of a new or retried dossier: due
// at once whatever the clock says (the Unix epoch, not Go's zero time,
// which NextDue's callers read as "nothing").
var dueNow = time.Unix(0, 0)

// DefaultMaxAhead is Options.MaxAhead's default.
const DefaultMaxAhead = time.Hour

// MaxAhead is the furthest ahead an attempt or status lookup is scheduled;
// an entry further ahead (the clock went back) is due at once.
func (s *Store) MaxAhead() time.Duration {
	if s.opt.MaxAhead > 0 {
		return s.opt.MaxAhead
	}
	return DefaultMaxAhead
}

// clamp keeps t within MaxAhead of now.
func (s *Store) clamp(t time.Time) time.Time {
	if h := s.now().Add(s.MaxAhead()); t.After(h) {
		return h
	}
	return t
}

// Outgoing is what the sync worker sends for one dossier. Its attachments
// are streamed from the store (OpenAttachment), decrypted a chunk at a time
// as the upload reads them, so a dossier's memory is a few chunks whatever
// the size of its attachments (issue 13.6).
type Outgoing struct {
	Dossier  *dossier.Dossier
	Attempts int
	s        *Store
}

// OpenAttachment returns a reader of one of the dossier's attachments and
// its size. A missing attachment is ErrCorrupt: the dossier cannot be sent
// as it is.
func (o *Outgoing) OpenAttachment(sha string) (io.ReadCloser, int64, error) {
	rc, n, err := o.s.OpenAttachment(sha)
	if errors.Is(err, ErrPurged) {
		return nil, 0, fmt.Errorf("%w: attachment of %s missing", ErrCorrupt, o.Dossier.ID)
	}
	return rc, n, err
}

// Load decrypts a queued dossier for sending and checks that its
// attachments are there (they are read by Outgoing.OpenAttachment). It is
// not audited by itself: the delivery is, when it is recorded.
func (s *Store) Load(id string) (*Outgoing, error) {
	out := Outgoing{s: s}
	err := s.viewTx(func(tx *bolt.Tx) error {
		r, err := getRecord(tx, id)
		if err != nil {
			return err
		}
		if r.State != Queued {
			return fmt.Errorf("%w: %s is %s", ErrState, id, r.State)
		}
		if out.Dossier, err = s.openDossier(tx, r); err != nil {
			return err
		}
		out.Attempts = r.Attempts
		for _, sha := range r.Attachments {
			v := tx.Bucket(bAttach).Get([]byte(sha))
			if v == nil {
				return fmt.Errorf("%w: attachment of %s missing", ErrCorrupt, id)
			}
			if _, err := parseEntry(v); err != nil {
				return fmt.Errorf("%w: attachment of %s: %v", ErrCorrupt, id, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// update runs fn on a record in a batched write transaction (concurrent
// callers share one commit) and appends ev to its history.
func (s *Store) update(id string, fn func(tx *bolt.Tx, r *Record) (*Event, error)) error {
	return s.batchTx(func(tx *bolt.Tx) error {
		r, err := getRecord(tx, id)
		if err != nil {
			return err
		}
		ev, err := fn(tx, r)
		if err != nil {
			return err
		}
		if err := putRecord(tx, r); err != nil {
			return err
		}
		if ev != nil {
			return addHistory(tx, id, *ev)
		}
		return nil
	})
}

// MarkFiled records the portal's confirmation of receipt: the dossier
// leaves the outbox, gets its code, status and receipt, joins the poll list
// (first poll at nextPoll), and, under DeleteOnReceipt, its personal data
// is deleted in the same transaction.
func (s *Store) MarkFiled(id string, resp *portal.SubmitResponse, nextPoll time.Time) error {
	return s.MarkFiledFor(id, "", resp, nextPoll)
}

// MarkFiledFor is MarkFiled when the caller knows the requester's ID (the
// sync worker has just sent the dossier): the commit, shared with other
// writers, need not decrypt the dossier to name the citizen in the audit
// trail.
func (s *Store) MarkFiledFor(id, citizenID string, resp *portal.SubmitResponse, nextPoll time.Time) error {
	nextPoll = s.clamp(nextPoll)
	rcRaw, err := json.Marshal(resp.Receipt)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	return s.update(id, func(tx *bolt.Tx, r *Record) (*Event, error) {
		if r.State != Queued {
			return nil, nil // already recorded (a replayed answer): nothing to do
		}
		citizen := citizenID
		if citizen == "" {
			if d, err := s.openDossier(tx, r); err == nil {
				citizen = d.Requester().ID
			}
		}
		r.State, r.Code, r.PortalStatus, r.FiledAt, r.UpdatedAt = Filed, resp.Code, resp.Status, now, now
		r.NextAttempt, r.LastError = time.Time{}, ""
		if err := tx.Bucket(bOutbox).Delete([]byte(id)); err != nil {
			return nil, err
		}
		if resp.Status.Final() {
			r.State = Closed
		} else if err := tx.Bucket(bPoll).Put([]byte(id), u64(nextPoll)); err != nil {
			return nil, err
		}
		if err := tx.Bucket(bReceipts).Put([]byte(id), s.kr.Seal(rcRaw, aadReceipt(id))); err != nil {
			return nil, err
		}
		if err := s.record(tx, audit.Event{Clerk: SyncClerk, Action: audit.Send, CitizenID: citizen, Dossier: id,
			Purpose: "chuyển hồ sơ lên cổng, mã " + resp.Code}); err != nil {
			return nil, err
		}
		if s.opt.Retention == DeleteOnReceipt {
			if err := s.purgeTx(tx, r, Actor{Clerk: SyncClerk, Purpose: "xoá dữ liệu cá nhân sau khi cổng tiếp nhận"}, citizen); err != nil {
				return nil, err
			}
		}
		// The filing event follows from the record (FiledAt, Code): History
		// derives it, so the commit writes one bucket fewer.
		return nil, nil
	})
}

// MarkRetry records a failed attempt and when to try again.
func (s *Store) MarkRetry(id, reason string, next time.Time) error {
	next = s.clamp(next)
	return s.update(id, func(tx *bolt.Tx, r *Record) (*Event, error) {
		if r.State != Queued {
			return nil, nil
		}
		r.Attempts++
		r.NextAttempt, r.LastError, r.UpdatedAt = next.UTC(), reason, s.now().UTC()
		return nil, tx.Bucket(bOutbox).Put([]byte(id), u64(next))
	})
}

// Defer moves a queued dossier's next attempt without counting an attempt
// (the portal was down, the dossier itself did nothing wrong).
func (s *Store) Defer(id string, next time.Time) error {
	next = s.clamp(next)
	return s.batchTx(func(tx *bolt.Tx) error {
		if tx.Bucket(bOutbox).Get([]byte(id)) == nil {
			return nil
		}
		return tx.Bucket(bOutbox).Put([]byte(id), u64(next))
	})
}

// MarkNeedsAttention records a permanent refusal: the portal's machine
// code (in clear, and the only thing the audit trail gets) and its reason
// for people (sealed like personal data: it may name the citizen). The
// dossier leaves the outbox but stays, with its data, until a clerk retries
// it. code CodeLocal means the kiosk's own copy cannot be sent.
func (s *Store) MarkNeedsAttention(id, code, reason string) error {
	now := s.now().UTC()
	if code == "" {
		code = "refused"
	}
	return s.update(id, func(tx *bolt.Tx, r *Record) (*Event, error) {
		if r.State != Queued {
			return nil, nil
		}
		r.Attempts++
		r.State, r.ReasonCode, r.UpdatedAt, r.NextAttempt = NeedsAttention, code, now, time.Time{}
		r.LastError = "refused"
		if code == CodeLocal {
			r.LastError = "local"
		}
		if err := s.putReason(tx, r, reason); err != nil {
			return nil, err
		}
		if err := tx.Bucket(bOutbox).Delete([]byte(id)); err != nil {
			return nil, err
		}
		if err := s.record(tx, audit.Event{Clerk: SyncClerk, Action: audit.Refused, Dossier: id,
			Purpose: "cổng từ chối, mã " + code}); err != nil {
			return nil, err
		}
		return &Event{At: now, State: NeedsAttention, Note: "refused: " + code}, nil
	})
}

// CodeLocal is the refusal code of a dossier whose local copy cannot be
// sent (it does not open or does not match its hash).
const CodeLocal = "local-unreadable"

// putReason seals a portal reason for r ("" deletes it).
func (s *Store) putReason(tx *bolt.Tx, r *Record, reason string) error {
	r.Reason, r.HasReason = "", reason != ""
	if reason == "" {
		return tx.Bucket(bReasons).Delete([]byte(r.ID))
	}
	return tx.Bucket(bReasons).Put([]byte(r.ID), s.kr.Seal([]byte(reason), aadReason(r.ID)))
}

func (s *Store) getReason(tx *bolt.Tx, id string) (string, error) {
	sealed := tx.Bucket(bReasons).Get([]byte(id))
	if sealed == nil {
		return "", nil
	}
	b, err := s.kr.Open(sealed, aadReason(id))
	return string(b), err
}

// Reason returns the portal's reason for a refusal or a status (to
// supplement, stopped…), decrypted for a clerk to read; the read is
// audited. "" when the portal gave none.
func (s *Store) Reason(id string, who Actor) (string, error) {
	var reason string
	err := s.updateTx(func(tx *bolt.Tx) error {
		if _, err := getRecord(tx, id); err != nil {
			return err
		}
		var err error
		if reason, err = s.getReason(tx, id); err != nil || reason == "" {
			return err
		}
		return s.record(tx, audit.Event{Clerk: who.Clerk, Action: audit.ViewDossier, Dossier: id, Purpose: who.Purpose})
	})
	return reason, err
}

// SetAside takes a dossier the worker cannot send out of the outbox for
// good: one whose record is readable becomes needs-attention (code
// CodeLocal); one whose record itself is damaged is listed in the damaged
// set, which `kiosk queue check` reports. Either way the sync never loops
// on it and nothing is deleted.
func (s *Store) SetAside(id string, cause error) error {
	if err := s.MarkNeedsAttention(id, CodeLocal, ""); err == nil || !errors.Is(err, ErrCorrupt) {
		return err
	}
	what := "unreadable record"
	if errors.Is(cause, seal.ErrAuth) || errors.Is(cause, seal.ErrUnknownKey) {
		what = "sealed data does not open"
	}
	return s.updateTx(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bOutbox).Delete([]byte(id)); err != nil {
			return err
		}
		if err := tx.Bucket(bPoll).Delete([]byte(id)); err != nil {
			return err
		}
		if err := tx.Bucket(bDamaged).Put([]byte(id), []byte(what)); err != nil {
			return err
		}
		return s.record(tx, audit.Event{Clerk: SyncClerk, Action: audit.Refused, Dossier: id, Purpose: "hồ sơ hỏng trên máy, để riêng"})
	})
}

// MarkStatus records a status looked up at the portal; a final status ends
// polling, otherwise the next poll is at nextPoll.
func (s *Store) MarkStatus(id string, st *portal.StatusResponse, nextPoll time.Time) error {
	nextPoll = s.clamp(nextPoll)
	now := s.now().UTC()
	return s.update(id, func(tx *bolt.Tx, r *Record) (*Event, error) {
		if r.State != Filed {
			return nil, tx.Bucket(bPoll).Delete([]byte(id))
		}
		old, _ := s.getReason(tx, id)
		changed := st.Status != r.PortalStatus || st.Reason != old
		r.PortalStatus = st.Status
		if err := s.putReason(tx, r, st.Reason); err != nil {
			return nil, err
		}
		if st.Status.Final() {
			r.State = Closed
			if err := tx.Bucket(bPoll).Delete([]byte(id)); err != nil {
				return nil, err
			}
		} else if err := tx.Bucket(bPoll).Put([]byte(id), u64(nextPoll)); err != nil {
			return nil, err
		}
		if !changed && r.State == Filed {
			return nil, nil
		}
		r.UpdatedAt = now
		if err := s.record(tx, audit.Event{Clerk: SyncClerk, Action: audit.StatusChanged, Dossier: id,
			Purpose: fmt.Sprintf("trạng thái %d %s", st.Status, st.Status.Vietnamese())}); err != nil {
			return nil, err
		}
		return &Event{At: now, State: r.State, PortalStatus: st.Status}, nil
	})
}

// PollLater moves a filed dossier's next status lookup to next.
func (s *Store) PollLater(id string, next time.Time) error {
	next = s.clamp(next)
	return s.batchTx(func(tx *bolt.Tx) error {
		if tx.Bucket(bPoll).Get([]byte(id)) == nil {
			return nil
		}
		return tx.Bucket(bPoll).Put([]byte(id), u64(next))
	})
}

// Retry puts a dossier that needs attention (or a queued one) back at the
// head of the outbox with its attempts reset.
func (s *Store) Retry(id string, who Actor) error {
	now := s.now().UTC()
	err := s.updateTx(func(tx *bolt.Tx) error {
		r, err := getRecord(tx, id)
		if err != nil {
			return err
		}
		if r.State != NeedsAttention && r.State != Queued {
			return fmt.Errorf("%w: %s is %s", ErrState, id, r.State)
		}
		if !r.PersonalData {
			return ErrPurged
		}
		r.State, r.Attempts, r.NextAttempt, r.LastError, r.UpdatedAt = Queued, 0, now, "", now
		if err := tx.Bucket(bOutbox).Put([]byte(id), u64(dueNow)); err != nil {
			return err
		}
		if err := putRecord(tx, r); err != nil {
			return err
		}
		if err := addHistory(tx, id, Event{At: now, State: Queued, Note: "retry by " + who.Clerk}); err != nil {
			return err
		}
		return s.record(tx, audit.Event{Clerk: who.Clerk, Action: audit.Retry, Dossier: id, Purpose: who.Purpose})
	})
	if err == nil {
		s.signal()
	}
	return err
}

// purgeTx deletes a record's personal data: the sealed dossier, attachments
// no other dossier still needs, and the applicant's name on the receipt.
func (s *Store) purgeTx(tx *bolt.Tx, r *Record, who Actor, citizen string) error {
	if !r.PersonalData {
		return nil
	}
	if err := tx.Bucket(bPersonal).Delete([]byte(r.ID)); err != nil {
		return err
	}
	refs := tx.Bucket(bAttachRefs)
	for _, sha := range r.Attachments {
		if err := refs.Delete([]byte(sha + r.ID)); err != nil {
			return err
		}
		k, _ := refs.Cursor().Seek([]byte(sha))
		if k == nil || !bytes.HasPrefix(k, []byte(sha)) {
			if err := deleteAttachTx(tx, sha); err != nil {
				return err
			}
		}
	}
	if sealed := tx.Bucket(bReceipts).Get([]byte(r.ID)); sealed != nil {
		if raw, err := s.kr.Open(sealed, aadReceipt(r.ID)); err == nil {
			var rc portal.Receipt
			if json.Unmarshal(raw, &rc) == nil {
				rc.Applicant = r.MaskedID
				for i := range rc.Documents {
					rc.Documents[i].Name = ""
				}
				raw, _ = json.Marshal(rc)
				if err := tx.Bucket(bReceipts).Put([]byte(r.ID), s.kr.Seal(raw, aadReceipt(r.ID))); err != nil {
					return err
				}
			}
		}
	}
	r.PersonalData = false
	return s.record(tx, audit.Event{Clerk: who.Clerk, Action: audit.Purge, CitizenID: citizen, Dossier: r.ID, Purpose: who.Purpose})
}

// Purge deletes the local personal data of every dossier the portal has
// confirmed (filed or closed). Dossiers not yet delivered are never touched.
// It returns how many were purged.
func (s *Store) Purge(who Actor) (int, error) {
	n := 0
	err := s.updateTx(func(tx *bolt.Tx) error {
		var todo []*Record
		err := tx.Bucket(bDossiers).ForEach(func(_, v []byte) error {
			var r Record
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			if r.PersonalData && (r.State == Filed || r.State == Closed) {
				todo = append(todo, &r)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, r := range todo {
			citizen := ""
			if d, err := s.openDossier(tx, r); err == nil {
				citizen = d.Requester().ID
			}
			if err := s.purgeTx(tx, r, who, citizen); err != nil {
				return err
			}
			r.UpdatedAt = s.now().UTC()
			if err := putRecord(tx, r); err != nil {
				return err
			}
			if err := addHistory(tx, r.ID, Event{At: r.UpdatedAt, State: r.State, Note: "personal data deleted"}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// RecordRead audits a read of citizen data that happened outside the store
// (a card read, a QR scan, a form shown).
func (s *Store) RecordRead(who Actor, citizenID, dossierID string) error {
	return s.updateTx(func(tx *bolt.Tx) error {
		return s.record(tx, audit.Event{Clerk: who.Clerk, Action: audit.ReadCard, CitizenID: citizenID,
			Dossier: dossierID, Purpose: who.Purpose})
	})
}

// RecordAudit appends any event to the audit trail.
func (s *Store) RecordAudit(ev audit.Event) error {
	return s.updateTx(func(tx *bolt.Tx) error { return s.record(tx, ev) })
}

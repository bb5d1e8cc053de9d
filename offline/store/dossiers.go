package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"motcua/cardreader/cccd"
	"motcua/offline/audit"
	"motcua/offline/dossier"
	"motcua/offline/portal"
)

// State is where a dossier is on the kiosk's side.
type State string

// Local states.
const (
	Queued         State = "queued"          // in the outbox, waiting to be sent
	Filed          State = "filed"           // the portal confirmed receipt; status is polled
	NeedsAttention State = "needs-attention" // the portal refused it; a clerk must act
	Closed         State = "closed"          // the portal's status is final; nothing more to do
)

// Record is a dossier's metadata: everything here is stored in clear, so
// nothing here is personal data.
type Record struct {
	ID            string        `json:"id"`
	ProcedureCode string        `json:"procedureCode"`
	ProcedureName string        `json:"procedureName"`
	MaskedID      string        `json:"maskedId"` // requester's ID, all but the last 4 digits hidden
	Applicants    int           `json:"applicants"`
	Hash          string        `json:"hash"` // dossier.Hash of the content
	State         State         `json:"state"`
	Code          string        `json:"code,omitempty"` // portal's dossier code once filed
	PortalStatus  portal.Status `json:"portalStatus,omitempty"`
	// Reason is only read from stores older than schema 3; the portal's
	// reason is now sealed (Store.Reason), as it may name a person.
	Reason         string    `json:"reason,omitempty"`
	ReasonCode     string    `json:"reasonCode,omitempty"` // the portal's machine code of a refusal
	HasReason      bool      `json:"hasReason,omitempty"`  // a sealed reason is kept
	CreatedAt      time.Time `json:"createdAt"`
	UpdatedAt      time.Time `json:"updatedAt"`
	FiledAt        time.Time `json:"filedAt,omitzero"`
	Attempts       int       `json:"attempts"`
	NextAttempt    time.Time `json:"nextAttempt,omitzero"`
	LastError      string    `json:"lastError,omitempty"` // kind of the last delivery failure
	PersonalData   bool      `json:"personalData"`        // sealed content still held locally
	Attachments    []string  `json:"attachments,omitempty"`
	ClerkID        string    `json:"clerkId,omitempty"`
	ProcessingDays int       `json:"processingDays,omitempty"`
}

// LocalCode is the kiosk's own reference for a dossier until the portal
// gives its code: KIOSK-yyMMdd-last six hex digits of the UUID, the day in
// Vietnam. The session's screen and the printed receipt both use it, so
// the citizen reads the same code on either.
func LocalCode(kiosk, id string, at time.Time) string {
	tail := id
	if len(id) > 6 {
		tail = id[len(id)-6:]
	}
	return fmt.Sprintf("%s-%s-%s", kiosk, at.In(portal.Vietnam).Format("060102"), tail)
}

// Event is one entry of a dossier's status history.
type Event struct {
	At           time.Time     `json:"at"`
	State        State         `json:"state"`
	PortalStatus portal.Status `json:"portalStatus,omitempty"`
	Note         string        `json:"note,omitempty"` // no personal data
}

// Actor is who does something and why, for the audit trail.
type Actor struct {
	Clerk   string
	Purpose string
}

func (s *Store) record(tx *bolt.Tx, ev audit.Event) error {
	if ev.Kiosk == "" {
		ev.Kiosk = s.opt.KioskID
	}
	if ev.Time.IsZero() {
		ev.Time = s.now()
	}
	_, err := s.trail.RecordTx(tx, ev)
	return err
}

func aadDossier(id string) []byte { return []byte("motcua/dossier/" + id) }
func aadReceipt(id string) []byte { return []byte("motcua/receipt/" + id) }
func aadAttach(sha string) []byte { return []byte("motcua/attachment/" + sha) }
func aadReason(id string) []byte  { return []byte("motcua/reason/" + id) }
func u64(t time.Time) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(t.UnixNano()))
	return b[:]
}
func fromU64(b []byte) time.Time { return time.Unix(0, int64(binary.BigEndian.Uint64(b))) }

func getRecord(tx *bolt.Tx, id string) (*Record, error) {
	raw := tx.Bucket(bDossiers).Get([]byte(id))
	if raw == nil {
		return nil, ErrNotFound
	}
	var r Record
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("%w: record %s does not parse", ErrCorrupt, id)
	}
	return &r, nil
}

func putRecord(tx *bolt.Tx, r *Record) error {
	raw, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return tx.Bucket(bDossiers).Put([]byte(r.ID), raw)
}

func addHistory(tx *bolt.Tx, id string, ev Event) error {
	b := tx.Bucket(bHistory)
	prefix := []byte(id)
	var seq uint32
	c := b.Cursor()
	// The last key with this prefix: seek past it, step back.
	k, _ := c.Seek(append(append([]byte(nil), prefix...), 0xFF, 0xFF, 0xFF, 0xFF))
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	if k != nil && bytes.HasPrefix(k, prefix) && len(k) == len(prefix)+4 {
		seq = binary.BigEndian.Uint32(k[len(prefix):]) + 1
	}
	key := binary.BigEndian.AppendUint32(append([]byte(nil), prefix...), seq)
	raw, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	return b.Put(key, raw)
}

// appendFill is the page fill for buckets written in key order.
const appendFill = 0.9

// Enqueue stores a dossier (sealed) and its attachments (sealed, keyed by
// SHA-256; data maps each attachment's SHA256 to its bytes) and puts it in
// the outbox, in one durable transaction. It returns the record and the
// provisional receipt (no portal code yet). Enqueueing the same dossier
// again returns the stored record; a different dossier under the same ID is
// ErrExists. Large attachments are better streamed in: Stage, then
// EnqueueStaged.
func (s *Store) Enqueue(d *dossier.Dossier, data map[string][]byte) (*Record, *portal.Receipt, error) {
	recs, rcs, err := s.EnqueueBundle([]*dossier.Dossier{d}, data)
	if err != nil {
		return nil, nil, err
	}
	return recs[0], rcs[0], nil
}

// pending is one dossier prepared (checked and sealed) outside the
// transaction that stores it.
type pending struct {
	d       *dossier.Dossier
	rec     *Record
	rc      portal.Receipt
	sealed  []byte
	citizen string
}

func (s *Store) prepare(d *dossier.Dossier, parts map[string]*Staged, now time.Time) (*pending, error) {
	if d == nil || !dossier.ValidID(d.ID) || d.ProcedureCode == "" || len(d.Applicants) == 0 {
		return nil, fmt.Errorf("%w: needs a UUID, a procedure code and an applicant", ErrInvalid)
	}
	canon, err := d.Canonical()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	sum := sha256.Sum256(canon)
	hash := hex.EncodeToString(sum[:])
	for _, a := range d.Attachments {
		if s.opt.MaxAttachment > 0 && a.Size > s.opt.MaxAttachment {
			return nil, fmt.Errorf("%w: %q is %d bytes (limit %d)", ErrTooLarge, a.Key, a.Size, s.opt.MaxAttachment)
		}
		// Data not given may already be stored: checked in the transaction.
		if p, ok := parts[a.SHA256]; ok && s.opt.MaxAttachment > 0 && p.Size > s.opt.MaxAttachment {
			return nil, fmt.Errorf("%w: %q is %d bytes (limit %d)", ErrTooLarge, a.Key, p.Size, s.opt.MaxAttachment)
		}
	}
	req := d.Requester()
	p := &pending{d: d, rc: provisionalReceipt(d, now), citizen: req.ID}
	p.rec = &Record{ID: d.ID, ProcedureCode: d.ProcedureCode, ProcedureName: d.ProcedureName, MaskedID: cccd.MaskID(req.ID),
		Applicants: len(d.Applicants), Hash: hash, State: Queued, CreatedAt: now.UTC(), UpdatedAt: now.UTC(),
		NextAttempt: now.UTC(), PersonalData: true, ClerkID: d.ClerkID, ProcessingDays: d.ProcessingDays}
	for _, a := range d.Attachments {
		p.rec.Attachments = append(p.rec.Attachments, a.SHA256)
	}
	p.sealed = s.kr.Seal(canon, aadDossier(d.ID))
	return p, nil
}

// EnqueueBundle stores several dossiers (a bundle of procedures filed
// together) as Enqueue does, all in ONE durable transaction: either every
// dossier is stored or none is. data holds attachments in memory (each is
// sealed as a stream, never whole a second time); staged ones streamed in
// beforehand (Stage) come as parts, which stay the caller's as with
// EnqueueStaged.
func (s *Store) EnqueueBundle(ds []*dossier.Dossier, data map[string][]byte, staged ...*Staged) ([]*Record, []*portal.Receipt, error) {
	var parts []*Staged
	defer func() {
		for _, p := range parts {
			p.Discard()
		}
	}()
	for _, d := range ds {
		if d == nil {
			continue
		}
		for _, a := range d.Attachments {
			b, ok := data[a.SHA256]
			if !ok || slices.ContainsFunc(parts, func(p *Staged) bool { return p.SHA256 == a.SHA256 }) {
				continue
			}
			if s.opt.MaxAttachment > 0 && int64(len(b)) > s.opt.MaxAttachment {
				return nil, nil, fmt.Errorf("%w: %q is %d bytes (limit %d)", ErrTooLarge, a.Key, len(b), s.opt.MaxAttachment)
			}
			p, err := s.Stage(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				return nil, nil, err
			}
			parts = append(parts, p)
			if p.SHA256 != a.SHA256 {
				return nil, nil, fmt.Errorf("%w: attachment %q does not match its SHA-256", ErrInvalid, a.Key)
			}
		}
	}
	return s.EnqueueStaged(ds, append(staged, parts...)...)
}

// EnqueueStaged stores dossiers as EnqueueBundle does (one transaction),
// with attachments streamed in beforehand by Stage. An attachment already
// in the store needs no part. The parts stay the caller's: Discard them
// afterwards (a part an enqueue took is not deleted by that).
func (s *Store) EnqueueStaged(ds []*dossier.Dossier, parts ...*Staged) ([]*Record, []*portal.Receipt, error) {
	if len(ds) == 0 {
		return nil, nil, fmt.Errorf("%w: no dossier", ErrInvalid)
	}
	byHash := make(map[string]*Staged, len(parts))
	for _, p := range parts {
		if p != nil && p.s == s && !p.linked && (p.committed || p.inline != nil) {
			byHash[p.SHA256] = p
		}
	}
	now := s.now()
	ps := make([]*pending, len(ds))
	for i, d := range ds {
		p, err := s.prepare(d, byHash, now)
		if err != nil {
			return nil, nil, err
		}
		ps[i] = p
	}
	recs := make([]*Record, len(ds))
	var linked []*Staged
	// Group commit: an enqueue shares its commit with the sync worker's
	// writes in flight. The function may run again; it only reads tx.
	err := s.batchTx(func(tx *bolt.Tx) error {
		linked = linked[:0]
		for i, p := range ps {
			out, err := s.putTx(tx, p, byHash, &linked, now)
			if err != nil {
				return err
			}
			recs[i] = out
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	for _, p := range linked {
		p.linked, p.inline = true, nil
	}
	s.signal()
	rcs := make([]*portal.Receipt, len(ps))
	for i := range ps {
		rcs[i] = &ps[i].rc
	}
	return recs, rcs, nil
}

// putTx stores one prepared dossier in tx (or finds it already stored),
// linking the staged parts it needs (appended to linked).
func (s *Store) putTx(tx *bolt.Tx, p *pending, parts map[string]*Staged, linked *[]*Staged, now time.Time) (*Record, error) {
	d := p.d
	if old, err := getRecord(tx, d.ID); err == nil {
		if old.Hash != p.rec.Hash {
			return nil, ErrExists
		}
		return old, nil
	}
	// Few pages per durable enqueue (issue 18.3): the record, the sealed
	// dossier, the outbox entry and the audit entry, nothing more. The
	// provisional receipt and the first history event follow from the
	// record and the dossier, so they are derived when read, not stored.
	// IDs are UUIDv7, so these buckets are appended to in key order:
	// fill pages almost full instead of bbolt's default half.
	for _, b := range [][]byte{bDossiers, bPersonal, bOutbox} {
		tx.Bucket(b).FillPercent = appendFill
	}
	ab, refs := tx.Bucket(bAttach), tx.Bucket(bAttachRefs)
	for _, a := range d.Attachments {
		if ab.Get([]byte(a.SHA256)) == nil {
			part, ok := parts[a.SHA256]
			if !ok {
				return nil, fmt.Errorf("%w: attachment %q has no data", ErrInvalid, a.Key)
			}
			if err := part.linkTx(tx); err != nil {
				return nil, err
			}
			*linked = append(*linked, part)
		}
		if err := refs.Put([]byte(a.SHA256+d.ID), nil); err != nil {
			return nil, err
		}
	}
	if err := tx.Bucket(bPersonal).Put([]byte(d.ID), p.sealed); err != nil {
		return nil, err
	}
	if err := putRecord(tx, p.rec); err != nil {
		return nil, err
	}
	if err := tx.Bucket(bOutbox).Put([]byte(d.ID), u64(dueNow)); err != nil {
		return nil, err
	}
	return p.rec, s.record(tx, audit.Event{Clerk: d.ClerkID, Action: audit.Enqueue, CitizenID: p.citizen, Dossier: d.ID,
		Purpose: "nộp hồ sơ " + d.ProcedureCode})
}

// provisionalReceipt is the slip the kiosk can print before the portal has
// answered: no code yet (the dossier ID is the local reference).
func provisionalReceipt(d *dossier.Dossier, now time.Time) portal.Receipt {
	rc := portal.Receipt{ProcedureCode: d.ProcedureCode, ProcedureName: d.ProcedureName, ReceivedAt: now.In(portal.Vietnam),
		ProcessingDays: d.ProcessingDays, Channel: 1, Documents: []portal.Document{}}
	if r := d.Requester(); r != nil {
		rc.Applicant = r.FullName
	}
	if d.ProcessingDays > 0 {
		rc.AppointmentDate = portal.AddWorkingDays(now, d.ProcessingDays)
	}
	for _, a := range d.Attachments {
		rc.Documents = append(rc.Documents, portal.Document{Key: a.Key, Name: a.Name, SHA256: a.SHA256, Pages: a.Pages})
	}
	return rc
}

// Get returns a dossier's metadata.
func (s *Store) Get(id string) (*Record, error) {
	var r *Record
	err := s.viewTx(func(tx *bolt.Tx) error {
		var err error
		r, err = getRecord(tx, id)
		return err
	})
	return r, err
}

// History returns a dossier's status history, oldest first. The creation
// and filing events are derived from the record (since schema 3 they are
// not stored, to keep commits small); older stores have them stored.
func (s *Store) History(id string) ([]Event, error) {
	var out []Event
	err := s.viewTx(func(tx *bolt.Tx) error {
		r, err := getRecord(tx, id)
		if err != nil {
			return err
		}
		c := tx.Bucket(bHistory).Cursor()
		p := []byte(id)
		haveFirst, haveFiled := false, false
		for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
			var e Event
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("%w: history of %s", ErrCorrupt, id)
			}
			haveFirst = haveFirst || (e.State == Queued && e.At.Equal(r.CreatedAt))
			haveFiled = haveFiled || strings.HasPrefix(e.Note, "filed as ")
			out = append(out, e)
		}
		if !haveFirst {
			out = append(out, Event{At: r.CreatedAt, State: Queued})
		}
		if !haveFiled && !r.FiledAt.IsZero() {
			out = append(out, Event{At: r.FiledAt, State: Filed, Note: "filed as " + r.Code})
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, err
}

// Filter selects records for List. Zero fields match everything.
type Filter struct {
	State State
	Since time.Time // created at or after
	Until time.Time // created before
}

// List returns the records matching f, oldest first.
func (s *Store) List(f Filter) ([]Record, error) {
	var out []Record
	err := s.viewTx(func(tx *bolt.Tx) error {
		return tx.Bucket(bDossiers).ForEach(func(_, v []byte) error {
			var r Record
			if err := json.Unmarshal(v, &r); err != nil {
				return nil // damaged: `kiosk queue check` names it; list the rest
			}
			if (f.State == "" || r.State == f.State) && (f.Since.IsZero() || !r.CreatedAt.Before(f.Since)) &&
				(f.Until.IsZero() || r.CreatedAt.Before(f.Until)) {
				out = append(out, r)
			}
			return nil
		})
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out, err
}

// Today returns the records created today in Vietnam, for the counter's
// day list.
func (s *Store) Today() ([]Record, error) {
	n := s.now().In(portal.Vietnam)
	start := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, portal.Vietnam)
	return s.List(Filter{Since: start, Until: start.AddDate(0, 0, 1)})
}

// Stats counts records by state.
type Stats struct {
	Queued, Filed, NeedsAttention, Closed int
	Outbox                                int // entries in the outbox (= Queued when consistent)
	Damaged                               int // records that do not parse (see Check)
}

// Stats counts records by state and the outbox length.
func (s *Store) Stats() (Stats, error) {
	var st Stats
	err := s.viewTx(func(tx *bolt.Tx) error {
		st.Outbox = tx.Bucket(bOutbox).Stats().KeyN
		return tx.Bucket(bDossiers).ForEach(func(_, v []byte) error {
			var r struct{ State State }
			if err := json.Unmarshal(v, &r); err != nil {
				st.Damaged++
				return nil
			}
			switch r.State {
			case Queued:
				st.Queued++
			case Filed:
				st.Filed++
			case NeedsAttention:
				st.NeedsAttention++
			case Closed:
				st.Closed++
			}
			return nil
		})
	})
	return st, err
}

// OutboxLen is the number of dossiers waiting to be sent.
func (s *Store) OutboxLen() int {
	n := 0
	s.viewTx(func(tx *bolt.Tx) error {
		n = tx.Bucket(bOutbox).Stats().KeyN
		return nil
	})
	return n
}

// openDossier decrypts and checks a dossier inside tx.
func (s *Store) openDossier(tx *bolt.Tx, r *Record) (*dossier.Dossier, error) {
	sealed := tx.Bucket(bPersonal).Get([]byte(r.ID))
	if sealed == nil {
		return nil, ErrPurged
	}
	canon, err := s.kr.Open(sealed, aadDossier(r.ID))
	if err != nil {
		return nil, fmt.Errorf("store: dossier %s: %w", r.ID, err)
	}
	sum := sha256.Sum256(canon)
	if hex.EncodeToString(sum[:]) != r.Hash {
		return nil, fmt.Errorf("%w (%s)", ErrCorrupt, r.ID)
	}
	var d dossier.Dossier
	if err := json.Unmarshal(canon, &d); err != nil {
		return nil, fmt.Errorf("%w (%s): %v", ErrCorrupt, r.ID, err)
	}
	return &d, nil
}

// Dossier decrypts a dossier for a person to see, and records that read in
// the audit trail.
func (s *Store) Dossier(id string, who Actor) (*dossier.Dossier, error) {
	var d *dossier.Dossier
	err := s.updateTx(func(tx *bolt.Tx) error {
		r, err := getRecord(tx, id)
		if err != nil {
			return err
		}
		if d, err = s.openDossier(tx, r); err != nil {
			return err
		}
		return s.record(tx, audit.Event{Clerk: who.Clerk, Action: audit.ViewDossier, CitizenID: d.Requester().ID,
			Dossier: id, Purpose: who.Purpose})
	})
	return d, err
}

// Receipt returns the receipt data to (re)print: the portal's once filed,
// the provisional one before. After retention has deleted the personal
// data, the applicant is shown as the masked ID. The read is audited.
func (s *Store) Receipt(id string, who Actor) (*portal.Receipt, error) {
	var rc portal.Receipt
	err := s.updateTx(func(tx *bolt.Tx) error {
		r, err := getRecord(tx, id)
		if err != nil {
			return err
		}
		sealed := tx.Bucket(bReceipts).Get([]byte(id))
		switch {
		case sealed == nil && r.PersonalData:
			// Not filed yet: the provisional receipt follows from the
			// dossier (it is not stored, to keep enqueues small).
			d, err := s.openDossier(tx, r)
			if err != nil {
				return err
			}
			rc = provisionalReceipt(d, r.CreatedAt)
		case sealed == nil:
			return ErrPurged
		default:
			raw, err := s.kr.Open(sealed, aadReceipt(id))
			if err != nil {
				return fmt.Errorf("store: receipt %s: %w", id, err)
			}
			if err := json.Unmarshal(raw, &rc); err != nil {
				return fmt.Errorf("%w: receipt %s", ErrCorrupt, id)
			}
		}
		ev := audit.Event{Clerk: who.Clerk, Action: audit.PrintReceipt, Dossier: id, Purpose: who.Purpose}
		if r.PersonalData {
			if d, err := s.openDossier(tx, r); err == nil {
				ev.CitizenID = d.Requester().ID
			}
		}
		return s.record(tx, ev)
	})
	if err != nil {
		return nil, err
	}
	return &rc, nil
}

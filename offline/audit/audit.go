package audit

import (
	"bytes"
	"crypto/hmac"
	"encoding/binary"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Action names what was done.
type Action string

// Actions recorded by the kiosk. Others may be recorded; these are the ones
// the kiosk itself uses.
const (
	ReadCard      Action = "read-card"           // citizen data read from a chip or QR
	ViewDossier   Action = "view-dossier"        // a dossier's personal data shown or decrypted
	Enqueue       Action = "enqueue"             // dossier accepted at the kiosk and queued
	Send          Action = "send"                // dossier delivered to the portal
	Refused       Action = "needs-attention"     // portal refused the dossier permanently
	Retry         Action = "retry"               // clerk put a dossier back in the outbox
	Purge         Action = "purge-personal-data" // local personal data deleted
	PrintReceipt  Action = "print-receipt"
	RotateKey     Action = "rotate-key"
	Export        Action = "export-audit"
	StatusChanged Action = "status-changed" // the portal reported a new status
)

// Errors returned by this package.
var (
	// ErrBroken means Verify found the chain broken; the error is a *BrokenError.
	ErrBroken = errors.New("audit: trail broken")
)

// BrokenError says where and how the chain breaks.
type BrokenError struct {
	Seq    uint64 // the first entry that does not verify (0: the head record)
	Reason string
}

func (e *BrokenError) Error() string {
	return fmt.Sprintf("audit: trail broken at entry %d: %s", e.Seq, e.Reason)
}

// Is makes errors.Is(err, ErrBroken) true.
func (e *BrokenError) Is(target error) bool { return target == ErrBroken }

// MACer computes a keyed hash; *seal.Keyring is one.
type MACer interface {
	MAC(data []byte) []byte
}

// Event is what a caller records. CitizenID is the raw ID number: it is
// hashed under the MAC key on the way in and never stored.
type Event struct {
	Clerk     string // clerk or "system:sync"
	Kiosk     string
	Action    Action
	CitizenID string // optional
	Dossier   string // optional dossier ID
	Purpose   string // e.g. "prefill form 1.001193"
	Time      time.Time
}

// Entry is one stored record of the trail.
type Entry struct {
	Seq     uint64    `json:"seq"`
	Time    time.Time `json:"time"`
	Clerk   string    `json:"clerk"`
	Kiosk   string    `json:"kiosk,omitempty"`
	Action  Action    `json:"action"`
	Citizen string    `json:"citizen,omitempty"` // hex HMAC-SHA256 of the ID
	Dossier string    `json:"dossier,omitempty"`
	Purpose string    `json:"purpose,omitempty"`
	Prev    string    `json:"prev"` // hex hash of entry Seq-1 ("" for the first)
	Hash    string    `json:"hash"` // hex keyed hash of this entry with Prev
}

var (
	bucketEntries = []byte("audit")
	bucketHead    = []byte("audit-head")
	keyHead       = []byte("head")
)

// head is the last entry's sequence and hash, with its own MAC so that
// cutting entries off the end and rewinding the head needs the key.
type head struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
	MAC  string `json:"mac"`
}

// Trail is the audit log in a bbolt database it shares with the store.
type Trail struct {
	db  *bolt.DB
	mac MACer
	now func() time.Time
}

// New opens the trail in db, creating its buckets.
func New(db *bolt.DB, mac MACer) (*Trail, error) {
	err := db.Update(func(tx *bolt.Tx) error {
		return CreateBuckets(tx)
	})
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return &Trail{db: db, mac: mac, now: time.Now}, nil
}

// CreateBuckets creates the trail's buckets in tx (for a store's schema setup).
func CreateBuckets(tx *bolt.Tx) error {
	for _, b := range [][]byte{bucketEntries, bucketHead} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	return nil
}

// CitizenRef returns the pseudonym under which the trail names the citizen
// with this ID number.
func (t *Trail) CitizenRef(id string) string {
	if id == "" {
		return ""
	}
	return hex.EncodeToString(t.mac.MAC(append([]byte("motcua/audit/citizen\x00"), id...)))
}

func (t *Trail) entryHash(e Entry) string {
	e.Hash = ""
	b, _ := json.Marshal(e) // fixed struct: cannot fail
	return hex.EncodeToString(t.mac.MAC(append([]byte("motcua/audit/entry\x00"), b...)))
}

func (t *Trail) headMAC(seq uint64, hash string) string {
	b := strconv.AppendUint([]byte("motcua/audit/head\x00"), seq, 10)
	b = append(b, 0)
	b = append(b, hash...)
	return hex.EncodeToString(t.mac.MAC(b))
}

// Record appends an event in its own transaction.
func (t *Trail) Record(ev Event) (Entry, error) {
	var e Entry
	err := t.db.Update(func(tx *bolt.Tx) error {
		var err error
		e, err = t.RecordTx(tx, ev)
		return err
	})
	return e, err
}

// RecordTx appends an event inside the caller's write transaction, so the
// action and its audit entry commit together or not at all.
func (t *Trail) RecordTx(tx *bolt.Tx, ev Event) (Entry, error) {
	b, hb := tx.Bucket(bucketEntries), tx.Bucket(bucketHead)
	if b == nil || hb == nil {
		return Entry{}, errors.New("audit: buckets missing")
	}
	b.FillPercent = 0.9 // append-only: fill pages
	var h head
	if raw := hb.Get(keyHead); raw != nil {
		if err := json.Unmarshal(raw, &h); err != nil {
			return Entry{}, &BrokenError{Seq: 0, Reason: "unreadable head"}
		}
	}
	when := ev.Time
	if when.IsZero() {
		when = t.now()
	}
	e := Entry{Seq: h.Seq + 1, Time: when.UTC(), Clerk: ev.Clerk, Kiosk: ev.Kiosk, Action: ev.Action,
		Citizen: t.CitizenRef(ev.CitizenID), Dossier: ev.Dossier, Purpose: ev.Purpose, Prev: h.Hash}
	e.Hash = t.entryHash(e)
	raw, err := json.Marshal(e)
	if err != nil {
		return Entry{}, fmt.Errorf("audit: %w", err)
	}
	if err := b.Put(seqKey(e.Seq), raw); err != nil {
		return Entry{}, fmt.Errorf("audit: %w", err)
	}
	h = head{Seq: e.Seq, Hash: e.Hash, MAC: t.headMAC(e.Seq, e.Hash)}
	hraw, _ := json.Marshal(h)
	if err := hb.Put(keyHead, hraw); err != nil {
		return Entry{}, fmt.Errorf("audit: %w", err)
	}
	return e, nil
}

func seqKey(n uint64) []byte {
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], n)
	return k[:]
}

// Verify walks the whole trail and returns the number of entries, or a
// *BrokenError naming the first entry that fails.
func (t *Trail) Verify() (int, error) {
	n := 0
	err := t.db.View(func(tx *bolt.Tx) error {
		b, hb := tx.Bucket(bucketEntries), tx.Bucket(bucketHead)
		var h head
		hraw := hb.Get(keyHead)
		if hraw != nil {
			if err := json.Unmarshal(hraw, &h); err != nil {
				return &BrokenError{Seq: 0, Reason: "unreadable head record"}
			}
			if !hmac.Equal([]byte(h.MAC), []byte(t.headMAC(h.Seq, h.Hash))) {
				return &BrokenError{Seq: 0, Reason: "head record does not verify"}
			}
		}
		prev, want := "", uint64(1)
		err := b.ForEach(func(k, v []byte) error {
			var e Entry
			if len(k) != 8 || json.Unmarshal(v, &e) != nil {
				return &BrokenError{Seq: want, Reason: "unreadable entry"}
			}
			if got := binary.BigEndian.Uint64(k); got != want || e.Seq != want {
				return &BrokenError{Seq: want, Reason: fmt.Sprintf("entry %d missing (found %d)", want, got)}
			}
			if e.Prev != prev {
				return &BrokenError{Seq: e.Seq, Reason: "previous-hash link does not match"}
			}
			if !hmac.Equal([]byte(e.Hash), []byte(t.entryHash(e))) {
				return &BrokenError{Seq: e.Seq, Reason: "entry hash does not match its content"}
			}
			prev, want = e.Hash, want+1
			n++
			return nil
		})
		if err != nil {
			return err
		}
		if h.Seq != uint64(n) || h.Hash != prev {
			return &BrokenError{Seq: uint64(n) + 1, Reason: fmt.Sprintf("trail ends at %d but head says %d: entries cut off the end", n, h.Seq)}
		}
		return nil
	})
	return n, err
}

// Each calls fn for every entry in order.
func (t *Trail) Each(fn func(Entry) error) error {
	return t.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketEntries).ForEach(func(_, v []byte) error {
			var e Entry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("audit: unreadable entry: %w", err)
			}
			return fn(e)
		})
	})
}

// ExportJSON writes the trail as a JSON array.
func (t *Trail) ExportJSON(w io.Writer) error {
	var buf bytes.Buffer
	buf.WriteString("[")
	first := true
	err := t.Each(func(e Entry) error {
		if !first {
			buf.WriteString(",")
		}
		first = false
		b, _ := json.Marshal(e)
		buf.WriteString("\n  ")
		buf.Write(b)
		if buf.Len() > 64<<10 {
			if _, err := w.Write(buf.Bytes()); err != nil {
				return err
			}
			buf.Reset()
		}
		return nil
	})
	if err != nil {
		return err
	}
	buf.WriteString("\n]\n")
	_, err = w.Write(buf.Bytes())
	return err
}

// CSVHeader is the first row ExportCSV writes.
var CSVHeader = []string{"seq", "time", "clerk", "kiosk", "action", "citizen", "dossier", "purpose", "prev", "hash"}

// csvCell defuses text a spreadsheet would run as a formula (a clerk ID or
// purpose typed as "=HYPERLINK(...)"): such a cell gets a leading apostrophe,
// which spreadsheets show as text.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// ExportCSV writes the trail as CSV with CSVHeader. Free-text cells are
// defused against formula injection (see csvCell).
func (t *Trail) ExportCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(CSVHeader)
	err := t.Each(func(e Entry) error {
		return cw.Write([]string{strconv.FormatUint(e.Seq, 10), e.Time.Format(time.RFC3339Nano), csvCell(e.Clerk), csvCell(e.Kiosk),
			string(e.Action), e.Citizen, e.Dossier, csvCell(e.Purpose), e.Prev, e.Hash})
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

package portalserver

import (
	"context"
	"errors"
	"fmt"
	"time"

	"motcua/cardreader/cccd"
	"motcua/offline/portal"
)

// Store is where a portal keeps what it takes. Two implement it: the
// embedded bbolt store (OpenBolt, the default) and PostgreSQL
// (portalserver/pgstore) for a province running several portal instances
// on one database. storetest.Run checks this contract on both.
//
// The contract:
//
//   - Intake files a dossier exactly once per (kiosk, dossier ID), even
//     when several callers (in several processes) race with the same key:
//     the first caller commits, every later one with the same body hash gets
//     the stored answer back with replay true, and one with another body
//     hash gets ErrConflict. Nothing is stored when it fails.
//   - Dossier codes <agency>-<yyMMdd>-<seq> are unique and gap-free per
//     agency and day in Asia/Ho_Chi_Minh: the sequence advances in the same
//     transaction that stores the dossier, so a failed intake uses no number.
//   - Every attachment an intake names must already be stored
//     (ErrAttachmentMissing otherwise). Attachments are kept by lower-case
//     hex SHA-256; storing one twice is a no-op.
//   - PutStats takes a statistics batch exactly once per (kiosk, batch ID),
//     with the same replay and conflict rules as Intake.
//   - Heartbeats keep the latest state of each kiosk and its last
//     HistoryLen heartbeats.
//   - Every method is safe for concurrent use.
type Store interface {
	// PutAttachment stores data under sha, its verified lower-case hex SHA-256.
	PutAttachment(ctx context.Context, sha string, data []byte) error
	// Attachment returns the stored bytes, or ErrUnknownAttachment.
	Attachment(ctx context.Context, sha string) ([]byte, error)
	// Intake files a dossier (see the contract above).
	Intake(ctx context.Context, in Intake) (resp []byte, replay bool, err error)
	// Lookup returns the dossier a kiosk filed under an ID, or ErrUnknownDossier.
	Lookup(ctx context.Context, kiosk, dossierID string) (Record, error)
	// SetStatus moves a dossier to a new status, or returns ErrUnknownDossier.
	SetStatus(ctx context.Context, kiosk, dossierID string, st portal.Status, reason string, at time.Time) error
	// Each calls fn for every stored dossier, in code order.
	Each(ctx context.Context, fn func(Record) error) error
	// Count counts dossiers, distinct (kiosk, dossier ID) pairs, ratings
	// and statistics batches.
	Count(ctx context.Context) (Counts, error)
	// PutStats takes a statistics batch (see the contract above).
	PutStats(ctx context.Context, in StatsIntake) (resp []byte, replay bool, err error)
	// Stats sums one kiosk's ("" every kiosk) ratings and indicator totals
	// on one day in Vietnam (zero: every day).
	Stats(ctx context.Context, kiosk string, day cccd.Date) (portal.StatsTotals, error)
	// PutHeartbeat records a kiosk's heartbeat as its latest state and
	// appends it to the kiosk's history.
	PutHeartbeat(ctx context.Context, hb Heartbeat) error
	// Fleet returns the latest heartbeat of every kiosk that sent one, by kiosk ID.
	Fleet(ctx context.Context) ([]Heartbeat, error)
	// History returns a kiosk's last heartbeats, newest first (at most HistoryLen).
	History(ctx context.Context, kiosk string) ([]Heartbeat, error)
	// Close releases the store.
	Close() error
}

// HistoryLen is how many heartbeats a store keeps per kiosk: at one every
// 30 s, a little over two hours.
const HistoryLen = 256

// Intake is one dossier to file.
type Intake struct {
	Kiosk       string
	DossierID   string
	BodyHash    string   // lower-case hex SHA-256 of Body
	Body        []byte   // the dossier as received
	Attachments []string // lower-case hashes that must already be stored
	Agency      string   // for the code
	Now         time.Time
	// Answer builds the first answer for the allocated code; the store keeps
	// it and replays it on retries. It may be called more than once (a
	// transaction that is retried) and must not have side effects.
	Answer func(code string) ([]byte, error)
}

// StatsIntake is one statistics batch to take.
type StatsIntake struct {
	Kiosk    string
	BatchID  string
	BodyHash string // of the batch re-encoded
	Batch    *portal.StatsBatch
	At       time.Time
	Response []byte
}

// Heartbeat is a kiosk's state as received (see package heartbeat for the
// fields the kiosk fills).
type Heartbeat struct {
	KioskID    string    `json:"kioskId"`
	ReceivedAt time.Time `json:"receivedAt"`
	Body       []byte    `json:"body"` // the JSON the kiosk sent, validated
}

// Errors of the Store contract.
var (
	ErrConflict          = errors.New("portalserver: this key was used for a different body")
	ErrAttachmentMissing = errors.New("portalserver: an attachment was not uploaded first")
	ErrUnknownAttachment = errors.New("portalserver: no such attachment")
)

// Code formats a dossier code <agency>-<yyMMdd>-<seq> for a day ("060102").
func Code(agency, day string, seq int64) string {
	return fmt.Sprintf("%s-%s-%04d", agency, day, seq)
}

// CodeDay is the yyMMdd of t in Vietnam, the day a code's sequence counts.
func CodeDay(t time.Time) string { return t.In(portal.Vietnam).Format("060102") }

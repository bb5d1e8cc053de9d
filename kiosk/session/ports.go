package session

import (
	"context"
	"time"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
)

// Step is a stage of a card read, shown as progress.
type Step int

// The read steps, in order.
const (
	StepConnecting Step = iota // finding the card on the reader
	StepOpening                // opening the chip (BAC or PACE)
	StepReading                // reading the data groups
	StepVerifying              // passive and anti-clone authentication
	StepDone

	// StepCardLifted is not a stage: the card left the reader mid-read and
	// the read waits for it to be put back (the files read so far are
	// kept). The current stage stays; CardLifted reports it until the
	// next stage arrives.
	StepCardLifted Step = 100
)

// String returns the step's message key suffix.
func (s Step) String() string {
	switch s {
	case StepConnecting:
		return "connecting"
	case StepOpening:
		return "opening"
	case StepReading:
		return "reading"
	case StepVerifying:
		return "verifying"
	}
	return "done"
}

// ReadRequest says what to read. QR is the text of a scanned card QR code;
// when set, the source derives the chip's keys from it (or returns a QR-only
// Reading when no chip answers).
type ReadRequest struct {
	QR string
}

// CardSource reads one card. Read blocks until it has a Reading or fails; it
// must honour ctx (a card removed or a cancelled session cancels it) and
// call progress from any goroutine as it moves through the steps. Errors
// should wrap ErrCardRemoved, ErrWrongCard, ErrNoReader or ErrBadQR where
// they apply, so the screen can say what happened.
type CardSource interface {
	Read(ctx context.Context, req ReadRequest, progress func(Step)) (*cardreader.Reading, error)
}

// Metrics are the Decision 06 figures of one dossier.
type Metrics struct {
	Total        int  // value slots on the form
	Prefilled    int  // values taken from the card or the system
	Typed        int  // values typed by the citizen or the clerk
	ChipVerified bool // the requester's identity came from a verified chip
	// IDPapersAsked is true when the identity was not proven by a chip, so
	// the clerk must still look at (or copy) an identity paper.
	IDPapersAsked bool
}

// Filed is the queue's answer to a submitted dossier.
type Filed struct {
	DossierID  string    // the kiosk's UUID
	LocalCode  string    // the kiosk's own reference, always set
	Code       string    // the portal's dossier code; "" until synced
	Synced     bool      // the portal has it
	ReceivedAt time.Time // when the kiosk took it
	Due        cccd.Date // appointment date; zero when unknown
}

// SyncState is a dossier's delivery state in today's list.
type SyncState string

// Sync states shown in the counter panel.
const (
	SyncQueued   SyncState = "queued"
	SyncSent     SyncState = "sent"
	SyncFailed   SyncState = "failed"
	SyncAccepted SyncState = "accepted"
)

// Entry is one line of today's dossiers. It carries no personal data beyond
// what the counter may show (a masked ID).
type Entry struct {
	DossierID     string
	Code          string // portal code, or the local code while queued
	ProcedureCode string
	ProcedureName string
	MaskedID      string
	At            time.Time
	State         SyncState
}

// Status is the online indicator.
type Status struct {
	Online bool
	Queued int
}

// Indicators are the Decision 06 figures for the clerk's screen.
type Indicators struct {
	Dossiers      int
	ChipVerified  int     // dossiers whose requester was chip-verified
	PrefillRatio  float64 // prefilled values / all values, 0..1
	NoIDPapers    int     // dossiers that asked for no identity paper copy
	Ratings       int
	AverageRating float64
}

// Event is an audit event. It never holds personal data.
type Event struct {
	Kind    Action
	ClerkID string
	// CitizenID is set on ActionCardRead only: the audit trail stores it as a
	// keyed hash, never in clear.
	CitizenID string
	DossierID string
	Detail    string
	At        time.Time
}

package heartbeat

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// Path is the portal's heartbeat endpoint.
const Path = "/v1/heartbeat"

// MaxBody is the largest heartbeat the portal reads.
const MaxBody = 16 << 10

// Mode is how the kiosk is used.
type Mode string

// Modes.
const (
	ModeCounter     Mode = "counter"     // a clerk's counter
	ModeSelfService Mode = "selfservice" // a citizen self-service kiosk
	ModeDemo        Mode = "demo"
)

// State is a device's condition as the kiosk knows it.
type State string

// Device states.
const (
	StateUnknown  State = ""          // the kiosk cannot tell (or has no such device)
	StateOK       State = "ok"        // present and working
	StateMissing  State = "missing"   // configured but not found
	StateError    State = "error"     // found but failing
	StatePaperOut State = "paper-out" // printers only
)

// Card is what the reader's slot is doing.
type Card string

// Card states.
const (
	CardNone    Card = "none"    // no card
	CardPresent Card = "present" // a card is on the reader
	CardError   Card = "error"   // the last read failed
)

// Device is one peripheral: its state and, optionally, its model (as the
// driver names it, e.g. "ACS ACR1252U"; never a serial number).
type Device struct {
	State State  `json:"state"`
	Model string `json:"model,omitempty"`
}

// Status is one heartbeat. Times are the kiosk's clock.
type Status struct {
	Version string    `json:"version"`
	Mode    Mode      `json:"mode"`
	Ward    string    `json:"ward,omitempty"` // the receiving agency (code or name), configured, not personal
	At      time.Time `json:"at"`
	// Queue is the number of dossiers waiting to be delivered;
	// OldestQueued is when the oldest of them was queued (zero: none).
	Queue        int       `json:"queue"`
	OldestQueued time.Time `json:"oldestQueued,omitzero"`
	LastSync     time.Time `json:"lastSync,omitzero"` // last successful delivery or probe
	Online       bool      `json:"online"`
	Reader       Device    `json:"reader"`
	Card         Card      `json:"card,omitempty"`
	Scanner      Device    `json:"scanner"`
	Printer      Device    `json:"printer"`
	// TrustListIssued is the issue time of the CSCA trust list in use.
	TrustListIssued time.Time `json:"trustListIssued,omitzero"`
	FreeDiskBytes   uint64    `json:"freeDiskBytes"`
}

// ErrInvalid reports a heartbeat that is malformed or out of range.
var ErrInvalid = errors.New("heartbeat: invalid")

// Parse reads a heartbeat from outside bytes and validates it. Fields it
// does not know are dropped.
func Parse(b []byte) (Status, error) {
	var s Status
	if len(b) > MaxBody {
		return s, fmt.Errorf("%w: %d bytes, at most %d", ErrInvalid, len(b), MaxBody)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return Status{}, fmt.Errorf("%w: not a heartbeat: %w", ErrInvalid, err)
	}
	if err := s.Validate(); err != nil {
		return Status{}, err
	}
	return s, nil
}

func okText(s string, max int) bool { return len(s) <= max && utf8.ValidString(s) }

func validState(s State, printer bool) bool {
	switch s {
	case StateUnknown, StateOK, StateMissing, StateError:
		return true
	case StatePaperOut:
		return printer
	}
	return false
}

// Validate checks every field is in range.
func (s Status) Validate() error {
	bad := func(what string) error { return fmt.Errorf("%w: %s", ErrInvalid, what) }
	switch {
	case s.Version == "" || !okText(s.Version, 64):
		return bad("version missing or too long")
	case s.Mode != ModeCounter && s.Mode != ModeSelfService && s.Mode != ModeDemo:
		return bad("unknown mode")
	case !okText(s.Ward, 128):
		return bad("ward too long")
	case s.At.IsZero():
		return bad("no time")
	case s.Queue < 0 || s.Queue > 1_000_000:
		return bad("queue out of range")
	case s.Queue == 0 && !s.OldestQueued.IsZero():
		return bad("an oldest queued dossier in an empty queue")
	case !validState(s.Reader.State, false) || !validState(s.Scanner.State, false) || !validState(s.Printer.State, true):
		return bad("unknown device state")
	case !okText(s.Reader.Model, 64) || !okText(s.Scanner.Model, 64) || !okText(s.Printer.Model, 64):
		return bad("device model too long")
	}
	switch s.Card {
	case "", CardNone, CardPresent, CardError:
	default:
		return bad("unknown card state")
	}
	return nil
}

// same reports whether two statuses differ only in what changes all the
// time (the clock, free disk): a difference in anything else is a state
// change worth reporting at once.
func same(a, b Status) bool {
	a.At, b.At = time.Time{}, time.Time{}
	a.FreeDiskBytes, b.FreeDiskBytes = 0, 0
	return a.Version == b.Version && a.Mode == b.Mode && a.Ward == b.Ward && a.Queue == b.Queue &&
		a.OldestQueued.Equal(b.OldestQueued) && a.LastSync.Equal(b.LastSync) && a.Online == b.Online &&
		a.Reader == b.Reader && a.Card == b.Card && a.Scanner == b.Scanner && a.Printer == b.Printer &&
		a.TrustListIssued.Equal(b.TrustListIssued)
}

package portalserver

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// Faults are switches that make the server misbehave on purpose, for tests.
// The zero value is a well-behaved server. Safe for concurrent use.
type Faults struct {
	mu sync.Mutex
	f  FaultSettings
}

// FaultSettings is a snapshot of the switches; it is also the JSON body of
// POST /admin/faults.
type FaultSettings struct {
	// FailNext makes the next N dossier intakes fail with FailStatus (500 or
	// 503; default 503) before anything is stored.
	FailNext   int `json:"failNext,omitempty"`
	FailStatus int `json:"failStatus,omitempty"`
	// RefuseNext makes the next N dossier intakes refused permanently with
	// RefuseStatus (default 422) and RefuseReason.
	RefuseNext   int    `json:"refuseNext,omitempty"`
	RefuseStatus int    `json:"refuseStatus,omitempty"`
	RefuseReason string `json:"refuseReason,omitempty"`
	// DropAfterCommitNext makes the next N intakes commit the dossier and
	// then drop the connection without answering: the kiosk cannot know it
	// was filed, and must retry with the same Idempotency-Key.
	DropAfterCommitNext int `json:"dropAfterCommitNext,omitempty"`
	// Delay stalls every request this long before handling it (slowness;
	// longer than the client's timeout, a timeout).
	Delay time.Duration `json:"delay,omitempty"`
	// Unavailable answers 503 to every request, health checks included.
	Unavailable bool `json:"unavailable,omitempty"`
	// StatsFailNext makes the next N statistics batches fail with
	// FailStatus (500 or 503; default 503) before anything is stored.
	StatsFailNext int `json:"statsFailNext,omitempty"`
	// StatsDropAfterCommitNext makes the next N statistics batches commit
	// and then drop the connection without answering.
	StatsDropAfterCommitNext int `json:"statsDropAfterCommitNext,omitempty"`
}

// ErrFaults reports fault settings out of range.
var ErrFaults = errors.New("portalserver: bad fault settings")

// Validate checks the switches are in range: counts not negative, failure
// statuses 500 or 503, refusals 4xx, a delay of at most ten minutes.
func (s FaultSettings) Validate() error {
	switch {
	case s.FailNext < 0, s.RefuseNext < 0, s.DropAfterCommitNext < 0, s.StatsFailNext < 0, s.StatsDropAfterCommitNext < 0:
		return fmt.Errorf("%w: negative count", ErrFaults)
	case s.FailStatus != 0 && s.FailStatus != 500 && s.FailStatus != 503:
		return fmt.Errorf("%w: failStatus must be 500 or 503", ErrFaults)
	case s.RefuseStatus != 0 && (s.RefuseStatus < 400 || s.RefuseStatus > 499 || s.RefuseStatus == 401 || s.RefuseStatus == 409):
		return fmt.Errorf("%w: refuseStatus must be a 4xx other than 401 and 409", ErrFaults)
	case len(s.RefuseReason) > maxReason:
		return fmt.Errorf("%w: refuseReason too long", ErrFaults)
	case s.Delay < 0 || s.Delay > 10*time.Minute:
		return fmt.Errorf("%w: delay must be between 0 and 10m", ErrFaults)
	}
	return nil
}

// Set replaces all switches.
func (f *Faults) Set(s FaultSettings) {
	f.mu.Lock()
	f.f = s
	f.mu.Unlock()
}

// Get returns the current switches.
func (f *Faults) Get() FaultSettings {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.f
}

// Update changes switches under the lock.
func (f *Faults) Update(fn func(*FaultSettings)) {
	f.mu.Lock()
	fn(&f.f)
	f.mu.Unlock()
}

func (f *Faults) delay() (time.Duration, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.f.Delay, f.f.Unavailable
}

// takeIntake consumes one intake fault, in order fail, refuse; it returns
// the HTTP status and reason to answer with, or 0.
func (f *Faults) takeIntake() (status int, reason string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.f.FailNext > 0:
		f.f.FailNext--
		if f.f.FailStatus == 0 {
			return 503, "simulated outage"
		}
		return f.f.FailStatus, "simulated failure"
	case f.f.RefuseNext > 0:
		f.f.RefuseNext--
		st := f.f.RefuseStatus
		if st == 0 {
			st = 422
		}
		r := f.f.RefuseReason
		if r == "" {
			r = "Hồ sơ không hợp lệ (simulated refusal)"
		}
		return st, r
	}
	return 0, ""
}

func (f *Faults) takeDrop() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.f.DropAfterCommitNext > 0 {
		f.f.DropAfterCommitNext--
		return true
	}
	return false
}

// takeStats consumes one statistics intake failure; it returns the HTTP
// status to answer with, or 0.
func (f *Faults) takeStats() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.f.StatsFailNext > 0 {
		f.f.StatsFailNext--
		if f.f.FailStatus == 0 {
			return 503
		}
		return f.f.FailStatus
	}
	return 0
}

func (f *Faults) takeStatsDrop() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.f.StatsDropAfterCommitNext > 0 {
		f.f.StatsDropAfterCommitNext--
		return true
	}
	return false
}

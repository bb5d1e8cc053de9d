package session

import (
	"errors"
)

// Errors a CardSource wraps so the screens can say what happened.
var (
	ErrCardRemoved = errors.New("session: card removed during the read")
	ErrWrongCard   = errors.New("session: not a readable identity card")
	ErrNoReader    = errors.New("session: no card reader")
	ErrBadQR       = errors.New("session: not an identity card QR code")
	ErrTimeout     = errors.New("session: the reader did not answer")
	// ErrNeedQR: a real card opens only with keys derived from its QR code.
	ErrNeedQR = errors.New("session: the card's QR code is needed to open the chip")
)

// Errors of the session itself.
var (
	ErrState       = errors.New("session: not allowed in this state")
	ErrLocked      = errors.New("session: the field is locked")
	ErrNotVerified = errors.New("session: identity failed verification")
	ErrInvalid     = errors.New("session: the form has errors")
	ErrMissing     = errors.New("session: required documents missing")
)

// Errors a Form's AddPerson wraps so the screen can say why a card was not
// taken.
var (
	ErrDuplicatePerson  = errors.New("session: this card is already on the form")
	ErrPersonDoesNotFit = errors.New("session: this card does not fit the person block (e.g. the sex)")
	ErrNoPersonSlot     = errors.New("session: no person block is left for another card")
)

// PersonProblem classifies an AddPerson error into a message key.
func PersonProblem(err error) string {
	switch {
	case errors.Is(err, ErrDuplicatePerson):
		return "form.addperson.duplicate"
	case errors.Is(err, ErrPersonDoesNotFit):
		return "form.addperson.nofit"
	case errors.Is(err, ErrNoPersonSlot):
		return "form.addperson.noslot"
	}
	return "error.read"
}

// ReadProblem classifies a read error into the message key the screens show.
func ReadProblem(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrCardRemoved):
		return "error.removed"
	case errors.Is(err, ErrWrongCard):
		return "error.wrongcard"
	case errors.Is(err, ErrNoReader):
		return "error.noreader"
	case errors.Is(err, ErrBadQR):
		return "error.qr"
	case errors.Is(err, ErrTimeout):
		return "error.timeout"
	case errors.Is(err, ErrNeedQR):
		return "error.needqr"
	}
	return "error.read"
}

package pcsc

import (
	"errors"
	"fmt"

	"github.com/ebfe/scard"

	"motcua/cardreader/iso7816"
)

// Errors a caller acts on. Card absence and removal use iso7816.ErrNoCard
// and iso7816.ErrCardRemoved, shared with every transport.
var (
	// ErrNoReader: no reader is connected, or none matches the name asked for.
	ErrNoReader = errors.New("pcsc: no card reader found")
	// ErrReaderGone: the reader was unplugged (or pcscd dropped it).
	ErrReaderGone = errors.New("pcsc: card reader disconnected")
	// ErrSharingViolation: another program holds the card exclusively.
	ErrSharingViolation = errors.New("pcsc: card is in use by another program")
	// ErrServiceNotRunning: pcscd is not running (or was stopped).
	ErrServiceNotRunning = errors.New("pcsc: PC/SC service (pcscd) is not running")
	// ErrCardReset: another program reset the card; the session is lost.
	ErrCardReset = errors.New("pcsc: card was reset by another program")
	// ErrTimeout: no card arrived before the wait ended.
	ErrTimeout = errors.New("pcsc: timed out waiting for a card")
	// ErrCardUnresponsive: the card is in the field but does not answer.
	ErrCardUnresponsive = errors.New("pcsc: card does not respond")
)

// mapError wraps a PC/SC error with the sentinel that says what it means.
// The scard error stays in the chain for the exact code.
func mapError(op string, err error) error {
	if err == nil {
		return nil
	}
	var code scard.Error
	if !errors.As(err, &code) {
		return fmt.Errorf("pcsc: %s: %w", op, err)
	}
	var kind error
	switch code {
	case scard.ErrNoService, scard.ErrServiceStopped, scard.ErrShutdown:
		kind = ErrServiceNotRunning
	case scard.ErrNoReadersAvailable:
		kind = ErrNoReader
	case scard.ErrUnknownReader, scard.ErrReaderUnavailable:
		kind = ErrReaderGone
	case scard.ErrNoSmartcard:
		kind = iso7816.ErrNoCard
	case scard.ErrRemovedCard, scard.ErrNotTransacted:
		// NOT_TRANSACTED is pcscd's "the reader lost the card mid-exchange";
		// for a contactless card that is the card leaving the field.
		kind = iso7816.ErrCardRemoved
	case scard.ErrResetCard:
		kind = ErrCardReset
	case scard.ErrSharingViolation:
		kind = ErrSharingViolation
	case scard.ErrTimeout:
		kind = ErrTimeout
	case scard.ErrUnresponsiveCard, scard.ErrUnpoweredCard, scard.ErrUnsupportedCard:
		// A card just placed may not answer yet: transient, worth a retry.
		return fmt.Errorf("%w (%s: %w) %w", ErrCardUnresponsive, op, code, iso7816.ErrTransient)
	default:
		return fmt.Errorf("pcsc: %s: %w", op, err)
	}
	return fmt.Errorf("%w (%s: %w)", kind, op, code)
}

// serviceLost reports errors after which the PC/SC context is dead and
// must be established again.
func serviceLost(err error) bool {
	var code scard.Error
	if !errors.As(err, &code) {
		return false
	}
	switch code {
	case scard.ErrNoService, scard.ErrServiceStopped, scard.ErrShutdown, scard.ErrInvalidHandle, scard.ErrCommError:
		return true
	}
	return false
}

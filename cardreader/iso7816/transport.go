package iso7816

import (
	"context"
	"errors"
)

// Transport carries one raw command APDU to a card and brings back the raw
// response APDU (data followed by SW1 SW2). Implementations: the PC/SC
// reader (cardreader/pcsc) and the in-process link to a virtual chip
// (NewCardTransport).
//
// A Transport is not safe for concurrent use: a card talks to one host at a
// time and secure messaging counters depend on strict ordering.
type Transport interface {
	Transmit(ctx context.Context, command []byte) ([]byte, error)
}

// Card is the card side of a link: what a virtual chip implements so that any
// transport (in process, or pcscd through vpcd) can serve it.
type Card interface {
	// ATR is the answer to reset the card reports when powered.
	ATR() []byte
	// Reset power-cycles the card: it drops every session and selection.
	Reset()
	// Process answers one raw command APDU with one raw response APDU.
	// It returns ErrCardRemoved when the card has left the field mid-command.
	Process(command []byte) ([]byte, error)
}

// ErrCardRemoved reports that the card left the reader's field.
var ErrCardRemoved = errors.New("iso7816: card removed")

// ErrTransient reports a link error that a retry may cure: a card just
// placed on the reader, not yet settled in the field, garbles or drops its
// first answers. Readers retry it once; never more, since a card that keeps
// failing is not transient.
var ErrTransient = errors.New("iso7816: transient link error")

// Reconnector is a transport that can wait for a card lifted off the
// reader to be put back, and power it afresh: Reconnect returns nil once a
// card answers again, or ctx's error when ctx ends first (give it the
// deadline to wait). The card's sessions are gone; the host opens it again.
type Reconnector interface {
	Reconnect(ctx context.Context) error
}

// ErrNoCard reports that no card is present in the reader.
var ErrNoCard = errors.New("iso7816: no card present")

// NewCardTransport links a host directly to a card in the same process, with
// no reader in between. Tests and the simulated kiosk reader use it.
func NewCardTransport(card Card) Transport { return &cardTransport{card: card} }

type cardTransport struct{ card Card }

func (t *cardTransport) Transmit(ctx context.Context, command []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return t.card.Process(command)
}

// Exchange sends cmd over t and returns the response data when the card
// answers 9000. Any other status word is a *StatusError naming op; transport
// and framing errors pass through.
func Exchange(ctx context.Context, t Transport, cmd Command, op string) ([]byte, error) {
	raw, err := t.Transmit(ctx, cmd.Bytes())
	if err != nil {
		return nil, err
	}
	r, err := ParseResponse(raw)
	if err != nil {
		return nil, err
	}
	if r.Status != StatusOK {
		return nil, &StatusError{Op: op, Status: r.Status}
	}
	return r.Data, nil
}

package emrtd

import (
	"context"
	"errors"
	"fmt"

	"motcua/cardreader"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/sm"
)

// AID is the ICAO eMRTD application identifier.
var AID = []byte{0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01}

// Session is one conversation with a card: the transport, the secure
// messaging channel once access is done, the READ BINARY length in use,
// and the traffic counters. It is not safe for concurrent use.
type Session struct {
	t      iso7816.Transport
	sm     *sm.Session
	access cardreader.AccessProtocol
	maxLe  int
	plain  bool // the last response came unprotected while secure messaging was on
	reopen func(ctx context.Context) error
	apdus  int
	bytes  int
}

// NewSession starts a session over t that reads at most maxLe bytes per
// READ BINARY (0 means 256; above 256 uses extended length).
func NewSession(t iso7816.Transport, maxLe int) *Session {
	if maxLe <= 0 {
		maxLe = 256
	}
	if maxLe > MaxExtendedLe {
		maxLe = MaxExtendedLe
	}
	return &Session{t: t, maxLe: maxLe}
}

// MaxExtendedLe is the largest Le the reader asks for: it leaves room in a
// 65536-byte extended response for the secure messaging wrapping.
const MaxExtendedLe = 0xFF00

// Transmit sends one raw APDU as is (no secure messaging) and counts it. A
// Session is thereby an iso7816.Transport, which access protocols use for
// their plain exchanges.
func (s *Session) Transmit(ctx context.Context, command []byte) ([]byte, error) {
	resp, err := s.t.Transmit(ctx, command)
	s.apdus++
	s.bytes += len(command) + len(resp)
	return resp, err
}

// SetSecureMessaging installs the channel an access protocol (or Chip
// Authentication) agreed; every later command goes through it.
func (s *Session) SetSecureMessaging(c *sm.Session, p cardreader.AccessProtocol) {
	s.sm = c
	if p != cardreader.AccessNone {
		s.access = p
	}
}

// SecureMessaging returns the installed channel, or nil.
func (s *Session) SecureMessaging() *sm.Session { return s.sm }

// Access is the protocol that opened the chip.
func (s *Session) Access() cardreader.AccessProtocol { return s.access }

// MaxLe is the READ BINARY length now in use (it drops when the card
// refuses a length).
func (s *Session) MaxLe() int { return s.maxLe }

// Stats returns the traffic so far.
func (s *Session) Stats() cardreader.Stats {
	return cardreader.Stats{APDUs: s.apdus, Bytes: s.bytes}
}

// Exchange sends cmd, through secure messaging when installed, and returns
// the plain response. A status word that is not a success is returned in
// the Response, not as an error, except that a chip ending secure
// messaging (6987, 6988) is ErrSecureMessaging. op names the step in
// errors.
func (s *Session) Exchange(ctx context.Context, op string, cmd iso7816.Command) (iso7816.Response, error) {
	if s.sm == nil {
		raw, err := s.Transmit(ctx, cmd.Bytes())
		if err != nil {
			return iso7816.Response{}, err
		}
		r, err := iso7816.ParseResponse(raw)
		if err != nil {
			return iso7816.Response{}, fmt.Errorf("emrtd: %s: %w", op, ErrBadResponse)
		}
		return r, nil
	}
	p, err := s.sm.WrapCommand(cmd)
	if err != nil {
		return iso7816.Response{}, fmt.Errorf("emrtd: %s: %w", op, err)
	}
	raw, err := s.Transmit(ctx, p.Bytes())
	if err != nil {
		return iso7816.Response{}, err
	}
	s.plain = len(raw) == 2
	r, err := s.sm.UnwrapResponse(raw)
	if err != nil {
		return iso7816.Response{}, fmt.Errorf("emrtd: %s: %w", op, err)
	}
	if r.Status == iso7816.StatusSMDataObjectsIncorrect || r.Status == iso7816.StatusSMDataObjectsMissing {
		s.sm = nil // the chip has dropped the session
		return iso7816.Response{}, fmt.Errorf("emrtd: %s: %w: %w", op, ErrSecureMessaging, &iso7816.StatusError{Op: op, Status: r.Status})
	}
	return r, nil
}

// SetReopen gives the session a way to open the chip again (Read passes
// its access step): the reader uses it when a card ends secure messaging
// over a command it cannot parse, such as an extended length APDU.
func (s *Session) SetReopen(f func(ctx context.Context) error) { s.reopen = f }

// SelectApplet selects the eMRTD application. A card without it is
// ErrNotEMRTD.
func (s *Session) SelectApplet(ctx context.Context) error {
	r, err := s.Exchange(ctx, "select eMRTD application", iso7816.Command{INS: 0xA4, P1: 0x04, P2: 0x0C, Data: AID})
	if err != nil {
		return err
	}
	switch {
	case r.Status == iso7816.StatusOK:
		return nil
	case r.Status == iso7816.StatusFileNotFound:
		return fmt.Errorf("%w: %w", ErrNotEMRTD, &iso7816.StatusError{Op: "select eMRTD application", Status: r.Status})
	}
	return &iso7816.StatusError{Op: "select eMRTD application", Status: r.Status}
}

// errStatus turns a refusal into an error that matches its status.
func errStatus(op string, sw iso7816.Status) error { return &iso7816.StatusError{Op: op, Status: sw} }

// isTransportError reports errors that end the read whatever step we are in.
func isTransportError(err error) bool {
	return cardLeft(err) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// cardLeft reports the errors of a card that left the field, or of a link
// that failed in a way a retry may cure: those after which a read may wait
// for the card and go on.
func cardLeft(err error) bool {
	return errors.Is(err, iso7816.ErrCardRemoved) || errors.Is(err, iso7816.ErrTransient)
}

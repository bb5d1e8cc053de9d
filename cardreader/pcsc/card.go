package pcsc

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/ebfe/scard"

	"motcua/cardreader/iso7816"
)

// Card is a connected card. It implements iso7816.Transport. Like every
// Transport it is for one goroutine at a time; Close may be called from
// any goroutine.
type Card struct {
	reader string
	sc     *scard.Context // owned: released by Close
	card   *scard.Card
	atr    []byte

	mu     sync.Mutex
	closed bool
}

// Open connects to the card in reader now, for exclusive use. It fails with
// iso7816.ErrNoCard when the reader is empty. An empty reader name picks
// the first contactless reader (see Choose).
func Open(ctx context.Context, reader string) (*Card, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sc, err := scard.EstablishContext()
	if err != nil {
		return nil, mapError("establish context", err)
	}
	names, err := sc.ListReaders()
	if err != nil {
		sc.Release()
		if code, ok := err.(scard.Error); ok && code == scard.ErrNoReadersAvailable {
			return nil, ErrNoReader
		}
		return nil, mapError("list readers", err)
	}
	name, err := Choose(names, reader)
	if err != nil {
		sc.Release()
		return nil, err
	}
	c, err := connect(sc, name)
	if err != nil {
		sc.Release()
		return nil, err
	}
	return c, nil
}

func connect(sc *scard.Context, reader string) (*Card, error) {
	card, err := sc.Connect(reader, scard.ShareExclusive, scard.ProtocolAny)
	if err != nil {
		return nil, mapError("connect", err)
	}
	st, err := card.Status()
	if err != nil {
		card.Disconnect(scard.LeaveCard)
		return nil, mapError("card status", err)
	}
	return &Card{reader: reader, sc: sc, card: card, atr: slices.Clone(st.Atr)}, nil
}

// WaitCard waits until a card is in the reader (empty name: the first
// contactless reader, whichever appears first) and connects to it. It
// survives pcscd restarts and readers being plugged in meanwhile, and
// returns ctx's error when ctx ends first; give ctx a deadline for a
// timeout.
func WaitCard(ctx context.Context, reader string) (*Card, error) {
	backoff := 100 * time.Millisecond
	for {
		c, err := waitOnce(ctx, reader)
		if err == nil || ctx.Err() != nil {
			if ctx.Err() != nil && err != nil {
				return nil, fmt.Errorf("%w: %w", ErrTimeout, ctx.Err())
			}
			return c, err
		}
		// Only transient conditions are retried; a sharing violation
		// (another program owns the card) is reported at once.
		if !errors.Is(err, ErrServiceNotRunning) && !errors.Is(err, ErrNoReader) && !errors.Is(err, ErrReaderGone) &&
			!errors.Is(err, iso7816.ErrNoCard) && !errors.Is(err, iso7816.ErrCardRemoved) && !errors.Is(err, ErrCardUnresponsive) {
			return nil, err
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("%w: %w", ErrTimeout, ctx.Err())
		case <-t.C:
		}
		backoff = min(backoff*2, time.Second)
	}
}

// waitOnce waits on one PC/SC context; any error ends it.
func waitOnce(ctx context.Context, want string) (*Card, error) {
	sc, err := scard.EstablishContext()
	if err != nil {
		return nil, mapError("establish context", err)
	}
	stop := cancelOnDone(ctx, sc)
	defer stop()
	keep := false
	defer func() {
		if !keep {
			sc.Release()
		}
	}()
	states := []scard.ReaderState{{Reader: pnpNotification, CurrentState: scard.StateUnaware}}
	for {
		names, err := sc.ListReaders()
		if code, ok := err.(scard.Error); ok && code == scard.ErrNoReadersAvailable {
			names, err = nil, nil
		}
		if err != nil {
			return nil, mapError("list readers", err)
		}
		var watch []string
		if want == "" {
			for _, n := range names {
				if IsContactless(n) {
					watch = append(watch, n)
				}
			}
			if len(watch) == 0 && len(names) == 1 {
				watch = names
			}
		} else if n, err := Choose(names, want); err == nil {
			watch = []string{n}
		}
		// Keep the PnP entry's state; refresh the reader entries.
		states = states[:1]
		for _, n := range watch {
			states = append(states, scard.ReaderState{Reader: n, CurrentState: scard.StateUnaware})
		}
		if err := sc.GetStatusChange(states, 0); err != nil && !isTimeout(err) {
			return nil, mapError("reader status", err)
		}
		for {
			for _, s := range states[1:] {
				if s.EventState&scard.StatePresent != 0 && s.EventState&scard.StateMute == 0 {
					c, err := connect(sc, s.Reader)
					if err == nil {
						keep = true
						return c, nil
					}
					if !errors.Is(err, iso7816.ErrNoCard) && !errors.Is(err, iso7816.ErrCardRemoved) {
						return nil, err
					}
				}
			}
			for i := range states {
				states[i].CurrentState = states[i].EventState &^ scard.StateChanged
			}
			if err := sc.GetStatusChange(states, -1); err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				return nil, mapError("wait for card", err)
			}
			if states[0].EventState&scard.StateChanged != 0 {
				break // readers came or went: list them again
			}
			if slices.ContainsFunc(states[1:], func(s scard.ReaderState) bool {
				return s.EventState&(scard.StateUnavailable|scard.StateUnknown) != 0
			}) {
				break
			}
		}
	}
}

// pnpNotification is the pseudo reader whose state changes when a reader is
// added or removed (pcsc-lite and Windows alike).
const pnpNotification = `\\?PnP?\Notification`

func isTimeout(err error) bool {
	code, ok := err.(scard.Error)
	return ok && code == scard.ErrTimeout
}

// Reader is the name of the reader the card is in.
func (c *Card) Reader() string { return c.reader }

// ATR is the card's answer to reset.
func (c *Card) ATR() []byte { return slices.Clone(c.atr) }

// ExtendedLength reports whether the card announces extended-length APDUs
// in its ATR (see ParseATR). False means "not announced": the host should
// then keep commands and Le within short length.
func (c *Card) ExtendedLength() bool { return ParseATR(c.atr).ExtendedLength }

// Transmit sends one command APDU and returns the complete response: 61xx
// chains are followed with GET RESPONSE and joined, and a 6Cxx answer is
// retried once with the Le the card asked for. A PC/SC call cannot be
// interrupted, so ctx is checked before each exchange.
func (c *Card) Transmit(ctx context.Context, command []byte) ([]byte, error) {
	if len(command) < 4 {
		return nil, fmt.Errorf("%w: %d bytes", iso7816.ErrMalformedAPDU, len(command))
	}
	rsp, err := c.exchange(ctx, command)
	if err != nil {
		return nil, err
	}
	if sw1 := rsp[len(rsp)-2]; sw1 == 0x6C {
		// Wrong Le: the card says how many bytes it has. Patch Le (the last
		// byte of a short command) and send again, once.
		retry := withLe(command, rsp[len(rsp)-1])
		if retry != nil {
			if rsp, err = c.exchange(ctx, retry); err != nil {
				return nil, err
			}
		}
	}
	var data []byte
	for rsp[len(rsp)-2] == 0x61 {
		data = append(data, rsp[:len(rsp)-2]...)
		le := rsp[len(rsp)-1]
		getResponse := []byte{command[0] & 0x03, 0xC0, 0x00, 0x00, le} // keep the logical channel bits of CLA
		if rsp, err = c.exchange(ctx, getResponse); err != nil {
			return nil, err
		}
		if len(data) > 1<<20 {
			return nil, fmt.Errorf("pcsc: GET RESPONSE chain longer than 1 MiB: %w", iso7816.ErrMalformedAPDU)
		}
	}
	if data != nil {
		rsp = append(data, rsp...)
	}
	return rsp, nil
}

// withLe returns command with its short Le replaced by le, or nil when
// command has no short Le to patch.
func withLe(command []byte, le byte) []byte {
	cmd, err := iso7816.ParseCommand(command)
	if err != nil || cmd.Extended() || cmd.Ne == 0 {
		return nil
	}
	cmd.Ne = int(le)
	if le == 0 {
		cmd.Ne = 256
	}
	return cmd.Bytes()
}

func (c *Card) exchange(ctx context.Context, command []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	rsp, err := c.card.Transmit(command)
	if err != nil {
		return nil, mapError("transmit", err)
	}
	if len(rsp) < 2 {
		// Every card answer ends in a status word. vpcd, and readers that
		// lose a contactless card mid-command, hand back nothing instead
		// of an error code; pcscd reports the removal only at its next
		// presence poll. (A card just placed and not yet settled does the
		// same: the reader retries the first exchanges once, and waits
		// for a lifted card to come back; see emrtd.)
		if _, err := c.card.Status(); err != nil {
			return nil, mapError("transmit", err)
		}
		return nil, fmt.Errorf("%w (transmit: empty response, card left the field)", iso7816.ErrCardRemoved)
	}
	return rsp, nil
}

// Reconnect waits for a card lifted off the reader to be put back and
// connects to it afresh (it implements iso7816.Reconnector): the old
// connection is dropped, then a new one is tried every 100 ms until one
// succeeds or ctx ends. The card was powered anew: its sessions are gone.
func (c *Card) Reconnect(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrClosed
	}
	c.card.Disconnect(scard.LeaveCard)
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		card, err := c.sc.Connect(c.reader, scard.ShareExclusive, scard.ProtocolAny)
		if err == nil {
			st, serr := card.Status()
			if serr == nil {
				c.card, c.atr = card, slices.Clone(st.Atr)
				return nil
			}
			card.Disconnect(scard.LeaveCard)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w: the card was not put back: %w", iso7816.ErrCardRemoved, ctx.Err())
		case <-t.C:
		}
	}
}

// ErrClosed reports use of a Card after Close.
var ErrClosed = errors.New("pcsc: card connection closed")

// Close disconnects from the card, leaving it powered for the next user,
// and releases the card's PC/SC context.
func (c *Card) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	err := c.card.Disconnect(scard.LeaveCard)
	c.sc.Release()
	if err != nil {
		if code, ok := err.(scard.Error); ok && (code == scard.ErrRemovedCard || code == scard.ErrInvalidHandle || serviceLost(err)) {
			return nil // nothing left to disconnect from
		}
		return mapError("disconnect", err)
	}
	return nil
}

// WaitRemoved waits until reader has no card (or is gone), for example to
// tell the citizen the card may be taken away before the next one. pcscd
// polls a reader every 400 ms or so, so a removal shows up that late.
func WaitRemoved(ctx context.Context, reader string) error {
	sc, err := scard.EstablishContext()
	if err != nil {
		return mapError("establish context", err)
	}
	stop := cancelOnDone(ctx, sc)
	defer sc.Release()
	defer stop()
	states := []scard.ReaderState{{Reader: reader, CurrentState: scard.StateUnaware}}
	for {
		if err := sc.GetStatusChange(states, -1); err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("%w: %w", ErrTimeout, ctx.Err())
			}
			if code, ok := err.(scard.Error); ok && (code == scard.ErrUnknownReader || code == scard.ErrReaderUnavailable) {
				return nil
			}
			return mapError("wait for removal", err)
		}
		st := states[0].EventState
		if st&scard.StatePresent == 0 || st&(scard.StateUnknown|scard.StateUnavailable) != 0 {
			return nil
		}
		states[0].CurrentState = st &^ scard.StateChanged
	}
}

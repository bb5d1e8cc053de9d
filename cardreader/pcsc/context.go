package pcsc

import (
	"context"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ebfe/scard"
)

// Client is a PC/SC context: it lists readers and connects to cards. It
// re-establishes the context by itself when pcscd has restarted. Its
// methods are safe for concurrent use, but calls are serialised: a context
// does one PC/SC call at a time (Watch uses a context of its own).
type Client struct {
	mu sync.Mutex
	sc *scard.Context
}

// NewClient establishes a PC/SC context. It fails with ErrServiceNotRunning
// when pcscd is not running.
func NewClient() (*Client, error) {
	c := &Client{}
	if err := c.ensure(); err != nil {
		return nil, err
	}
	return c, nil
}

// ensure (re)establishes the context; c.mu must be held or c unshared.
func (c *Client) ensure() error {
	if c.sc != nil {
		if ok, _ := c.sc.IsValid(); ok {
			return nil
		}
		c.sc.Release()
		c.sc = nil
	}
	sc, err := scard.EstablishContext()
	if err != nil {
		return mapError("establish context", err)
	}
	c.sc = sc
	return nil
}

// do runs f with a live context, retrying once on a fresh context when the
// old one died with pcscd.
func (c *Client) do(f func(sc *scard.Context) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.ensure(); err != nil {
		return err
	}
	err := f(c.sc)
	if serviceLost(err) {
		c.sc.Release()
		c.sc = nil
		if err2 := c.ensure(); err2 != nil {
			return err2
		}
		err = f(c.sc)
	}
	return err
}

// Close releases the context. Cards opened with Open or WaitCard have
// contexts of their own and are not affected.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sc == nil {
		return nil
	}
	err := c.sc.Release()
	c.sc = nil
	return mapError("release context", err)
}

// Reader describes one reader and its card.
type Reader struct {
	Name        string `json:"name"`
	Contactless bool   `json:"contactless"` // by name: see IsContactless
	CardPresent bool   `json:"cardPresent"`
	InUse       bool   `json:"inUse,omitempty"` // another program has it exclusively
	Mute        bool   `json:"mute,omitempty"`  // a card is there but does not answer
	ATR         ATR    `json:"atr,omitempty"`
}

// ATR is an answer to reset; it prints and marshals as hex.
type ATR []byte

func (a ATR) String() string { return hex.EncodeToString(a) }

// MarshalText writes the ATR as lower-case hex.
func (a ATR) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText reads hex.
func (a *ATR) UnmarshalText(b []byte) error {
	v, err := hex.DecodeString(string(b))
	if err != nil {
		return fmt.Errorf("pcsc: ATR: %w", err)
	}
	*a = v
	return nil
}

// Readers lists the readers pcscd knows and the state of each. No readers
// is an empty list, not an error.
func (c *Client) Readers() ([]Reader, error) {
	var out []Reader
	err := c.do(func(sc *scard.Context) error {
		names, err := sc.ListReaders()
		if err != nil {
			return err
		}
		if len(names) == 0 {
			return nil
		}
		states := make([]scard.ReaderState, len(names))
		for i, n := range names {
			states[i] = scard.ReaderState{Reader: n, CurrentState: scard.StateUnaware}
		}
		if err := sc.GetStatusChange(states, 0); err != nil {
			return err
		}
		out = make([]Reader, len(names))
		for i, s := range states {
			out[i] = Reader{
				Name:        s.Reader,
				Contactless: IsContactless(s.Reader),
				CardPresent: s.EventState&scard.StatePresent != 0,
				InUse:       s.EventState&scard.StateExclusive != 0,
				Mute:        s.EventState&scard.StateMute != 0,
			}
			if out[i].CardPresent {
				out[i].ATR = slices.Clone(s.Atr)
			}
		}
		return nil
	})
	if err != nil {
		if code, ok := err.(scard.Error); ok && code == scard.ErrNoReadersAvailable {
			return nil, nil
		}
		return nil, mapError("list readers", err)
	}
	return out, nil
}

// IsContactless guesses from a reader's name whether it reads contactless
// (ISO 14443) cards, which the CCCD chip is. pcsc-lite has no such flag;
// names do: ACS readers put "PICC" on the contactless slot (and "SAM" on
// the SAM slot), other vendors say "contactless", "NFC" or "CL", and
// vsmartcard's reader is "Virtual PCD" (proximity coupling device).
func IsContactless(name string) bool {
	n := strings.ToLower(name)
	if strings.Contains(n, " sam") {
		return false
	}
	for _, w := range []string{"picc", "contactless", "nfc", "virtual pcd", "acr122", "acr1252", "acr1255", "acr1281", "pasori", "rfid", "identiv uts", "omnikey 5022", "omnikey 5x2"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// Choose picks a reader: with want empty, the first contactless reader (or
// the only reader if there is just one); otherwise the reader named want
// exactly, or else the first whose name contains want (case-insensitive).
func Choose(readers []string, want string) (string, error) {
	if len(readers) == 0 {
		return "", ErrNoReader
	}
	if want == "" {
		for _, r := range readers {
			if IsContactless(r) {
				return r, nil
			}
		}
		if len(readers) == 1 {
			return readers[0], nil
		}
		return "", fmt.Errorf("%w: %d readers and none looks contactless; name one", ErrNoReader, len(readers))
	}
	for _, r := range readers {
		if r == want {
			return r, nil
		}
	}
	lw := strings.ToLower(want)
	for _, r := range readers {
		if strings.Contains(strings.ToLower(r), lw) {
			return r, nil
		}
	}
	return "", fmt.Errorf("%w matching %q", ErrNoReader, want)
}

// ReaderNames lists the reader names only.
func (c *Client) ReaderNames() ([]string, error) {
	var names []string
	err := c.do(func(sc *scard.Context) error {
		var err error
		names, err = sc.ListReaders()
		return err
	})
	if code, ok := err.(scard.Error); ok && code == scard.ErrNoReadersAvailable {
		return nil, nil
	}
	return names, mapError("list readers", err)
}

// cancelOnDone interrupts blocking calls on sc once ctx ends. SCardCancel
// only affects a call already waiting, so a cancel that lands just before
// the next GetStatusChange would be lost; it is repeated until stop, which
// returns only when no Cancel can run any more (sc may then be released).
func cancelOnDone(ctx context.Context, sc *scard.Context) (stop func()) {
	done := make(chan struct{})
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		select {
		case <-done:
			return
		case <-ctx.Done():
		}
		for {
			sc.Cancel()
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return func() {
		close(done)
		<-exited
	}
}

package vpcd

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"motcua/cardreader/iso7816"
)

// DefaultAddr is the port of the first virtual reader ("Virtual PCD 00 00");
// the second listens on 35964.
const DefaultAddr = "127.0.0.1:35963"

// Client serves at most one card at a time to a vpcd reader. The zero value
// is not usable; call New. Its methods are safe for concurrent use: Run
// serves in one goroutine while a script calls Insert, Remove and Swap.
type Client struct {
	addr string
	// Logger receives connection events (never APDU contents). Nil is quiet.
	Logger *slog.Logger
	// MinBackoff and MaxBackoff bound the wait between dial attempts while
	// pcscd is absent; the wait doubles from min to max.
	MinBackoff, MaxBackoff time.Duration
	// DisableQuickAck leaves delayed ACKs on, only to measure what
	// TCP_QUICKACK saves (about 40 ms per APDU with Debian's vpcd).
	DisableQuickAck bool

	mu      sync.Mutex
	card    iso7816.Card
	gen     uint64        // bumped by Insert, Remove and Swap
	conn    net.Conn      // the live link, nil when none
	changed chan struct{} // closed and replaced on every change
	apdus   uint64
}

// New returns a client for the vpcd reader at addr ("" means DefaultAddr)
// with no card inserted.
func New(addr string) *Client {
	if addr == "" {
		addr = DefaultAddr
	}
	return &Client{addr: addr, MinBackoff: 50 * time.Millisecond, MaxBackoff: 2 * time.Second, changed: make(chan struct{})}
}

// Addr is the vpcd address the client dials.
func (c *Client) Addr() string { return c.addr }

// Insert puts card in the reader (replacing any card there).
func (c *Client) Insert(card iso7816.Card) { c.set(card) }

// Swap replaces the card in the reader: pcscd sees a removal, then an
// insertion of the new card.
func (c *Client) Swap(card iso7816.Card) { c.set(card) }

// Remove takes the card out of the reader. A host in the middle of a
// command gets a "card removed" error.
func (c *Client) Remove() { c.set(nil) }

// Card returns the card in the reader, or nil.
func (c *Client) Card() iso7816.Card {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.card
}

// Connected reports whether a card is in the reader and linked to pcscd.
func (c *Client) Connected() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conn != nil
}

// APDUs is the number of command APDUs served so far.
func (c *Client) APDUs() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.apdus
}

func (c *Client) set(card iso7816.Card) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.card = card
	c.gen++
	if c.conn != nil {
		c.conn.Close() // pcscd sees the card leave
		c.conn = nil
	}
	close(c.changed)
	c.changed = make(chan struct{})
}

func (c *Client) snapshot() (iso7816.Card, uint64, <-chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.card, c.gen, c.changed
}

func (c *Client) logf(msg string, args ...any) {
	if c.Logger != nil {
		c.Logger.Info(msg, args...)
	}
}

// Run links the inserted card to pcscd until ctx ends, redialing with
// backoff when pcscd is not there yet, restarts, or the card is swapped.
// It returns nil when ctx is cancelled.
func (c *Client) Run(ctx context.Context) error {
	backoff := c.MinBackoff
	for {
		card, gen, changed := c.snapshot()
		if card == nil {
			select {
			case <-ctx.Done():
				return nil
			case <-changed:
				continue
			}
		}
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", c.addr)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			c.logf("vpcd: pcscd not reachable; retrying", "addr", c.addr, "wait", backoff)
			if !sleep(ctx, changed, backoff) {
				return nil
			}
			backoff = min(backoff*2, c.MaxBackoff)
			continue
		}
		c.mu.Lock()
		if c.gen != gen { // changed while dialing
			c.mu.Unlock()
			conn.Close()
			continue
		}
		c.conn = conn
		c.mu.Unlock()
		c.logf("vpcd: card inserted", "addr", c.addr)
		backoff = c.MinBackoff

		stop := context.AfterFunc(ctx, func() { conn.Close() })
		err = c.serve(conn.(*net.TCPConn), card)
		stop()

		// Update the state before closing, so that whoever sees the link
		// close also sees the card gone.
		c.mu.Lock()
		ours := c.gen == gen
		if ours {
			c.conn = nil
		}
		var back time.Duration
		if ours && errors.Is(err, iso7816.ErrTransient) {
			// A card not settled in the field: the link drops and comes
			// back at once (vpcd has no way to lose one answer only).
			back, err = 50*time.Millisecond, iso7816.ErrCardRemoved
		} else if ours && errors.Is(err, iso7816.ErrCardRemoved) {
			// The card itself left the field (fault injection): it stays
			// out until the next Insert, or comes back by itself when it
			// says so (a card lifted and put back).
			if r, ok := card.(interface{ ReturnIn() time.Duration }); ok {
				back = r.ReturnIn()
			}
			if back == 0 {
				c.card = nil
			}
		}
		c.mu.Unlock()
		conn.Close()
		switch {
		case ctx.Err() != nil:
			return nil
		case !ours:
			continue // Remove or Swap closed the link on purpose
		case errors.Is(err, iso7816.ErrCardRemoved):
			c.logf("vpcd: card reported removal", "back in", back)
			if back > 0 && !sleep(ctx, changed, back) {
				return nil
			}
			continue
		}
		// pcscd closed the link: it stopped or restarted.
		c.logf("vpcd: link to pcscd lost; reconnecting", "err", err)
		if !sleep(ctx, changed, backoff) {
			return nil
		}
		backoff = min(backoff*2, c.MaxBackoff)
	}
}

// sleep waits d, returning early on a change; false when ctx ended.
func sleep(ctx context.Context, changed <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-changed:
	case <-t.C:
	}
	return true
}

// serve answers pcscd on conn until the link breaks.
func (c *Client) serve(conn *net.TCPConn, card iso7816.Card) error {
	conn.SetNoDelay(true)
	in := make([]byte, 0, 512)
	out := make([]byte, 0, 512)
	for {
		if !c.DisableQuickAck {
			quickAck(conn)
		}
		msg, err := readFrame(conn, in)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return io.EOF
			}
			return err
		}
		if cap(msg) > cap(in) {
			in = msg[:0]
		}
		var reply []byte
		if len(msg) == 1 {
			switch msg[0] {
			case ctrlOff, ctrlReset:
				card.Reset()
				continue
			case ctrlOn:
				continue
			case ctrlGetATR:
				reply = card.ATR()
			default:
				continue // unknown control codes have no reply
			}
		} else {
			c.mu.Lock()
			c.apdus++
			c.mu.Unlock()
			reply, err = card.Process(msg)
			if errors.Is(err, iso7816.ErrCardRemoved) || errors.Is(err, iso7816.ErrTransient) {
				out, _ = appendFrame(out[:0], nil)
				conn.Write(out)
				return err
			}
			if err != nil {
				// A card fault is the card's problem, not the link's:
				// answer "no precise diagnosis" and carry on.
				c.logf("vpcd: card failed a command", "err", err)
				reply = iso7816.Response{Status: iso7816.StatusNoPreciseDiagnosis}.Bytes()
			}
		}
		out, err = appendFrame(out[:0], reply)
		if err != nil {
			return err
		}
		if _, err := conn.Write(out); err != nil {
			return err
		}
	}
}

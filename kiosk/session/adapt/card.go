package adapt

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/cardreader/emrtd"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/qrkey"
	"motcua/cardreader/simreader"
	"motcua/kiosk/session"
)

// Progress turns the reader's steps into the session's.
func Progress(f func(session.Step)) func(emrtd.Step) {
	return func(s emrtd.Step) {
		switch s {
		case emrtd.StepConnecting:
			f(session.StepConnecting)
		case emrtd.StepOpening:
			f(session.StepOpening)
		case emrtd.StepReading:
			f(session.StepReading)
		case emrtd.StepVerifying:
			f(session.StepVerifying)
		case emrtd.StepCardLifted:
			// The card left mid-read: the screen asks for it back; what
			// was read is kept.
			f(session.StepCardLifted)
		case emrtd.StepResuming:
			f(session.StepReading)
		}
	}
}

// Classify wraps a reader error with the session's meaning, so the screen
// can say what happened (the cause stays in the chain for logs).
func Classify(ctx context.Context, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, iso7816.ErrCardRemoved), ctx.Err() != nil:
		return fmt.Errorf("%w: %w", session.ErrCardRemoved, err)
	case errors.Is(err, emrtd.ErrAccessDenied), errors.Is(err, emrtd.ErrNotEMRTD), errors.Is(err, qrkey.ErrNoKey):
		return fmt.Errorf("%w: %w", session.ErrWrongCard, err)
	}
	return err
}

// SimCard is a CardSource over virtual cards read in process (package
// simreader): the real chip code and reader code, no PC/SC. The fixture
// "on the reader" can be swapped with Put, as when a second person taps
// their card.
type SimCard struct {
	// Now is the reader's clock (SOD validity); nil is time.Now.
	Now func() time.Time
	// PKIDir is the test PKI; "" finds seeds/pki beside the fixture.
	PKIDir string

	mu   sync.Mutex // one read at a time, like a reader
	path string
	sims map[string]*simreader.Sim
}

// NewSimCard returns a source with the fixture at path on the reader ("" for
// an empty reader).
func NewSimCard(path string) *SimCard { return &SimCard{path: path, sims: map[string]*simreader.Sim{}} }

// Put places the card of the fixture at path on the reader ("" takes it off).
func (c *SimCard) Put(path string) {
	c.mu.Lock()
	c.path = path
	c.mu.Unlock()
}

// Present returns the fixture on the reader.
func (c *SimCard) Present() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.path
}

func (c *SimCard) sim(path string) (*simreader.Sim, error) {
	if s, ok := c.sims[path]; ok {
		return s, nil
	}
	s, err := simreader.Open(path, simreader.Options{Now: c.Now, PKIDir: c.PKIDir})
	if err != nil {
		return nil, err
	}
	c.sims[path] = s
	return s, nil
}

// Read implements session.CardSource. With a QR it derives the chip's keys
// from it (or, with no card on the reader, returns the QR-only Reading).
func (c *SimCard) Read(ctx context.Context, req session.ReadRequest, progress func(session.Step)) (*cardreader.Reading, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	progress(session.StepConnecting)
	var q cccd.QRData
	if req.QR != "" {
		var err error
		if q, err = cccd.ParseQR(req.QR); err != nil {
			return nil, fmt.Errorf("%w: %w", session.ErrBadQR, err)
		}
	}
	if c.path == "" {
		if req.QR != "" {
			now := time.Now
			if c.Now != nil {
				now = c.Now
			}
			return qrkey.Reading(q, now()), nil
		}
		return nil, session.ErrNoReader
	}
	s, err := c.sim(c.path)
	if err != nil {
		return nil, err
	}
	opts := s.Options
	opts.Progress = Progress(progress)
	if req.QR != "" {
		s.Card.Insert()
		r, _, err := qrkey.Read(ctx, iso7816.NewCardTransport(s.Card), q, opts)
		return r, Classify(ctx, err)
	}
	s.Options.Progress = opts.Progress
	r, err := s.Read(ctx)
	return r, Classify(ctx, err)
}

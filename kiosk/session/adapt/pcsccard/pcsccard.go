package pcsccard

import (
	"context"
	"errors"
	"fmt"
	"time"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/cardreader/emrtd"
	"motcua/cardreader/pcsc"
	"motcua/cardreader/pki"
	"motcua/cardreader/qrkey"
	"motcua/kiosk/session"
	"motcua/kiosk/session/adapt"
)

// Source reads cards on a PC/SC reader.
type Source struct {
	Reader string          // reader name, or "" for the first contactless one
	Trust  *pki.TrustStore // CSCA trust store for passive authentication
	// Wait bounds the wait for a card once a read starts (default 20 s).
	Wait time.Duration
}

var _ session.CardSource = (*Source)(nil)

// Read implements session.CardSource.
func (s *Source) Read(ctx context.Context, req session.ReadRequest, progress func(session.Step)) (*cardreader.Reading, error) {
	progress(session.StepConnecting)
	if req.QR == "" {
		return nil, session.ErrNeedQR
	}
	q, err := cccd.ParseQR(req.QR)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", session.ErrBadQR, err)
	}
	wait := s.Wait
	if wait == 0 {
		wait = 20 * time.Second
	}
	wctx, cancel := context.WithTimeout(ctx, wait)
	card, err := pcsc.WaitCard(wctx, s.Reader)
	cancel()
	if err != nil {
		if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
			// A QR with no card on the reader: the unverified QR data.
			return qrkey.Reading(q, time.Now()), nil
		}
		return nil, fmt.Errorf("%w: %w", session.ErrNoReader, err)
	}
	defer card.Close()
	opts := emrtd.Options{MaxLe: emrtd.AutoLe, Progress: adapt.Progress(progress)}
	if s.Trust != nil {
		opts.Trust = s.Trust
	}
	r, _, err := qrkey.Read(ctx, card, q, opts)
	return r, adapt.Classify(ctx, err)
}

// WatchRemovals calls removed each time a card leaves a reader, until ctx
// ends (the session cancels a read in progress).
func WatchRemovals(ctx context.Context, removed func()) {
	for ev := range pcsc.Watch(ctx) {
		if ev.Kind == pcsc.Removed {
			removed()
		}
	}
}

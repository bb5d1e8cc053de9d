package emrtd

import (
	"context"
	"errors"
	"fmt"
	"io"

	"motcua/cardreader"
	"motcua/cardreader/chipauth"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/lds"
)

func init() { DefaultChipAuth = ChipAuth{} }

// ChipAuth runs Chip Authentication version 1 with the DG14 key: it
// restarts secure messaging under keys only the genuine chip can derive,
// then proves the chip follows with one SELECT of EF.COM under them. A chip
// that cannot (a clone with copied files) fails with "ca-key-mismatch".
// After a failure the session is gone, which is why Read runs it last.
type ChipAuth struct {
	// Rand supplies the ephemeral key; nil means crypto/rand.
	Rand io.Reader
}

// ChipAuthenticate implements ChipAuthenticator. Only transport failures
// are errors; every protocol outcome is the returned check.
func (a ChipAuth) ChipAuthenticate(ctx context.Context, s *Session, dg14 *lds.SecurityInfos) (cardreader.Check, error) {
	infos, keys, err := chipauth.FromSecurityInfos(dg14)
	if err != nil {
		return chipauth.Result(true, chipauth.Info{}, chipauth.PublicKey{}, err), nil
	}
	info, key, err := chipauth.Select(infos, keys)
	if err != nil {
		return chipauth.Result(true, info, key, err), nil
	}
	if s.SecureMessaging() == nil {
		return cardreader.Check{Status: cardreader.StatusNotChecked, Code: "ca-no-session", Reason: "no secure messaging to run chip authentication in"}, nil
	}
	newKeys, err := chipauth.Authenticate(ctx, smTransport{s}, info, key, a.Rand)
	if err != nil {
		if isTransportError(err) {
			return cardreader.Check{}, err
		}
		return chipauth.Result(true, info, key, err), nil
	}
	sess, err := newKeys.Session()
	newKeys.Wipe()
	if err != nil {
		return chipauth.Result(true, info, key, err), nil
	}
	s.SetSecureMessaging(sess, cardreader.AccessNone)
	if err := s.SelectFile(ctx, lds.FIDCOM); err != nil {
		if isTransportError(err) {
			return cardreader.Check{}, err
		}
		s.SetSecureMessaging(nil, cardreader.AccessNone)
		return chipauth.Result(true, info, key, fmt.Errorf("%w: %w", chipauth.ErrKeyMismatch, err)), nil
	}
	return chipauth.Result(true, info, key, nil), nil
}

// smTransport sends raw APDUs through the session's secure messaging, for
// protocol code written against iso7816.Transport.
type smTransport struct{ s *Session }

func (t smTransport) Transmit(ctx context.Context, raw []byte) ([]byte, error) {
	cmd, err := iso7816.ParseCommand(raw)
	if err != nil {
		return nil, err
	}
	r, err := t.s.Exchange(ctx, "chip authentication", cmd)
	if err != nil {
		var se *iso7816.StatusError
		if errors.As(err, &se) {
			return iso7816.Response{Status: se.Status}.Bytes(), nil
		}
		return nil, err
	}
	return r.Bytes(), nil
}

package emrtd

import (
	"context"
	"errors"
	"fmt"
	"io"

	"motcua/cardreader"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/lds"
	"motcua/cardreader/pace"
)

// PACE opens the chip with PACE (ECDH Generic Mapping, AES secure
// messaging) when its EF.CardAccess offers it. The password is the key's
// CAN (a CCCD's last 6 ID digits), or its MRZ information when there is no
// CAN or the chip has none (6A88 to MSE:SET AT).
//
// Open reports ErrAccessUnsupported, so that Read falls back to BAC, when
// EF.CardAccess is absent or unreadable (6A82, 6982), offers no PACE this
// reader runs, or the chip refuses the PACE commands with a status word
// other than a failed authentication. A token that does not verify either
// way is ErrAccessDenied: the CAN is wrong, or the chip is not genuine.
type PACE struct {
	// Rand supplies the terminal's ephemeral keys; nil means crypto/rand.
	Rand io.Reader
}

// Protocol is cardreader.AccessPACE.
func (PACE) Protocol() cardreader.AccessProtocol { return cardreader.AccessPACE }

// Open reads EF.CardAccess, runs PACE, installs AES secure messaging and
// selects the eMRTD application.
func (p PACE) Open(ctx context.Context, s *Session, key Key) error {
	// The CAN first; the MRZ when the chip does not know a CAN (6A88).
	var pws []pace.Password
	if key.CAN != "" {
		pws = append(pws, pace.CAN(key.CAN))
	}
	if key.HasMRZ() {
		pws = append(pws, pace.MRZ(key.MRZInfo().String()))
	}
	defer func() {
		for _, pw := range pws {
			pw.Wipe()
		}
	}()
	if len(pws) == 0 {
		return fmt.Errorf("%w: PACE needs the CAN or the MRZ information", ErrAccessUnsupported)
	}

	b, err := s.ReadFile(ctx, lds.FIDCardAccess)
	if err != nil {
		if isTransportError(err) {
			return err
		}
		return fmt.Errorf("%w: PACE: %w", ErrAccessUnsupported, err)
	}
	infos, err := pace.ParseCardAccess(b)
	if err != nil {
		return fmt.Errorf("%w: PACE: %w", ErrAccessUnsupported, err)
	}
	info, err := pace.Choose(infos)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrAccessUnsupported, err)
	}
	var keys *pace.Keys
	for i, pw := range pws {
		keys, err = pace.Establish(ctx, s, pace.Config{Info: info, Password: pw, Rand: p.Rand, SendParameterID: len(infos) > 1})
		if err == nil || !errors.Is(err, iso7816.Status(0x6A88)) || i == len(pws)-1 {
			break
		}
	}
	var se *iso7816.StatusError
	switch {
	case err == nil:
	case errors.Is(err, pace.ErrAuthentication):
		return fmt.Errorf("%w: %w", ErrAccessDenied, err)
	case errors.As(err, &se):
		return fmt.Errorf("%w: %w", ErrAccessUnsupported, err)
	default:
		return err
	}
	sess, err := keys.Session()
	keys.Wipe()
	if err != nil {
		return err
	}
	s.SetSecureMessaging(sess, cardreader.AccessPACE)
	return s.SelectApplet(ctx)
}

package emrtd

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"

	"motcua/cardreader"
	"motcua/cardreader/bac"
	"motcua/cardreader/iso7816"
)

// Access is one way of opening the chip. Open authenticates with the key,
// installs secure messaging with s.SetSecureMessaging and leaves the eMRTD
// application selected. It returns ErrAccessUnsupported when the card or
// the key does not offer the protocol (Read then tries the next Access),
// ErrAccessDenied when the card refused the key, or a transport error.
type Access interface {
	Protocol() cardreader.AccessProtocol
	Open(ctx context.Context, s *Session, key Key) error
}

// defaultAccess is what Read tries when Options.Access is nil: PACE first,
// as the card's EF.CardAccess advertises it and the CAN alone opens it (no
// expiry date to guess), then BAC when PACE is absent or refused.
var defaultAccess = []Access{PACE{}, BAC{}}

// DefaultAccess returns the access protocols Read tries by default, in order.
func DefaultAccess() []Access { return append([]Access(nil), defaultAccess...) }

// BAC is Basic Access Control with the key's MRZ information.
type BAC struct {
	// Rand supplies RND.IFD and K.IFD; nil means crypto/rand.
	Rand io.Reader
}

// Protocol is cardreader.AccessBAC.
func (BAC) Protocol() cardreader.AccessProtocol { return cardreader.AccessBAC }

// Open selects the eMRTD application and runs BAC.
func (b BAC) Open(ctx context.Context, s *Session, key Key) error {
	if !key.HasMRZ() {
		return fmt.Errorf("%w: BAC needs the document number and dates", ErrAccessUnsupported)
	}
	if err := s.SelectApplet(ctx); err != nil {
		return err
	}
	r := b.Rand
	if r == nil {
		r = rand.Reader
	}
	c, err := bac.Authenticate(ctx, s, key.MRZInfo(), r)
	switch {
	case err == nil:
		s.SetSecureMessaging(c, cardreader.AccessBAC)
		return nil
	case errors.Is(err, iso7816.StatusINSNotSupported), errors.Is(err, iso7816.StatusFunctionNotSupported):
		return fmt.Errorf("%w: %w", ErrAccessUnsupported, err)
	case errors.Is(err, bac.ErrAuthentication):
		return fmt.Errorf("%w: %w", ErrAccessDenied, err)
	}
	return err
}

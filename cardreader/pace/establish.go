package pace

import (
	"context"
	"errors"
	"fmt"

	"motcua/cardreader/iso7816"
)

// Establish runs PACE over an unprotected transport: MSE:SET AT, then four
// chained GENERAL AUTHENTICATE commands. It returns the session keys; start
// secure messaging with Keys.Session.
//
// A chip that rejects the terminal's token answers 6300; Establish reports
// that, like a chip token that does not verify, as ErrAuthentication (the
// password is wrong, or the chip is not genuine). Other refusals come back
// as *iso7816.StatusError.
func Establish(ctx context.Context, tr iso7816.Transport, cfg Config) (*Keys, error) {
	t, err := NewTerminal(cfg)
	if err != nil {
		return nil, err
	}
	if _, err := iso7816.Exchange(ctx, tr, iso7816.Command{CLA: 0, INS: InsMSE, P1: P1SetAT, P2: P2AT, Data: t.SetAT()}, "PACE MSE:SET AT"); err != nil {
		return nil, err
	}
	var in []byte
	for step := 0; ; step++ {
		out, err := t.Next(in)
		if err != nil {
			return nil, err
		}
		if out == nil {
			return t.Keys(), nil
		}
		cla := byte(CLAChain)
		if step == 3 {
			cla = 0
		}
		in, err = iso7816.Exchange(ctx, tr, iso7816.Command{CLA: cla, INS: InsGA, Data: out, Ne: 256}, "PACE GENERAL AUTHENTICATE")
		if err != nil {
			var se *iso7816.StatusError
			if step == 3 && errors.As(err, &se) && se.Status.SW1() == 0x63 {
				return nil, fmt.Errorf("%w: %w", ErrAuthentication, err)
			}
			return nil, err
		}
	}
}

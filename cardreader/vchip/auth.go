package vchip

import (
	"errors"

	"motcua/cardreader/bac"
	"motcua/cardreader/iso7816"
)

func (c *Card) getChallenge(cmd iso7816.Command) iso7816.Response {
	if cmd.Ne != 8 {
		return iso7816.Response{Status: iso7816.StatusWrongLength}
	}
	ch, err := c.bac.Challenge(c.cfg.Rand)
	if err != nil {
		return iso7816.Response{Status: iso7816.StatusNoPreciseDiagnosis}
	}
	return iso7816.Response{Data: ch, Status: iso7816.StatusOK}
}

// externalAuthenticate is the chip's half of BAC. It needs the application
// selected and a plain command.
func (c *Card) externalAuthenticate(cmd iso7816.Command) iso7816.Response {
	if !c.appSelected || c.secure {
		return iso7816.Response{Status: iso7816.StatusConditionsNotSatisfied}
	}
	if len(cmd.Data) != 40 {
		return iso7816.Response{Status: iso7816.StatusWrongLength}
	}
	resp, s, err := c.bac.Authenticate(cmd.Data, c.cfg.Rand)
	if err != nil {
		if errors.Is(err, bac.ErrAuthentication) {
			return iso7816.Response{Status: iso7816.StatusSecurityNotSatisfied}
		}
		return iso7816.Response{Status: iso7816.StatusNoPreciseDiagnosis}
	}
	c.StartSession(s)
	return iso7816.Response{Data: resp, Status: iso7816.StatusOK}
}

package vchip

import (
	"motcua/cardreader/chipauth"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/lds"
)

type caState struct{}

// caChip builds the card side of Chip Authentication from DG14 and
// Config.ChipAuthKey. A cloned chip (Faults.CAKeyMismatch or ClonedChip)
// holds a fresh key on the same curve instead of the one DG14 names.
func (c *Card) caChip() (*chipauth.Chip, iso7816.Status) {
	if ch, ok := c.State(caState{}).(*chipauth.Chip); ok {
		return ch, iso7816.StatusOK
	}
	dg14, ok := c.File(FIDDG14)
	if !ok || c.cfg.ChipAuthKey == nil {
		return nil, iso7816.StatusINSNotSupported
	}
	si, err := lds.ParseDG14(dg14)
	if err != nil {
		return nil, iso7816.StatusNoPreciseDiagnosis
	}
	infos, keys, err := chipauth.FromSecurityInfos(si)
	if err != nil {
		return nil, iso7816.StatusNoPreciseDiagnosis
	}
	info, _, err := chipauth.Select(infos, keys)
	if err != nil {
		return nil, iso7816.StatusINSNotSupported
	}
	key, err := chipauth.KeyFromPrivate(c.cfg.ChipAuthKey)
	if err != nil {
		return nil, iso7816.StatusNoPreciseDiagnosis
	}
	if c.cfg.Faults.CAKeyMismatch || c.cfg.Faults.ClonedChip {
		if key, err = chipauth.GenerateKey(key.Public.ParameterID, c.cfg.Rand); err != nil {
			return nil, iso7816.StatusNoPreciseDiagnosis
		}
	}
	ch, err := chipauth.NewChip(key, info)
	if err != nil {
		return nil, iso7816.StatusNoPreciseDiagnosis
	}
	c.SetState(caState{}, ch)
	return ch, iso7816.StatusOK
}

// caSetAT selects Chip Authentication (AES); it needs secure messaging.
func (c *Card) caSetAT(cmd iso7816.Command) iso7816.Response {
	if !c.secure {
		return iso7816.Response{Status: iso7816.StatusSecurityNotSatisfied}
	}
	ch, sw := c.caChip()
	if sw != iso7816.StatusOK {
		return iso7816.Response{Status: sw}
	}
	return iso7816.Response{Status: chipauth.ChipStatus(ch.SetAT(cmd.Data))}
}

// caAuthenticate is GENERAL AUTHENTICATE of Chip Authentication: the answer
// goes out under the old keys, then the new ones take over with SSC 0.
func (c *Card) caAuthenticate(cmd iso7816.Command) iso7816.Response {
	ch, sw := c.caChip()
	if sw != iso7816.StatusOK {
		return iso7816.Response{Status: iso7816.StatusConditionsNotSatisfied}
	}
	out, keys, err := ch.Authenticate(cmd.Data)
	if err != nil {
		return iso7816.Response{Status: chipauth.ChipStatus(err)}
	}
	return c.caRestart(keys, out)
}

// caSetKAT is Chip Authentication with 3DES: MSE:SET KAT carries the key.
func (c *Card) caSetKAT(cmd iso7816.Command) iso7816.Response {
	if !c.secure {
		return iso7816.Response{Status: iso7816.StatusSecurityNotSatisfied}
	}
	ch, sw := c.caChip()
	if sw != iso7816.StatusOK {
		return iso7816.Response{Status: sw}
	}
	keys, err := ch.SetKAT(cmd.Data)
	if err != nil {
		return iso7816.Response{Status: chipauth.ChipStatus(err)}
	}
	return c.caRestart(keys, nil)
}

func (c *Card) caRestart(keys *chipauth.Keys, data []byte) iso7816.Response {
	s, err := keys.Session()
	keys.Wipe()
	if err != nil {
		return iso7816.Response{Status: iso7816.StatusNoPreciseDiagnosis}
	}
	c.StartSession(s)
	return iso7816.Response{Data: data, Status: iso7816.StatusOK}
}

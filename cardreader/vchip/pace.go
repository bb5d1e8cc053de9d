package vchip

import (
	"motcua/cardreader/iso7816"
	"motcua/cardreader/pace"
)

// MSE:SET and GENERAL AUTHENTICATE serve both PACE (plain, before secure
// messaging) and Chip Authentication (protected, after it); the P1-P2 of
// MSE and the secure messaging state tell them apart.
const (
	insMSE = 0x22
	insGA  = 0x86
)

type paceState struct{}

func (c *Card) manageSecurityEnvironment(cmd iso7816.Command) iso7816.Response {
	switch p1p2 := uint16(cmd.P1)<<8 | uint16(cmd.P2); p1p2 {
	case uint16(pace.P1SetAT)<<8 | pace.P2AT: // C1 A4: PACE
		return c.paceSetAT(cmd)
	case 0x41A4: // Chip Authentication, AES
		return c.caSetAT(cmd)
	case 0x41A6: // Chip Authentication, 3DES (MSE:SET KAT)
		return c.caSetKAT(cmd)
	}
	return iso7816.Response{Status: iso7816.StatusWrongP1P2}
}

func (c *Card) generalAuthenticate(cmd iso7816.Command) iso7816.Response {
	if cmd.P1 != 0 || cmd.P2 != 0 {
		return iso7816.Response{Status: iso7816.StatusWrongP1P2}
	}
	if c.secure {
		if cmd.CLA&0x10 != 0 {
			return iso7816.Response{Status: iso7816.StatusCLANotSupported}
		}
		return c.caAuthenticate(cmd)
	}
	return c.paceAuthenticate(cmd)
}

// paceChip builds the card side of PACE from EF.CardAccess and the chip's
// passwords. It reports false when the chip offers no PACE.
func (c *Card) paceChip() (*pace.Chip, bool) {
	if p, ok := c.State(paceState{}).(*pace.Chip); ok {
		return p, true
	}
	ca, ok := c.File(FIDCardAccess)
	if !ok {
		return nil, false
	}
	infos, err := pace.ParseCardAccess(ca)
	if err != nil || len(infos) == 0 {
		return nil, false
	}
	cfg := pace.ChipConfig{Infos: infos, Rand: c.cfg.Rand, CorruptToken: c.cfg.Faults.PACEBadToken}
	if c.cfg.CAN != "" {
		cfg.Passwords = append(cfg.Passwords, pace.CAN(c.cfg.CAN))
	}
	if c.cfg.MRZ.DocumentNumber != "" {
		cfg.Passwords = append(cfg.Passwords, pace.MRZ(c.cfg.MRZ.String()))
	}
	p := pace.NewChip(cfg)
	c.SetState(paceState{}, p)
	return p, true
}

// paceSetAT starts a PACE run. Like a real chip it takes PACE only in
// plain; a chip without PACE does not know the command.
func (c *Card) paceSetAT(cmd iso7816.Command) iso7816.Response {
	p, ok := c.paceChip()
	if !ok {
		return iso7816.Response{Status: iso7816.StatusINSNotSupported}
	}
	if c.secure {
		return iso7816.Response{Status: iso7816.StatusConditionsNotSatisfied}
	}
	return iso7816.Response{Status: pace.ChipStatus(p.SetAT(cmd.Data))}
}

// paceAuthenticate runs one step of PACE; the last one installs the
// session keys, with the send sequence counter at zero.
func (c *Card) paceAuthenticate(cmd iso7816.Command) iso7816.Response {
	p, ok := c.paceChip()
	if !ok {
		return iso7816.Response{Status: iso7816.StatusINSNotSupported}
	}
	out, err := p.Authenticate(cmd.Data, cmd.CLA&0x10 == 0)
	if err != nil {
		return iso7816.Response{Status: pace.ChipStatus(err)}
	}
	if k := p.Keys(); k != nil {
		s, err := k.Session()
		if err != nil {
			return iso7816.Response{Status: iso7816.StatusNoPreciseDiagnosis}
		}
		k.Wipe()
		c.StartSession(s)
	}
	return iso7816.Response{Data: out, Status: iso7816.StatusOK}
}

package vchip

import (
	"bytes"

	"motcua/cardreader/iso7816"
	"motcua/cardreader/tlv"
)

const (
	insSelect        = 0xA4
	insReadBinary    = 0xB0
	insReadBinaryOdd = 0xB1
)

// selectFile answers SELECT by AID (P1=04) and by FID (P1=00 or 02). It
// returns no FCI: the host asks for none (P2=0C).
func (c *Card) selectFile(cmd iso7816.Command) iso7816.Response {
	switch cmd.P1 {
	case 0x04:
		if !bytes.Equal(cmd.Data, AID) {
			return iso7816.Response{Status: iso7816.StatusFileNotFound}
		}
		c.appSelected, c.current = true, 0
		return iso7816.Response{Status: iso7816.StatusOK}
	case 0x00, 0x02:
		if len(cmd.Data) != 2 {
			return iso7816.Response{Status: iso7816.StatusWrongLength}
		}
		fid := uint16(cmd.Data[0])<<8 | uint16(cmd.Data[1])
		if fid == 0x3F00 {
			c.appSelected, c.current = false, 0
			return iso7816.Response{Status: iso7816.StatusOK}
		}
		if sw := c.access(fid); sw != iso7816.StatusOK {
			return iso7816.Response{Status: sw}
		}
		c.current = fid
		return iso7816.Response{Status: iso7816.StatusOK}
	}
	return iso7816.Response{Status: iso7816.StatusWrongP1P2}
}

// access checks that fid exists where the host is and that the host may
// read it: EF.CardAccess always, application files only under secure
// messaging, DG3 never (it needs Extended Access Control).
func (c *Card) access(fid uint16) iso7816.Status {
	if _, ok := c.cfg.Files[fid]; !ok {
		return iso7816.StatusFileNotFound
	}
	if fid == FIDCardAccess {
		return iso7816.StatusOK
	}
	if !c.appSelected {
		return iso7816.StatusFileNotFound
	}
	if !c.secure || fid == FIDDG3 {
		return iso7816.StatusSecurityNotSatisfied
	}
	return iso7816.StatusOK
}

// readBinary answers READ BINARY with an offset in P1-P2 (15 bits) or a
// short EF identifier in P1 (b8 set) and the offset in P2.
func (c *Card) readBinary(cmd iso7816.Command) iso7816.Response {
	fid, off := c.current, int(cmd.P1)<<8|int(cmd.P2)
	if cmd.P1&0x80 != 0 {
		fid, off = 0x0100|uint16(cmd.P1&0x1F), int(cmd.P2)
		if sw := c.access(fid); sw != iso7816.StatusOK {
			return iso7816.Response{Status: sw}
		}
		c.current = fid
	}
	if fid == 0 {
		return iso7816.Response{Status: iso7816.StatusConditionsNotSatisfied}
	}
	if fid != FIDCardAccess && !c.secure {
		return iso7816.Response{Status: iso7816.StatusSecurityNotSatisfied}
	}
	f := &c.cfg.Faults
	if f.WrongLengthAbove > 0 && cmd.Ne > f.WrongLengthAbove {
		return iso7816.Response{Status: iso7816.StatusWrongLength}
	}
	if f.CorrectLeAbove > 0 && cmd.Ne > f.CorrectLeAbove {
		return iso7816.Response{Status: iso7816.Status(0x6C00 | f.CorrectLeAbove&0xFF)}
	}
	data := c.cfg.Files[fid]
	if off > len(data) {
		return iso7816.Response{Status: iso7816.StatusWrongP1P2}
	}
	end := off + cmd.Ne
	if end > len(data) {
		// Fewer bytes than asked: ISO 7816-4 warns with 6282.
		return iso7816.Response{Data: data[off:], Status: iso7816.StatusEndOfFileWarning}
	}
	return iso7816.Response{Data: data[off:end], Status: iso7816.StatusOK}
}

// readBinaryOdd answers READ BINARY with the odd INS (B1), which reaches
// offsets above 32767: the offset comes in DO'54' (current EF, P1-P2 zero),
// the data goes back in DO'53', and Le counts that DO's header.
func (c *Card) readBinaryOdd(cmd iso7816.Command) iso7816.Response {
	if cmd.P1 != 0 || cmd.P2 != 0 {
		return iso7816.Response{Status: iso7816.StatusWrongP1P2}
	}
	v, rest, err := tlv.Expect(cmd.Data, 0x54)
	if err != nil || len(rest) != 0 || len(v) == 0 || len(v) > 3 {
		return iso7816.Response{Status: iso7816.StatusIncorrectData}
	}
	off := 0
	for _, b := range v {
		off = off<<8 | int(b)
	}
	if c.current == 0 {
		return iso7816.Response{Status: iso7816.StatusConditionsNotSatisfied}
	}
	if c.current != FIDCardAccess && !c.secure {
		return iso7816.Response{Status: iso7816.StatusSecurityNotSatisfied}
	}
	data := c.cfg.Files[c.current]
	if off > len(data) {
		return iso7816.Response{Status: iso7816.StatusWrongP1P2}
	}
	// The most data whose DO'53' fits in Le.
	n := cmd.Ne - 1 - tlv.LengthLen(cmd.Ne)
	for n+1+1+tlv.LengthLen(n+1) <= cmd.Ne {
		n++
	}
	if n < 1 {
		return iso7816.Response{Status: iso7816.StatusWrongLength}
	}
	sw := iso7816.StatusOK
	if off+n > len(data) {
		n, sw = len(data)-off, iso7816.StatusEndOfFileWarning
	}
	return iso7816.Response{Data: tlv.Encode(0x53, data[off:off+n]), Status: sw}
}

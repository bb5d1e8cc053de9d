package pcsc

// ATRInfo is what the host learns from an answer to reset.
type ATRInfo struct {
	// Protocols lists the transmission protocols offered (0 for T=0, 1 for
	// T=1, 15 for global bytes as ISO 7816-3 numbers them).
	Protocols []int
	// Historical are the historical bytes. For a contactless card the
	// reader builds them from the ATS (type A) or ATQB (type B), per PC/SC
	// part 3.
	Historical []byte
	// ExtendedLength is true when the historical bytes carry a card
	// capabilities object (compact-TLV tag 7, ISO 7816-4 §8.1.1.2.7) with
	// the "extended Lc and Le fields" bit set.
	ExtendedLength bool
	// Valid is false when the ATR is truncated or inconsistent.
	Valid bool
}

// ParseATR reads the structure of an ATR (ISO 7816-3 §8.2). It is lenient:
// a malformed ATR gives Valid false and whatever could be read.
//
// Extended length detection: cards that support extended Lc/Le should say
// so in the card capabilities byte of their historical bytes. Many
// contactless chips, eMRTDs included, do not put a capabilities object in
// their ATS; they announce extended length in EF.ATR/INFO (ICAO 9303-10)
// instead, which the ICAO host can read after selecting the applet. So
// false here means "not announced in the ATR", not "unsupported"; the safe
// default is short APDUs (READ BINARY with Le 00, 256 bytes), which every
// CCCD reader and chip handle.
func ParseATR(atr []byte) ATRInfo {
	var info ATRInfo
	if len(atr) < 2 {
		return info
	}
	t0 := atr[1]
	k := int(t0 & 0x0F)
	y := t0 >> 4
	i := 2
	for {
		for _, bit := range []byte{1, 2, 4} { // TA, TB, TC
			if y&bit != 0 {
				i++
			}
		}
		if y&8 == 0 {
			break
		}
		if i >= len(atr) {
			return info
		}
		td := atr[i]
		i++
		info.Protocols = append(info.Protocols, int(td&0x0F))
		y = td >> 4
	}
	if i+k > len(atr) {
		return info
	}
	info.Historical = atr[i : i+k]
	info.Valid = true
	info.ExtendedLength = extendedInHistorical(info.Historical)
	return info
}

// extendedInHistorical scans compact-TLV historical bytes (category 0x80,
// or 0x00 with a 3-byte status trailer) for the card capabilities object.
func extendedInHistorical(h []byte) bool {
	if len(h) == 0 {
		return false
	}
	var objs []byte
	switch h[0] {
	case 0x80:
		objs = h[1:]
	case 0x00:
		if len(h) < 4 {
			return false
		}
		objs = h[1 : len(h)-3]
	default:
		return false
	}
	for len(objs) > 0 {
		tag, n := objs[0]>>4, int(objs[0]&0x0F)
		if 1+n > len(objs) {
			return false
		}
		if tag == 0x7 && n >= 3 {
			return objs[3]&0x40 != 0
		}
		objs = objs[1+n:]
	}
	return false
}

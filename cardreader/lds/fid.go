package lds

import "fmt"

// File identifiers of the eMRTD application (ICAO 9303 Part 10 §4.6) and, for
// EF.CardAccess, of the master file.
const (
	FIDCardAccess uint16 = 0x011C
	FIDSOD        uint16 = 0x011D
	FIDCOM        uint16 = 0x011E
	FIDDG1        uint16 = 0x0101
	FIDDG2        uint16 = 0x0102
	FIDDG3        uint16 = 0x0103
	FIDDG13       uint16 = 0x010D
	FIDDG14       uint16 = 0x010E
	FIDDG15       uint16 = 0x010F
)

// Short EF identifiers, usable in READ BINARY P1 (b8 set) to read without a
// SELECT (ICAO 9303 Part 10 §3.9.1).
const (
	SFICardAccess byte = 0x1C
	SFISOD        byte = 0x1D
	SFICOM        byte = 0x1E
)

// Tags that open each file.
const (
	TagCOM  = 0x60
	TagDG1  = 0x61
	TagDG2  = 0x75
	TagDG13 = 0x6D
	TagDG14 = 0x6E
	TagDG15 = 0x6F
	TagSOD  = 0x77
)

// AID is the ICAO eMRTD application identifier.
var AID = []byte{0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01}

// dgTags maps data group number (1-16) to the tag its file starts with.
var dgTags = [17]uint32{0, 0x61, 0x75, 0x63, 0x76, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0x70}

// DGFID returns the file identifier of data group n (1-16): 0101 to 0110.
func DGFID(n int) (uint16, bool) {
	if n < 1 || n > 16 {
		return 0, false
	}
	return 0x0100 + uint16(n), true
}

// DGSFI returns the short EF identifier of data group n (1-16): 01 to 10.
func DGSFI(n int) (byte, bool) {
	if n < 1 || n > 16 {
		return 0, false
	}
	return byte(n), true
}

// DGTag returns the tag that opens data group n's file.
func DGTag(n int) (uint32, bool) {
	if n < 1 || n > 16 {
		return 0, false
	}
	return dgTags[n], true
}

// DGFromTag returns the data group number whose file starts with tag.
func DGFromTag(tag uint32) (int, bool) {
	for n := 1; n <= 16; n++ {
		if dgTags[n] == tag {
			return n, true
		}
	}
	return 0, false
}

// DGFromFID returns the data group number of a file identifier.
func DGFromFID(fid uint16) (int, bool) {
	if fid < 0x0101 || fid > 0x0110 {
		return 0, false
	}
	return int(fid - 0x0100), true
}

// FileName names a file identifier for logs: "EF.COM", "DG13", ….
func FileName(fid uint16) string {
	switch fid {
	case FIDCardAccess:
		return "EF.CardAccess"
	case FIDSOD:
		return "EF.SOD"
	case FIDCOM:
		return "EF.COM"
	}
	if n, ok := DGFromFID(fid); ok {
		return fmt.Sprintf("DG%d", n)
	}
	return fmt.Sprintf("EF %04X", fid)
}

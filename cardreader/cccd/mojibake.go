package cccd

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/traditionalchinese"
)

// Repair is what RepairMojibake did to a text.
type Repair string

// The repairs RepairMojibake makes.
const (
	RepairNone   Repair = ""             // the text was fine as it was
	RepairLatin1 Repair = "windows-1252" // UTF-8 bytes had been read as ISO-8859-1 / Windows-1252
	RepairBig5   Repair = "big5"         // UTF-8 bytes had been read as Big5
)

// RepairMojibake undoes what keyboard-wedge scanners and some decoders do
// to the QR's UTF-8 bytes: read them as Windows-1252 (or ISO-8859-1:
// "Huá»³nh" for "Huỳnh") or as Big5 (CJK characters). It encodes the text
// back to bytes in that charset and keeps the result only when those bytes
// are valid UTF-8 that differs: genuine Vietnamese text, whose letters
// such as "ộ" have no Windows-1252 byte, is never touched. ok is false
// when the text is garbled and no repair gives valid UTF-8: the caller
// must refuse it rather than prefill garbage.
func RepairMojibake(s string) (out string, how Repair, ok bool) {
	if isASCIIString(s) {
		return s, RepairNone, true
	}
	if b, ok := latin1Bytes(s); ok && utf8.Valid(b) && !garbled(string(b)) {
		return string(b), RepairLatin1, true
	}
	if b, err := traditionalchinese.Big5.NewEncoder().Bytes([]byte(s)); err == nil && utf8.Valid(b) && string(b) != s && !garbled(string(b)) {
		return string(b), RepairBig5, true
	}
	if garbled(s) {
		return s, RepairNone, false
	}
	return s, RepairNone, true
}

// cp1252 maps the Windows-1252 characters of bytes 0x80-0x9F to their
// byte; the five bytes it leaves undefined come through as C1 controls, as
// browsers and most scanners decode them.
var cp1252 = func() map[rune]byte {
	m := map[rune]byte{}
	for b := 0x80; b <= 0x9F; b++ {
		if r := charmap.Windows1252.DecodeByte(byte(b)); r != utf8.RuneError {
			m[r] = byte(b)
		}
	}
	return m
}()

// latin1Bytes encodes s back to the bytes a Windows-1252 / ISO-8859-1
// reading of UTF-8 came from; ok is false when s has a character neither
// charset has (so it was not such a reading).
func latin1Bytes(s string) ([]byte, bool) {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if c, ok := cp1252[r]; ok {
			b = append(b, c)
		} else if r < 0x100 {
			b = append(b, byte(r))
		} else {
			return nil, false
		}
	}
	return b, true
}

// Latin1Shapes is what a scanner set to Windows-1252 types for b: the
// inverse of the repair, for tests and fixtures.
func Latin1Shapes(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		if r := charmap.Windows1252.DecodeByte(c); c >= 0x80 && c <= 0x9F && r != utf8.RuneError {
			sb.WriteRune(r)
		} else {
			sb.WriteRune(rune(c))
		}
	}
	return sb.String()
}

// garbled reports text no Vietnamese card holds: Han characters (Big5
// mojibake), the replacement character, C1 controls, or the Windows-1252
// shapes of UTF-8 lead bytes followed by continuation-byte shapes ("Ã©",
// "á»", "Ä‘").
func garbled(s string) bool {
	prevLead := false
	for _, r := range s {
		switch {
		case r == utf8.RuneError, unicode.Is(unicode.Han, r), r >= 0x80 && r < 0xA0:
			return true
		case prevLead && isContinuationShape(r):
			return true
		}
		prevLead = r >= 0xC2 && r <= 0xEF && r != 0xD7 && r != 0xF7 // Â..ï as UTF-8 lead bytes
	}
	return false
}

// isContinuationShape is a character Windows-1252 shows for a byte
// 0x80-0xBF (a UTF-8 continuation byte).
func isContinuationShape(r rune) bool {
	if r >= 0xA0 && r <= 0xBF {
		return true
	}
	return strings.ContainsRune("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ", r)
}

func isASCIIString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

package tlv

import (
	"errors"
	"fmt"
)

// Errors returned by the decoder. They are matched with errors.Is; the
// decoder wraps them with the offset at which the problem was found.
var (
	// ErrTruncated means the input ends inside a tag, a length or a value.
	ErrTruncated = errors.New("tlv: truncated")
	// ErrIndefiniteLength means a length byte of 80, which BER allows and
	// ICAO 9303 does not.
	ErrIndefiniteLength = errors.New("tlv: indefinite length")
	// ErrLengthTooLarge means a long-form length of four or more bytes
	// (84 and above): no LDS file is 16 MiB or more.
	ErrLengthTooLarge = errors.New("tlv: length field too large")
	// ErrTagTooLong means a tag of more than four bytes.
	ErrTagTooLong = errors.New("tlv: tag too long")
	// ErrNotFound means a wanted tag is absent.
	ErrNotFound = errors.New("tlv: tag not found")
	// ErrUnexpectedTag means the data starts with a tag other than the one wanted.
	ErrUnexpectedTag = errors.New("tlv: unexpected tag")
)

// MaxLength is the largest value length the decoder accepts (three length
// bytes, the 83 form).
const MaxLength = 1<<24 - 1

// TLV is one decoded data object. Value aliases the decoded input.
type TLV struct {
	Tag   uint32
	Value []byte
}

// Constructed reports whether the tag's constructed bit (b6 of the first
// byte) is set, i.e. whether Value holds further TLVs.
func (t TLV) Constructed() bool { return IsConstructed(t.Tag) }

// Children decodes Value as a sequence of TLVs.
func (t TLV) Children() ([]TLV, error) { return DecodeAll(t.Value) }

// Encode returns the encoding of t.
func (t TLV) Encode() []byte { return Encode(t.Tag, t.Value) }

// IsConstructed reports whether tag has the constructed bit set in its first byte.
func IsConstructed(tag uint32) bool {
	first := tag
	for first > 0xFF {
		first >>= 8
	}
	return first&0x20 != 0
}

// Header reads the tag and length at the start of b without needing the value:
// a file reader learns a file's full size (headerLen+valueLen) from its first
// few bytes. It needs at most 8 bytes (four of tag, four of length).
func Header(b []byte) (tag uint32, headerLen, valueLen int, err error) {
	tag, n, err := readTag(b)
	if err != nil {
		return 0, 0, 0, err
	}
	l, m, err := readLength(b[n:], n)
	if err != nil {
		return 0, 0, 0, err
	}
	return tag, n + m, l, nil
}

func readTag(b []byte) (tag uint32, n int, err error) {
	if len(b) == 0 {
		return 0, 0, fmt.Errorf("%w: no tag at offset 0", ErrTruncated)
	}
	tag = uint32(b[0])
	n = 1
	if b[0]&0x1F != 0x1F {
		return tag, n, nil
	}
	for {
		if n >= len(b) {
			return 0, 0, fmt.Errorf("%w: tag at offset %d", ErrTruncated, n)
		}
		if n >= 4 {
			return 0, 0, ErrTagTooLong
		}
		c := b[n]
		tag = tag<<8 | uint32(c)
		n++
		if c&0x80 == 0 {
			return tag, n, nil
		}
	}
}

// readLength reads a definite length at the start of b; off is b's offset in
// the whole input, for error messages.
func readLength(b []byte, off int) (l, n int, err error) {
	if len(b) == 0 {
		return 0, 0, fmt.Errorf("%w: length at offset %d", ErrTruncated, off)
	}
	c := b[0]
	switch {
	case c < 0x80:
		return int(c), 1, nil
	case c == 0x80:
		return 0, 0, fmt.Errorf("%w at offset %d", ErrIndefiniteLength, off)
	case c > 0x83:
		return 0, 0, fmt.Errorf("%w: %d length bytes at offset %d", ErrLengthTooLarge, c&0x7F, off)
	}
	k := int(c & 0x7F)
	if len(b) < 1+k {
		return 0, 0, fmt.Errorf("%w: length at offset %d", ErrTruncated, off)
	}
	for _, d := range b[1 : 1+k] {
		l = l<<8 | int(d)
	}
	return l, 1 + k, nil
}

// Decode reads the first TLV of b and returns it with the bytes that follow.
func Decode(b []byte) (t TLV, rest []byte, err error) {
	tag, h, l, err := Header(b)
	if err != nil {
		return TLV{}, nil, err
	}
	if l > len(b)-h {
		return TLV{}, nil, fmt.Errorf("%w: value of tag %X needs %d bytes, %d left", ErrTruncated, tag, l, len(b)-h)
	}
	return TLV{Tag: tag, Value: b[h : h+l : h+l]}, b[h+l:], nil
}

// DecodeAll reads b as a sequence of TLVs, all of which must be complete.
func DecodeAll(b []byte) ([]TLV, error) {
	var out []TLV
	for len(b) > 0 {
		t, rest, err := Decode(b)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
		b = rest
	}
	return out, nil
}

// Expect decodes the first TLV of b and checks its tag.
func Expect(b []byte, tag uint32) (value, rest []byte, err error) {
	t, rest, err := Decode(b)
	if err != nil {
		return nil, nil, err
	}
	if t.Tag != tag {
		return nil, nil, fmt.Errorf("%w: got %X, want %X", ErrUnexpectedTag, t.Tag, tag)
	}
	return t.Value, rest, nil
}

// Find returns the value of the first TLV tagged tag among the TLVs in b
// (one level, no descent). It stops at the first malformed object.
func Find(b []byte, tag uint32) ([]byte, error) {
	for len(b) > 0 {
		t, rest, err := Decode(b)
		if err != nil {
			return nil, err
		}
		if t.Tag == tag {
			return t.Value, nil
		}
		b = rest
	}
	return nil, fmt.Errorf("%w: %X", ErrNotFound, tag)
}

// FindPath descends through nested TLVs: FindPath(b, 0x75, 0x7F61) returns
// the value of the 7F61 inside the 75 at the top of b.
func FindPath(b []byte, path ...uint32) ([]byte, error) {
	for _, tag := range path {
		v, err := Find(b, tag)
		if err != nil {
			return nil, err
		}
		b = v
	}
	return b, nil
}

// TagLen is the number of bytes tag takes when encoded.
func TagLen(tag uint32) int {
	switch {
	case tag > 0xFFFFFF:
		return 4
	case tag > 0xFFFF:
		return 3
	case tag > 0xFF:
		return 2
	}
	return 1
}

// LengthLen is the number of bytes a definite length n takes when encoded.
func LengthLen(n int) int {
	switch {
	case n < 0x80:
		return 1
	case n <= 0xFF:
		return 2
	case n <= 0xFFFF:
		return 3
	}
	return 4
}

// AppendTag appends the big-endian bytes of tag.
func AppendTag(dst []byte, tag uint32) []byte {
	for i := TagLen(tag) - 1; i >= 0; i-- {
		dst = append(dst, byte(tag>>(8*i)))
	}
	return dst
}

// AppendLength appends n in the shortest definite form. It panics if n is
// negative or above MaxLength, which is a programming error on the encoding side.
func AppendLength(dst []byte, n int) []byte {
	if n < 0 || n > MaxLength {
		panic("tlv: length out of range")
	}
	switch LengthLen(n) {
	case 1:
		return append(dst, byte(n))
	case 2:
		return append(dst, 0x81, byte(n))
	case 3:
		return append(dst, 0x82, byte(n>>8), byte(n))
	}
	return append(dst, 0x83, byte(n>>16), byte(n>>8), byte(n))
}

// Append appends the encoding of tag and value to dst.
func Append(dst []byte, tag uint32, value []byte) []byte {
	dst = AppendTag(dst, tag)
	dst = AppendLength(dst, len(value))
	return append(dst, value...)
}

// Encode returns the encoding of one TLV.
func Encode(tag uint32, value []byte) []byte {
	return Append(make([]byte, 0, TagLen(tag)+LengthLen(len(value))+len(value)), tag, value)
}

// Nest encodes a constructed TLV whose value is the concatenation of children
// (each already encoded).
func Nest(tag uint32, children ...[]byte) []byte {
	n := 0
	for _, c := range children {
		n += len(c)
	}
	out := make([]byte, 0, TagLen(tag)+LengthLen(n)+n)
	out = AppendTag(out, tag)
	out = AppendLength(out, n)
	for _, c := range children {
		out = append(out, c...)
	}
	return out
}

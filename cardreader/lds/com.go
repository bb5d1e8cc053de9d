package lds

import (
	"errors"
	"fmt"

	"motcua/cardreader/tlv"
)

// ErrMalformed matches every structural error this package reports about a
// file, with errors.Is. The error text names the file and the element, never
// a value.
var ErrMalformed = errors.New("lds: malformed file")

func malformed(file, what string, err error) error {
	if err != nil {
		return fmt.Errorf("%w: %s: %s: %w", ErrMalformed, file, what, err)
	}
	return fmt.Errorf("%w: %s: %s", ErrMalformed, file, what)
}

// COM is EF.COM: the LDS and Unicode versions and the data groups present.
type COM struct {
	LDSVersion     string // "0107" for LDS 1.7
	UnicodeVersion string // "040000" for Unicode 4.0.0
	DataGroups     []int  // data group numbers in the order listed
}

// ParseCOM decodes EF.COM (tag 60 { 5F01, 5F36, 5C }).
func ParseCOM(b []byte) (*COM, error) {
	v, _, err := tlv.Expect(b, TagCOM)
	if err != nil {
		return nil, malformed("EF.COM", "container", err)
	}
	items, err := tlv.DecodeAll(v)
	if err != nil {
		return nil, malformed("EF.COM", "content", err)
	}
	c := &COM{}
	seen := false
	for _, it := range items {
		switch it.Tag {
		case 0x5F01:
			c.LDSVersion = string(it.Value)
		case 0x5F36:
			c.UnicodeVersion = string(it.Value)
		case 0x5C:
			seen = true
			for _, t := range it.Value {
				n, ok := DGFromTag(uint32(t))
				if !ok {
					return nil, malformed("EF.COM", fmt.Sprintf("unknown tag %02X in tag list", t), nil)
				}
				c.DataGroups = append(c.DataGroups, n)
			}
		}
	}
	if !seen {
		return nil, malformed("EF.COM", "no tag list (5C)", nil)
	}
	return c, nil
}

// Encode builds EF.COM.
func (c *COM) Encode() []byte {
	list := make([]byte, 0, len(c.DataGroups))
	for _, n := range c.DataGroups {
		if t, ok := DGTag(n); ok {
			list = append(list, byte(t))
		}
	}
	return tlv.Nest(TagCOM,
		tlv.Encode(0x5F01, []byte(c.LDSVersion)),
		tlv.Encode(0x5F36, []byte(c.UnicodeVersion)),
		tlv.Encode(0x5C, list))
}

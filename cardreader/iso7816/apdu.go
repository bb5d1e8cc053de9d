package iso7816

import (
	"errors"
	"fmt"
)

// Command is a command APDU (ISO 7816-4 §5.1).
type Command struct {
	CLA, INS, P1, P2 byte
	Data             []byte
	// Ne is the number of response bytes expected: 0 means no response data
	// field; 256 is encoded as Le=00 in short form; up to 65536 needs
	// extended length.
	Ne int
}

// Extended reports whether the command needs extended length encoding.
func (c Command) Extended() bool { return len(c.Data) > 255 || c.Ne > 256 }

// Bytes encodes the command, choosing short or extended length as needed.
func (c Command) Bytes() []byte {
	out := make([]byte, 0, 4+3+len(c.Data)+3)
	out = append(out, c.CLA, c.INS, c.P1, c.P2)
	ext := c.Extended()
	if len(c.Data) > 0 {
		if ext {
			out = append(out, 0, byte(len(c.Data)>>8), byte(len(c.Data)))
		} else {
			out = append(out, byte(len(c.Data)))
		}
		out = append(out, c.Data...)
	}
	if c.Ne > 0 {
		switch {
		case !ext:
			out = append(out, byte(c.Ne)) // 256 wraps to 00 as the standard says
		case len(c.Data) > 0:
			out = append(out, byte(c.Ne>>8), byte(c.Ne)) // 65536 wraps to 0000
		default:
			out = append(out, 0, byte(c.Ne>>8), byte(c.Ne))
		}
	}
	return out
}

// ErrMalformedAPDU reports bytes that are not a well-formed APDU.
var ErrMalformedAPDU = errors.New("iso7816: malformed APDU")

// ParseCommand decodes a command APDU in any of the four ISO cases, short or
// extended. The virtual chip uses it on what the host sends.
func ParseCommand(b []byte) (Command, error) {
	if len(b) < 4 {
		return Command{}, fmt.Errorf("%w: %d bytes, need at least 4", ErrMalformedAPDU, len(b))
	}
	c := Command{CLA: b[0], INS: b[1], P1: b[2], P2: b[3]}
	body := b[4:]
	switch {
	case len(body) == 0: // case 1
		return c, nil
	case len(body) == 1: // case 2 short
		c.Ne = int(body[0])
		if c.Ne == 0 {
			c.Ne = 256
		}
		return c, nil
	case body[0] != 0: // case 3 or 4 short
		lc := int(body[0])
		switch len(body) {
		case 1 + lc:
			c.Data = body[1:]
		case 2 + lc:
			c.Data = body[1 : 1+lc]
			c.Ne = int(body[1+lc])
			if c.Ne == 0 {
				c.Ne = 256
			}
		default:
			return Command{}, fmt.Errorf("%w: Lc %d does not match %d body bytes", ErrMalformedAPDU, lc, len(body))
		}
		return c, nil
	}
	// Extended forms start with a 00 byte.
	if len(body) == 3 { // case 2 extended
		c.Ne = int(body[1])<<8 | int(body[2])
		if c.Ne == 0 {
			c.Ne = 65536
		}
		return c, nil
	}
	if len(body) < 3 {
		return Command{}, fmt.Errorf("%w: truncated extended length", ErrMalformedAPDU)
	}
	lc := int(body[1])<<8 | int(body[2])
	if lc == 0 {
		return Command{}, fmt.Errorf("%w: extended Lc of zero", ErrMalformedAPDU)
	}
	switch len(body) {
	case 3 + lc:
		c.Data = body[3:]
	case 5 + lc:
		c.Data = body[3 : 3+lc]
		c.Ne = int(body[3+lc])<<8 | int(body[4+lc])
		if c.Ne == 0 {
			c.Ne = 65536
		}
	default:
		return Command{}, fmt.Errorf("%w: extended Lc %d does not match %d body bytes", ErrMalformedAPDU, lc, len(body))
	}
	return c, nil
}

// Response is a response APDU: the data field and the status word.
type Response struct {
	Data   []byte
	Status Status
}

// ParseResponse splits a raw response APDU into data and status word.
func ParseResponse(b []byte) (Response, error) {
	if len(b) < 2 {
		return Response{}, fmt.Errorf("%w: response of %d bytes has no status word", ErrMalformedAPDU, len(b))
	}
	n := len(b) - 2
	return Response{Data: b[:n], Status: Status(b[n])<<8 | Status(b[n+1])}, nil
}

// Bytes encodes the response: data then SW1 SW2.
func (r Response) Bytes() []byte {
	out := make([]byte, len(r.Data)+2)
	copy(out, r.Data)
	out[len(r.Data)] = r.Status.SW1()
	out[len(r.Data)+1] = r.Status.SW2()
	return out
}

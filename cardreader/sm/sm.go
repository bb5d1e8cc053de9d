package sm

import (
	"crypto/subtle"
	"errors"
	"fmt"

	"motcua/cardreader/iso7816"
	"motcua/cardreader/tlv"
)

// ErrSecureMessaging matches every secure messaging failure:
// errors.Is(err, sm.ErrSecureMessaging) holds for ErrMAC, ErrMissingObjects
// and ErrMalformed.
var ErrSecureMessaging = errors.New("sm: secure messaging failed")

// Error is one kind of secure messaging failure.
type Error struct{ kind string }

func (e *Error) Error() string { return "sm: " + e.kind }

// Is makes every *Error match ErrSecureMessaging.
func (e *Error) Is(target error) bool { return target == ErrSecureMessaging }

// The kinds of failure. A wrong send sequence counter shows up as ErrMAC:
// the counter is only ever authenticated, never sent.
var (
	ErrMAC            = &Error{"MAC mismatch (wrong key or send sequence counter)"}
	ErrMissingObjects = &Error{"secure messaging data objects missing"}
	ErrMalformed      = &Error{"malformed secure messaging data objects"}
	ErrNotProtected   = &Error{"command is not protected (CLA without 0C)"}
)

// Session is one secure messaging channel: the keyed cipher suite and the
// send sequence counter. Each wrap or unwrap increments the counter first,
// so a host and a card that start from the same SSC stay in step as long as
// every command is answered. A Session is not safe for concurrent use.
type Session struct {
	c       Cipher
	ssc     []byte
	lastINS byte // card side: INS of the last command, to answer with DO'85' for odd INS
}

// New starts a session with the given keys and initial send sequence
// counter, which must be one block long (8 bytes for 3DES, 16 for AES).
func New(alg Algorithm, kenc, kmac, ssc []byte) (*Session, error) {
	c, err := NewCipher(alg, kenc, kmac)
	if err != nil {
		return nil, err
	}
	return NewWithCipher(c, ssc)
}

// NewWithCipher starts a session over an already keyed suite.
func NewWithCipher(c Cipher, ssc []byte) (*Session, error) {
	if len(ssc) != c.Algorithm().BlockSize() {
		return nil, fmt.Errorf("%w: SSC of %d bytes for %v", ErrKey, len(ssc), c.Algorithm())
	}
	return &Session{c: c, ssc: append([]byte(nil), ssc...)}, nil
}

// Algorithm is the session's cipher suite.
func (s *Session) Algorithm() Algorithm { return s.c.Algorithm() }

// SSC returns a copy of the current send sequence counter.
func (s *Session) SSC() []byte { return append([]byte(nil), s.ssc...) }

// IncrementSSC adds one to the send sequence counter (big-endian). Wrap and
// unwrap call it; the virtual chip also calls it to inject a counter fault.
func (s *Session) IncrementSSC() {
	for i := len(s.ssc) - 1; i >= 0; i-- {
		s.ssc[i]++
		if s.ssc[i] != 0 {
			return
		}
	}
}

// macInput builds SSC || data, padded.
func (s *Session) mac(parts ...[]byte) []byte {
	bs := len(s.ssc)
	n := bs
	for _, p := range parts {
		n += len(p)
	}
	m := make([]byte, 0, n+bs)
	m = append(m, s.ssc...)
	for _, p := range parts {
		m = append(m, p...)
	}
	return s.c.MAC(Pad(m, bs))
}

// encryptDO returns DO'87' (01 || E(pad(data))) or, for odd INS, DO'85'
// (E(pad(data))).
func (s *Session) encryptDO(data []byte, odd bool) []byte {
	bs := len(s.ssc)
	start := 0
	if !odd {
		start = 1 // room for the padding-content indicator
	}
	n := (len(data)/bs + 1) * bs // method 2 always adds at least one byte
	buf := make([]byte, start+n)
	buf[0] = 0x01
	copy(buf[start:], data)
	buf[start+len(data)] = 0x80
	s.c.Encrypt(s.ssc, buf[start:])
	tag := uint32(0x87)
	if odd {
		tag = 0x85
	}
	return tlv.Encode(tag, buf)
}

// decryptDO reverses encryptDO given the value of DO'87' or DO'85'.
func (s *Session) decryptDO(tag uint32, v []byte) ([]byte, error) {
	if tag == 0x87 {
		if len(v) < 1 || v[0] != 0x01 {
			return nil, ErrMalformed
		}
		v = v[1:]
	}
	bs := len(s.ssc)
	if len(v) == 0 || len(v)%bs != 0 {
		return nil, ErrMalformed
	}
	buf := append([]byte(nil), v...)
	s.c.Decrypt(s.ssc, buf)
	out, ok := Unpad(buf)
	if !ok {
		return nil, ErrMalformed
	}
	return out, nil
}

func paddedHeader(cla, ins, p1, p2 byte, bs int) []byte {
	return Pad([]byte{cla, ins, p1, p2}, bs)
}

// encodeLe writes the DO'97' value: one byte for short length (256 as 00),
// two for extended (65536 as 0000).
func encodeLe(ne int, ext bool) []byte {
	if ext {
		return []byte{byte(ne >> 8), byte(ne)}
	}
	return []byte{byte(ne)}
}

func decodeLe(v []byte) (int, error) {
	switch len(v) {
	case 1:
		if v[0] == 0 {
			return 256, nil
		}
		return int(v[0]), nil
	case 2:
		n := int(v[0])<<8 | int(v[1])
		if n == 0 {
			return 65536, nil
		}
		return n, nil
	}
	return 0, ErrMalformed
}

// WrapCommand protects a plain command (host side): CLA gets 0C, the data
// goes encrypted in DO'87' (DO'85' for an odd INS), Le in DO'97', and the
// MAC over SSC, header and both objects in DO'8E'. The protected command
// asks for the maximum response: Le 00 (short) or 0000 (extended, used
// when the plain command needs extended length or the protected data no
// longer fits a short Lc).
func (s *Session) WrapCommand(cmd iso7816.Command) (iso7816.Command, error) {
	s.IncrementSSC()
	ext := cmd.Extended()
	cla := cmd.CLA | 0x0C
	var do87, do97 []byte
	if len(cmd.Data) > 0 {
		do87 = s.encryptDO(cmd.Data, cmd.INS&1 == 1)
	}
	if cmd.Ne > 0 {
		do97 = tlv.Encode(0x97, encodeLe(cmd.Ne, ext))
	}
	mac := s.mac(paddedHeader(cla, cmd.INS, cmd.P1, cmd.P2, len(s.ssc)), do87, do97)
	data := make([]byte, 0, len(do87)+len(do97)+10)
	data = append(data, do87...)
	data = append(data, do97...)
	data = tlv.Append(data, 0x8E, mac)
	out := iso7816.Command{CLA: cla, INS: cmd.INS, P1: cmd.P1, P2: cmd.P2, Data: data, Ne: 256}
	if ext || len(data) > 255 {
		out.Ne = 65536
	}
	return out, nil
}

// UnwrapResponse checks and decrypts a protected response (host side). A
// bare error status word with no data objects (a card refusing before or
// outside secure messaging) is returned as is, so the caller sees the
// status; a bare success status is rejected, since anyone could forge it.
func (s *Session) UnwrapResponse(raw []byte) (iso7816.Response, error) {
	s.IncrementSSC()
	r, err := iso7816.ParseResponse(raw)
	if err != nil {
		return iso7816.Response{}, ErrMalformed
	}
	if len(r.Data) == 0 {
		if r.Status.OK() {
			return iso7816.Response{}, ErrMissingObjects
		}
		return r, nil
	}
	var (
		encTag  uint32
		enc     []byte
		sw      []byte
		mac     []byte
		covered int // bytes before DO'8E', which the MAC covers
	)
	rest := r.Data
	for len(rest) > 0 {
		t, next, err := tlv.Decode(rest)
		if err != nil {
			return iso7816.Response{}, ErrMalformed
		}
		switch t.Tag {
		case 0x85, 0x87:
			if enc != nil || mac != nil {
				return iso7816.Response{}, ErrMalformed
			}
			encTag, enc = t.Tag, t.Value
		case 0x99:
			if sw != nil || mac != nil || len(t.Value) != 2 {
				return iso7816.Response{}, ErrMalformed
			}
			sw = t.Value
		case 0x8E:
			if mac != nil || len(t.Value) != 8 {
				return iso7816.Response{}, ErrMalformed
			}
			mac = t.Value
			covered = len(r.Data) - len(rest)
		default:
			return iso7816.Response{}, ErrMalformed
		}
		rest = next
	}
	if mac == nil || sw == nil {
		return iso7816.Response{}, ErrMissingObjects
	}
	if subtle.ConstantTimeCompare(s.mac(r.Data[:covered]), mac) != 1 {
		return iso7816.Response{}, ErrMAC
	}
	out := iso7816.Response{Status: iso7816.Status(sw[0])<<8 | iso7816.Status(sw[1])}
	if enc != nil {
		if out.Data, err = s.decryptDO(encTag, enc); err != nil {
			return iso7816.Response{}, err
		}
	}
	return out, nil
}

// UnwrapCommand checks and decrypts a protected command (card side). On
// ErrMAC or ErrMissingObjects a real chip answers 6988 or 6987 in plain
// and ends the session; the caller does that.
func (s *Session) UnwrapCommand(cmd iso7816.Command) (iso7816.Command, error) {
	s.IncrementSSC()
	s.lastINS = cmd.INS
	if cmd.CLA&0x0C != 0x0C {
		return iso7816.Command{}, ErrNotProtected
	}
	var (
		encTag  uint32
		enc     []byte
		le      []byte
		mac     []byte
		covered int
	)
	rest := cmd.Data
	for len(rest) > 0 {
		t, next, err := tlv.Decode(rest)
		if err != nil {
			return iso7816.Command{}, ErrMalformed
		}
		switch t.Tag {
		case 0x85, 0x87:
			if enc != nil || le != nil || mac != nil {
				return iso7816.Command{}, ErrMalformed
			}
			encTag, enc = t.Tag, t.Value
		case 0x97:
			if le != nil || mac != nil {
				return iso7816.Command{}, ErrMalformed
			}
			le = t.Value
			if le == nil {
				le = []byte{}
			}
		case 0x8E:
			if mac != nil || len(t.Value) != 8 {
				return iso7816.Command{}, ErrMalformed
			}
			mac = t.Value
			covered = len(cmd.Data) - len(rest)
		default:
			return iso7816.Command{}, ErrMalformed
		}
		rest = next
	}
	if mac == nil {
		return iso7816.Command{}, ErrMissingObjects
	}
	h := paddedHeader(cmd.CLA, cmd.INS, cmd.P1, cmd.P2, len(s.ssc))
	if subtle.ConstantTimeCompare(s.mac(h, cmd.Data[:covered]), mac) != 1 {
		return iso7816.Command{}, ErrMAC
	}
	out := iso7816.Command{CLA: cmd.CLA &^ 0x0C, INS: cmd.INS, P1: cmd.P1, P2: cmd.P2}
	if le != nil {
		n, err := decodeLe(le)
		if err != nil {
			return iso7816.Command{}, err
		}
		out.Ne = n
	}
	if enc != nil {
		d, err := s.decryptDO(encTag, enc)
		if err != nil {
			return iso7816.Command{}, err
		}
		out.Data = d
	}
	return out, nil
}

// WrapResponse protects a response (card side): data in DO'87' (DO'85'
// when the command's INS was odd), the status in DO'99', the MAC over SSC
// and both objects in DO'8E', then the status word again in plain.
func (s *Session) WrapResponse(r iso7816.Response) []byte {
	s.IncrementSSC()
	var do87 []byte
	if len(r.Data) > 0 {
		do87 = s.encryptDO(r.Data, s.lastINS&1 == 1)
	}
	do99 := []byte{0x99, 0x02, r.Status.SW1(), r.Status.SW2()}
	mac := s.mac(do87, do99)
	out := make([]byte, 0, len(do87)+4+10+2)
	out = append(out, do87...)
	out = append(out, do99...)
	out = tlv.Append(out, 0x8E, mac)
	return append(out, r.Status.SW1(), r.Status.SW2())
}

package pace

import (
	"crypto/aes"
	"crypto/elliptic"
	"encoding/asn1"
	"errors"
	"fmt"

	"motcua/cardreader/cmac"
	"motcua/cardreader/internal/ecutil"
	"motcua/cardreader/sm"
	"motcua/cardreader/tlv"
)

// Errors of the protocol run. Card-side handlers map them to status words.
var (
	// ErrMalformed reports a data object that does not parse.
	ErrMalformed = errors.New("pace: malformed data object")
	// ErrState reports a step out of order (conditions of use not satisfied).
	ErrState = errors.New("pace: step out of order")
	// ErrAuthentication reports an authentication token that does not
	// verify: the other side used another password (wrong CAN or MRZ) or is
	// not genuine. On the card it is answered 6300.
	ErrAuthentication = errors.New("pace: authentication token mismatch")
)

// Tags of the dynamic authentication data (ICAO 9303 Part 11 §4.4.4.2).
const (
	tagDynamicAuth    = 0x7C
	tagEncryptedNonce = 0x80
	tagMapIFD         = 0x81
	tagMapIC          = 0x82
	tagEphIFD         = 0x83
	tagEphIC          = 0x84
	tagTokenIFD       = 0x85
	tagTokenIC        = 0x86
	tagPublicKey      = 0x7F49
	tagOID            = 0x06
	tagECPoint        = 0x86
)

// Tags of the MSE:SET AT data field (§4.4.4.1).
const (
	tagMSEProtocol = 0x80
	tagMSEPassword = 0x83
	tagMSEParamID  = 0x84
)

// MSE:SET AT and GENERAL AUTHENTICATE header bytes.
const (
	InsMSE   = 0x22
	InsGA    = 0x86
	P1SetAT  = 0xC1 // set for mutual authentication (computation and verification)
	P2AT     = 0xA4 // control reference template for authentication
	CLAChain = 0x10 // command chaining: more GENERAL AUTHENTICATE commands follow
)

// SetAT is the content of an MSE:SET AT command that selects PACE.
type SetAT struct {
	Protocol    asn1.ObjectIdentifier
	Password    PasswordType
	ParameterID int // -1 when absent; a chip with one parameter set needs none
}

// Marshal encodes the MSE:SET AT data field.
func (s SetAT) Marshal() []byte {
	out := tlv.Append(nil, tagMSEProtocol, encodeOID(s.Protocol))
	out = tlv.Append(out, tagMSEPassword, []byte{byte(s.Password)})
	if s.ParameterID >= 0 {
		out = tlv.Append(out, tagMSEParamID, []byte{byte(s.ParameterID)})
	}
	return out
}

// ParseSetAT decodes an MSE:SET AT data field. Unknown objects (such as a
// CHAT for Terminal Authentication) are skipped.
func ParseSetAT(b []byte) (SetAT, error) {
	objs, err := tlv.DecodeAll(b)
	if err != nil {
		return SetAT{}, fmt.Errorf("%w: MSE:SET AT: %w", ErrMalformed, err)
	}
	s := SetAT{ParameterID: -1}
	for _, o := range objs {
		switch o.Tag {
		case tagMSEProtocol:
			if s.Protocol, err = decodeOID(o.Value); err != nil {
				return SetAT{}, err
			}
		case tagMSEPassword:
			if len(o.Value) != 1 {
				return SetAT{}, fmt.Errorf("%w: password reference of %d bytes", ErrMalformed, len(o.Value))
			}
			s.Password = PasswordType(o.Value[0])
		case tagMSEParamID:
			if len(o.Value) != 1 {
				return SetAT{}, fmt.Errorf("%w: parameter ID of %d bytes", ErrMalformed, len(o.Value))
			}
			s.ParameterID = int(o.Value[0])
		}
	}
	if s.Protocol == nil || s.Password == 0 {
		return SetAT{}, fmt.Errorf("%w: MSE:SET AT without protocol or password", ErrMalformed)
	}
	return s, nil
}

// dynamicAuth wraps one data object in 7C; tag 0 gives the empty 7C 00.
func dynamicAuth(tag uint32, value []byte) []byte {
	if tag == 0 {
		return []byte{tagDynamicAuth, 0}
	}
	return tlv.Encode(tagDynamicAuth, tlv.Encode(tag, value))
}

// parseDynamicAuth returns the value of tag inside a 7C object. Other
// objects inside 7C (certificate references 87/88) are ignored.
func parseDynamicAuth(b []byte, tag uint32) ([]byte, error) {
	inner, rest, err := tlv.Expect(b, tagDynamicAuth)
	if err != nil {
		return nil, fmt.Errorf("%w: dynamic authentication data: %w", ErrMalformed, err)
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after dynamic authentication data", ErrMalformed, len(rest))
	}
	if tag == 0 {
		if len(inner) != 0 {
			return nil, fmt.Errorf("%w: expected empty dynamic authentication data", ErrMalformed)
		}
		return nil, nil
	}
	v, err := tlv.Find(inner, tag)
	if err != nil {
		return nil, fmt.Errorf("%w: data object %02X: %w", ErrMalformed, tag, err)
	}
	return v, nil
}

// publicKeyData is the public key data object 7F49 {06 OID, 86 point} that
// the authentication tokens are computed over (§4.4.3.4, BSI TR-03110 D.3.3).
func publicKeyData(oid asn1.ObjectIdentifier, pub []byte) []byte {
	return tlv.Nest(tagPublicKey, tlv.Encode(tagOID, encodeOID(oid)), tlv.Encode(tagECPoint, pub))
}

// token is the authentication token: AES-CMAC under KSmac of the other
// side's ephemeral public key data object, cut to 8 bytes.
func token(alg Algorithm, ksmac, otherPub []byte) ([]byte, error) {
	b, err := aes.NewCipher(ksmac)
	if err != nil {
		return nil, err
	}
	return cmac.Sum(b, publicKeyData(alg.OID, otherPub))[:8], nil
}

// sessionKeys derives KSenc and KSmac from the x-coordinate of the shared
// point (§4.4.3.3.2, KDF counters 1 and 2).
func sessionKeys(alg Algorithm, c elliptic.Curve, shared point) (kenc, kmac []byte) {
	k := make([]byte, ecutil.ByteLen(c))
	shared.x.FillBytes(k)
	kenc = sm.DeriveKey(k, sm.CounterEnc, alg.Cipher)
	kmac = sm.DeriveKey(k, sm.CounterMAC, alg.Cipher)
	clear(k)
	return kenc, kmac
}

// Keys are the result of a successful PACE run: the secure messaging keys
// (to be used with a send sequence counter of zero) and the chip's
// ephemeral public key, whose x-coordinate identifies the chip for Terminal
// and Chip Authentication (ID_PICC).
type Keys struct {
	Algorithm    Algorithm
	ParameterID  int
	KSenc, KSmac []byte
	ChipPublic   []byte // PK_DH,IC, uncompressed
}

// Session starts secure messaging with the keys and SSC 0.
func (k *Keys) Session() (*sm.Session, error) {
	return sm.New(k.Algorithm.Cipher, k.KSenc, k.KSmac, make([]byte, k.Algorithm.Cipher.BlockSize()))
}

// Wipe overwrites the session keys.
func (k *Keys) Wipe() {
	clear(k.KSenc)
	clear(k.KSmac)
}

package pace

import (
	"encoding/asn1"
	"errors"
	"fmt"

	"motcua/cardreader/lds"
	"motcua/cardreader/sm"
)

// ErrUnsupported reports a PACE variant this package does not implement
// (DH, Integrated or Chip Authentication Mapping, 3DES) or an unknown
// domain parameter ID. A host may fall back to BAC on it.
var ErrUnsupported = errors.New("pace: unsupported protocol or parameters")

// Object identifiers of ICAO 9303 Part 11 §9.2, as lds names them.
var (
	// OIDPACEECDHGMAES128 is id-PACE-ECDH-GM-AES-CBC-CMAC-128, the protocol
	// the CCCD chips advertise.
	OIDPACEECDHGMAES128 = lds.OIDPACEECDHGM128
	// OIDPACEECDHGMAES192 is id-PACE-ECDH-GM-AES-CBC-CMAC-192.
	OIDPACEECDHGMAES192 = lds.OIDPACEECDHGM192
	// OIDPACEECDHGMAES256 is id-PACE-ECDH-GM-AES-CBC-CMAC-256.
	OIDPACEECDHGMAES256 = lds.OIDPACEECDHGM256
)

// oidPACEPrefix is id-PACE; every PACEInfo protocol starts with it.
var oidPACEPrefix = lds.OIDPACE

// IsPACE reports whether oid is any id-PACE protocol, supported or not.
func IsPACE(oid asn1.ObjectIdentifier) bool {
	return len(oid) == len(oidPACEPrefix)+2 && oid[:len(oidPACEPrefix)].Equal(oidPACEPrefix)
}

// Algorithm is one supported PACE protocol: ECDH Generic Mapping with an
// AES secure messaging suite.
type Algorithm struct {
	OID    asn1.ObjectIdentifier
	Name   string
	Cipher sm.Algorithm // the session key suite, also used for the nonce and tokens
}

var algorithms = []Algorithm{
	{OIDPACEECDHGMAES128, "PACE-ECDH-GM-AES-CBC-CMAC-128", sm.AES128},
	{OIDPACEECDHGMAES192, "PACE-ECDH-GM-AES-CBC-CMAC-192", sm.AES192},
	{OIDPACEECDHGMAES256, "PACE-ECDH-GM-AES-CBC-CMAC-256", sm.AES256},
}

// AlgorithmByOID looks up a supported protocol. It returns ErrUnsupported
// for any other OID.
func AlgorithmByOID(oid asn1.ObjectIdentifier) (Algorithm, error) {
	for _, a := range algorithms {
		if a.OID.Equal(oid) {
			return a, nil
		}
	}
	return Algorithm{}, fmt.Errorf("%w: protocol %v", ErrUnsupported, oid)
}

// encodeOID returns the content octets of oid (the value of a DER OBJECT
// IDENTIFIER without tag and length), as MSE:SET AT and the public key data
// object carry it.
func encodeOID(oid asn1.ObjectIdentifier) []byte {
	der, err := asn1.Marshal(oid)
	if err != nil {
		panic("pace: cannot encode OID " + oid.String()) // only our own constants reach here
	}
	return der[2:] // every OID here is shorter than 128 bytes: one length byte
}

// decodeOID parses content octets back into an OID.
func decodeOID(b []byte) (asn1.ObjectIdentifier, error) {
	if len(b) == 0 || len(b) > 127 {
		return nil, fmt.Errorf("%w: OID of %d bytes", ErrMalformed, len(b))
	}
	var oid asn1.ObjectIdentifier
	der := append([]byte{0x06, byte(len(b))}, b...)
	if rest, err := asn1.Unmarshal(der, &oid); err != nil || len(rest) > 0 {
		return nil, fmt.Errorf("%w: bad OID", ErrMalformed)
	}
	return oid, nil
}

// PasswordType is the password reference of MSE:SET AT (ICAO 9303 Part 11
// §9.5.4, Table 7).
type PasswordType byte

const (
	PasswordMRZ PasswordType = 1 // derived from the MRZ: document number, birth, expiry
	PasswordCAN PasswordType = 2 // Card Access Number; on a CCCD the last 6 ID digits
)

func (t PasswordType) String() string {
	switch t {
	case PasswordMRZ:
		return "MRZ"
	case PasswordCAN:
		return "CAN"
	}
	return fmt.Sprintf("PasswordType(%d)", byte(t))
}

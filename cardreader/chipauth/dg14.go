package chipauth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"

	"motcua/cardreader/internal/ecutil"
	"motcua/cardreader/lds"
	"motcua/cardreader/pace"
	"motcua/cardreader/sm"
)

// Errors of DG14 parsing and protocol selection.
var (
	// ErrMalformed reports a DG14 or command data field that does not parse.
	ErrMalformed = errors.New("chipauth: malformed data")
	// ErrUnsupported reports a Chip Authentication variant this package
	// does not implement (DH keys, unknown curves or ciphers).
	ErrUnsupported = errors.New("chipauth: unsupported protocol or key")
	// ErrNoChipAuth reports a DG14 without a usable Chip Authentication
	// public key.
	ErrNoChipAuth = errors.New("chipauth: DG14 offers no chip authentication")
)

// Protocol object identifiers of ICAO 9303 Part 11 §9.2, as lds names them.
var (
	// OIDCAECDH3DES is id-CA-ECDH-3DES-CBC-CBC.
	OIDCAECDH3DES = lds.OIDCAECDH3DES
	// OIDCAECDHAES128 is id-CA-ECDH-AES-CBC-CMAC-128, which CCCD chips use.
	OIDCAECDHAES128 = lds.OIDCAECDHAES128
	// OIDCAECDHAES192 is id-CA-ECDH-AES-CBC-CMAC-192.
	OIDCAECDHAES192 = lds.OIDCAECDHAES192
	// OIDCAECDHAES256 is id-CA-ECDH-AES-CBC-CMAC-256.
	OIDCAECDHAES256 = lds.OIDCAECDHAES256

	// OIDPKECDH is id-PK-ECDH, the protocol of an ECDH
	// ChipAuthenticationPublicKeyInfo.
	OIDPKECDH = lds.OIDPKECDH
)

// ciphers maps the CA-ECDH protocols to their secure messaging suites.
var ciphers = []struct {
	oid asn1.ObjectIdentifier
	alg sm.Algorithm
}{
	{OIDCAECDH3DES, sm.TDES},
	{OIDCAECDHAES128, sm.AES128},
	{OIDCAECDHAES192, sm.AES192},
	{OIDCAECDHAES256, sm.AES256},
}

// cipherOf returns the secure messaging suite of a CA-ECDH protocol.
func cipherOf(oid asn1.ObjectIdentifier) (sm.Algorithm, error) {
	for _, c := range ciphers {
		if c.oid.Equal(oid) {
			return c.alg, nil
		}
	}
	return 0, fmt.Errorf("%w: protocol %v", ErrUnsupported, oid)
}

// isCAECDH reports whether oid is an id-CA-ECDH-* protocol, known cipher or
// not (Select skips the unknown ones).
func isCAECDH(oid asn1.ObjectIdentifier) bool {
	prefix := OIDCAECDH3DES[:len(OIDCAECDH3DES)-1]
	return len(oid) == len(prefix)+1 && oid[:len(prefix)].Equal(prefix)
}

// Info is a ChipAuthenticationInfo: which protocol the chip runs with
// which key.
type Info struct {
	Protocol asn1.ObjectIdentifier
	Version  int // 1 for Chip Authentication version 1
	KeyID    int // -1 when absent (the chip has one key)
}

// PublicKey is a ChipAuthenticationPublicKeyInfo with an EC key.
type PublicKey struct {
	ParameterID int    // PACE standardized domain parameter ID of the curve
	Point       []byte // uncompressed 04 || X || Y
	KeyID       int    // -1 when absent
}

// Curve is the key's elliptic curve.
func (k PublicKey) Curve() elliptic.Curve {
	c, _ := pace.Curve(k.ParameterID) // ParameterID was checked when the key was parsed or made
	return c
}

// ParseDG14 decodes DG14 (tag 6E around a SET OF SecurityInfo) or a bare
// SecurityInfos, such as EF.CardAccess, with lds.ParseDG14 or
// lds.ParseSecurityInfos, and keeps what FromSecurityInfos keeps. A file
// that does not parse gives ErrMalformed.
func ParseDG14(b []byte) ([]Info, []PublicKey, error) {
	parse := lds.ParseSecurityInfos
	if len(b) > 0 && b[0] == lds.TagDG14 {
		parse = lds.ParseDG14
	}
	si, err := parse(b)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return FromSecurityInfos(si)
}

// keyFromSPKI reads an EC SubjectPublicKeyInfo with lds.ParsePublicKey
// (named curve, standardized parameter ID or explicit ECParameters) and
// keeps it if PACE's curves include its curve.
func keyFromSPKI(der []byte) (PublicKey, error) {
	pub, err := lds.ParsePublicKey(der)
	if errors.Is(err, lds.ErrUnsupportedKey) {
		return PublicKey{}, fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	if err != nil {
		return PublicKey{}, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	ec, ok := pub.(*ecdsa.PublicKey)
	if !ok {
		return PublicKey{}, fmt.Errorf("%w: %T key", ErrUnsupported, pub)
	}
	id, c, err := paramIDOf(ec.Curve)
	if err != nil {
		return PublicKey{}, err
	}
	return PublicKey{ParameterID: id, Point: ecutil.EncodePoint(c, ec.X, ec.Y)}, nil
}

// paramIDOf finds the standardized parameter ID of a curve from any
// implementation (lds.CurveOf compares parameters) and PACE's curve for it.
func paramIDOf(ec elliptic.Curve) (int, elliptic.Curve, error) {
	lc, ok := lds.CurveOf(ec)
	if !ok {
		return 0, nil, fmt.Errorf("%w: curve %s", ErrUnsupported, ec.Params().Name)
	}
	c, err := pace.Curve(lc.ParamID)
	if err != nil {
		return 0, nil, fmt.Errorf("%w: curve %s: %w", ErrUnsupported, lc.Name, err)
	}
	return lc.ParamID, c, nil
}

// checkPoint checks an uncompressed point: right length, on the curve,
// not the point at infinity.
func checkPoint(c elliptic.Curve, b []byte) error {
	_, _, err := decodePoint(c, b)
	return err
}

func decodePoint(c elliptic.Curve, b []byte) (x, y *big.Int, err error) {
	x, y, err = ecutil.DecodePoint(c, b)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return x, y, nil
}

// Select picks the first supported version 1 protocol with a matching key
// (by key ID when there are several). It returns ErrNoChipAuth when DG14
// has no usable pair.
func Select(infos []Info, keys []PublicKey) (Info, PublicKey, error) {
	for _, in := range infos {
		if in.Version != 1 {
			continue
		}
		if _, err := cipherOf(in.Protocol); err != nil {
			continue
		}
		for _, k := range keys {
			if in.KeyID < 0 || k.KeyID < 0 || in.KeyID == k.KeyID {
				return in, k, nil
			}
		}
	}
	// A DG14 with a key but no ChipAuthenticationInfo implies 3DES (§9.2.5).
	if len(infos) == 0 && len(keys) > 0 {
		return Info{Protocol: OIDCAECDH3DES, Version: 1, KeyID: -1}, keys[0], nil
	}
	return Info{}, PublicKey{}, ErrNoChipAuth
}

// MarshalInfo encodes a ChipAuthenticationInfo for DG14 or EF.CardAccess.
func MarshalInfo(in Info) ([]byte, error) {
	return lds.ChipAuthenticationInfo{
		Protocol: in.Protocol, Version: in.Version, KeyID: max(in.KeyID, 0), HasKeyID: in.KeyID >= 0,
	}.Marshal()
}

// MarshalPublicKey encodes a ChipAuthenticationPublicKeyInfo with the curve
// named by OID (RFC 5480 form).
func MarshalPublicKey(k PublicKey) ([]byte, error) {
	c := k.Curve()
	if c == nil {
		return nil, fmt.Errorf("%w: parameter ID %d", ErrUnsupported, k.ParameterID)
	}
	x, y, err := decodePoint(c, k.Point)
	if err != nil {
		return nil, err
	}
	spki, err := lds.MarshalPublicKey(&ecdsa.PublicKey{Curve: c, X: x, Y: y})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	return lds.ChipAuthenticationPublicKeyInfo{
		Protocol: OIDPKECDH, PublicKey: spki, KeyID: max(k.KeyID, 0), HasKeyID: k.KeyID >= 0,
	}.Marshal()
}

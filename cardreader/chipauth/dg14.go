package chipauth

import (
	"crypto/elliptic"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"

	"motcua/cardreader/pace"
	"motcua/cardreader/sm"
	"motcua/cardreader/tlv"
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

// Object identifiers of ICAO 9303 Part 11 §9.2.
var (
	oidCAECDH = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 2, 2, 3, 2}
	oidCADH   = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 2, 2, 3, 1}

	// OIDCAECDH3DES is id-CA-ECDH-3DES-CBC-CBC.
	OIDCAECDH3DES = append(oidCAECDH[:len(oidCAECDH):len(oidCAECDH)], 1)
	// OIDCAECDHAES128 is id-CA-ECDH-AES-CBC-CMAC-128, which CCCD chips use.
	OIDCAECDHAES128 = append(oidCAECDH[:len(oidCAECDH):len(oidCAECDH)], 2)
	// OIDCAECDHAES192 is id-CA-ECDH-AES-CBC-CMAC-192.
	OIDCAECDHAES192 = append(oidCAECDH[:len(oidCAECDH):len(oidCAECDH)], 3)
	// OIDCAECDHAES256 is id-CA-ECDH-AES-CBC-CMAC-256.
	OIDCAECDHAES256 = append(oidCAECDH[:len(oidCAECDH):len(oidCAECDH)], 4)

	// OIDPKECDH is id-PK-ECDH, the protocol of an ECDH
	// ChipAuthenticationPublicKeyInfo.
	OIDPKECDH = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 2, 2, 1, 2}
	oidPKDH   = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 2, 2, 1, 1}

	oidECPublicKey        = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidStandardizedParams = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 1, 2} // BSI TR-03111: INTEGER parameter ID
	oidPrimeField         = asn1.ObjectIdentifier{1, 2, 840, 10045, 1, 1}
)

// namedCurves maps curve OIDs (RFC 5480, RFC 5639) to PACE standardized
// domain parameter IDs.
var namedCurves = []struct {
	oid asn1.ObjectIdentifier
	id  int
}{
	{asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}, pace.ParamNISTP256},
	{asn1.ObjectIdentifier{1, 3, 132, 0, 34}, pace.ParamNISTP384},
	{asn1.ObjectIdentifier{1, 3, 132, 0, 35}, pace.ParamNISTP521},
	{asn1.ObjectIdentifier{1, 3, 36, 3, 3, 2, 8, 1, 1, 7}, pace.ParamBrainpoolP256r1},
	{asn1.ObjectIdentifier{1, 3, 36, 3, 3, 2, 8, 1, 1, 11}, pace.ParamBrainpoolP384r1},
	{asn1.ObjectIdentifier{1, 3, 36, 3, 3, 2, 8, 1, 1, 13}, pace.ParamBrainpoolP512r1},
}

// cipherOf returns the secure messaging suite of a CA-ECDH protocol.
func cipherOf(oid asn1.ObjectIdentifier) (sm.Algorithm, error) {
	if len(oid) == len(oidCAECDH)+1 && oid[:len(oidCAECDH)].Equal(oidCAECDH) {
		switch oid[len(oid)-1] {
		case 1:
			return sm.TDES, nil
		case 2:
			return sm.AES128, nil
		case 3:
			return sm.AES192, nil
		case 4:
			return sm.AES256, nil
		}
	}
	return 0, fmt.Errorf("%w: protocol %v", ErrUnsupported, oid)
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

type securityInfo struct {
	Protocol asn1.ObjectIdentifier
	Required asn1.RawValue
	Optional asn1.RawValue `asn1:"optional"`
}

type spki struct {
	Algorithm struct {
		Algorithm  asn1.ObjectIdentifier
		Parameters asn1.RawValue `asn1:"optional"`
	}
	PublicKey asn1.BitString
}

// ParseDG14 decodes DG14 (tag 6E around a SET OF SecurityInfo) or a bare
// SecurityInfos, such as EF.CardAccess. It returns every CA-ECDH info and
// every ECDH public key it understands; DH keys and other protocols are
// skipped, and an EC key on an unknown curve gives ErrUnsupported.
func ParseDG14(b []byte) ([]Info, []PublicKey, error) {
	if len(b) > 0 && b[0] == 0x6E {
		v, rest, err := tlv.Expect(b, 0x6E)
		if err != nil || len(rest) != 0 {
			return nil, nil, fmt.Errorf("%w: DG14 wrapper", ErrMalformed)
		}
		b = v
	}
	var all []securityInfo
	rest, err := asn1.UnmarshalWithParams(b, &all, "set")
	if err != nil {
		return nil, nil, fmt.Errorf("%w: SecurityInfos: %w", ErrMalformed, err)
	}
	if len(rest) != 0 {
		return nil, nil, fmt.Errorf("%w: %d bytes after SecurityInfos", ErrMalformed, len(rest))
	}
	var infos []Info
	var keys []PublicKey
	for _, si := range all {
		switch {
		case len(si.Protocol) == len(oidCAECDH)+1 && si.Protocol[:len(oidCAECDH)].Equal(oidCAECDH):
			in := Info{Protocol: si.Protocol, KeyID: -1}
			if err := unmarshalInt(si.Required.FullBytes, &in.Version); err != nil {
				return nil, nil, fmt.Errorf("%w: ChipAuthenticationInfo version: %w", ErrMalformed, err)
			}
			if len(si.Optional.FullBytes) > 0 {
				if err := unmarshalInt(si.Optional.FullBytes, &in.KeyID); err != nil {
					return nil, nil, fmt.Errorf("%w: ChipAuthenticationInfo keyId: %w", ErrMalformed, err)
				}
			}
			infos = append(infos, in)
		case si.Protocol.Equal(OIDPKECDH):
			k, err := parseSPKI(si.Required.FullBytes)
			if err != nil {
				return nil, nil, err
			}
			k.KeyID = -1
			if len(si.Optional.FullBytes) > 0 {
				if err := unmarshalInt(si.Optional.FullBytes, &k.KeyID); err != nil {
					return nil, nil, fmt.Errorf("%w: ChipAuthenticationPublicKeyInfo keyId: %w", ErrMalformed, err)
				}
			}
			keys = append(keys, k)
		}
	}
	return infos, keys, nil
}

func unmarshalInt(der []byte, v *int) error {
	var n *big.Int
	rest, err := asn1.Unmarshal(der, &n)
	if err == nil && len(rest) != 0 {
		err = errors.New("trailing data")
	}
	if err == nil && (n.Sign() < 0 || n.BitLen() > 31) {
		err = errors.New("out of range")
	}
	if err != nil {
		return err
	}
	*v = int(n.Int64())
	return nil
}

// parseSPKI reads an EC SubjectPublicKeyInfo whose curve is named (RFC
// 5480), given as a standardized parameter ID (BSI TR-03111), or spelled
// out as explicit ECParameters, as many eMRTDs do.
func parseSPKI(der []byte) (PublicKey, error) {
	var s spki
	if rest, err := asn1.Unmarshal(der, &s); err != nil || len(rest) != 0 {
		return PublicKey{}, fmt.Errorf("%w: SubjectPublicKeyInfo", ErrMalformed)
	}
	var id int
	params := s.Algorithm.Parameters.FullBytes
	switch {
	case s.Algorithm.Algorithm.Equal(oidStandardizedParams):
		if err := unmarshalInt(params, &id); err != nil {
			return PublicKey{}, fmt.Errorf("%w: standardized domain parameter ID", ErrMalformed)
		}
	case s.Algorithm.Algorithm.Equal(oidECPublicKey) || s.Algorithm.Algorithm.Equal(OIDPKECDH):
		var err error
		if id, err = curveFromParams(params); err != nil {
			return PublicKey{}, err
		}
	default:
		return PublicKey{}, fmt.Errorf("%w: key algorithm %v", ErrUnsupported, s.Algorithm.Algorithm)
	}
	c, err := pace.Curve(id)
	if err != nil {
		return PublicKey{}, fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	pt := s.PublicKey.RightAlign()
	if err := checkPoint(c, pt); err != nil {
		return PublicKey{}, err
	}
	return PublicKey{ParameterID: id, Point: pt}, nil
}

type ecParameters struct {
	Version int
	FieldID struct {
		FieldType asn1.ObjectIdentifier
		Prime     *big.Int
	}
	Curve struct {
		A, B []byte
		Seed asn1.BitString `asn1:"optional"`
	}
	Base     []byte
	Order    *big.Int
	Cofactor *big.Int `asn1:"optional"`
}

func curveFromParams(der []byte) (int, error) {
	var oid asn1.ObjectIdentifier
	if rest, err := asn1.Unmarshal(der, &oid); err == nil && len(rest) == 0 {
		for _, nc := range namedCurves {
			if nc.oid.Equal(oid) {
				return nc.id, nil
			}
		}
		return 0, fmt.Errorf("%w: curve %v", ErrUnsupported, oid)
	}
	var p ecParameters
	if rest, err := asn1.Unmarshal(der, &p); err != nil || len(rest) != 0 || p.FieldID.Prime == nil || p.Order == nil {
		return 0, fmt.Errorf("%w: EC domain parameters", ErrMalformed)
	}
	if !p.FieldID.FieldType.Equal(oidPrimeField) {
		return 0, fmt.Errorf("%w: binary field curve", ErrUnsupported)
	}
	// Match on prime, order and generator: together they pin down the curve.
	for _, nc := range namedCurves {
		c, _ := pace.Curve(nc.id)
		cp := c.Params()
		if cp.P.Cmp(p.FieldID.Prime) != 0 || cp.N.Cmp(p.Order) != 0 {
			continue
		}
		n := (cp.BitSize + 7) / 8
		if len(p.Base) == 1+2*n && p.Base[0] == 4 &&
			new(big.Int).SetBytes(p.Base[1:1+n]).Cmp(cp.Gx) == 0 &&
			new(big.Int).SetBytes(p.Base[1+n:]).Cmp(cp.Gy) == 0 {
			return nc.id, nil
		}
	}
	return 0, fmt.Errorf("%w: explicit curve parameters of no known curve", ErrUnsupported)
}

// checkPoint checks an uncompressed point: right length, on the curve,
// not the point at infinity.
func checkPoint(c elliptic.Curve, b []byte) error {
	_, _, err := decodePoint(c, b)
	return err
}

func decodePoint(c elliptic.Curve, b []byte) (x, y *big.Int, err error) {
	n := (c.Params().BitSize + 7) / 8
	if len(b) != 1+2*n || b[0] != 4 {
		return nil, nil, fmt.Errorf("%w: EC point of %d bytes", ErrMalformed, len(b))
	}
	x, y = new(big.Int).SetBytes(b[1:1+n]), new(big.Int).SetBytes(b[1+n:])
	P := c.Params().P
	if x.Cmp(P) >= 0 || y.Cmp(P) >= 0 || (x.Sign() == 0 && y.Sign() == 0) || !c.IsOnCurve(x, y) {
		return nil, nil, fmt.Errorf("%w: EC point not on the curve", ErrMalformed)
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
	if in.KeyID >= 0 {
		return asn1.Marshal(struct {
			Protocol asn1.ObjectIdentifier
			Version  int
			KeyID    int
		}{in.Protocol, in.Version, in.KeyID})
	}
	return asn1.Marshal(struct {
		Protocol asn1.ObjectIdentifier
		Version  int
	}{in.Protocol, in.Version})
}

// MarshalPublicKey encodes a ChipAuthenticationPublicKeyInfo with the curve
// named by OID (RFC 5480 form).
func MarshalPublicKey(k PublicKey) ([]byte, error) {
	var curve asn1.ObjectIdentifier
	for _, nc := range namedCurves {
		if nc.id == k.ParameterID {
			curve = nc.oid
		}
	}
	if curve == nil {
		return nil, fmt.Errorf("%w: parameter ID %d", ErrUnsupported, k.ParameterID)
	}
	curveDER, err := asn1.Marshal(curve)
	if err != nil {
		return nil, err
	}
	var s spki
	s.Algorithm.Algorithm = oidECPublicKey
	s.Algorithm.Parameters = asn1.RawValue{FullBytes: curveDER}
	s.PublicKey = asn1.BitString{Bytes: k.Point, BitLength: 8 * len(k.Point)}
	key, err := asn1.Marshal(s)
	if err != nil {
		return nil, err
	}
	if k.KeyID >= 0 {
		return asn1.Marshal(struct {
			Protocol asn1.ObjectIdentifier
			Key      asn1.RawValue
			KeyID    int
		}{OIDPKECDH, asn1.RawValue{FullBytes: key}, k.KeyID})
	}
	return asn1.Marshal(struct {
		Protocol asn1.ObjectIdentifier
		Key      asn1.RawValue
	}{OIDPKECDH, asn1.RawValue{FullBytes: key}})
}

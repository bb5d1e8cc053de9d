package lds

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"

	"github.com/ProtonMail/go-crypto/brainpool"

	"motcua/cardreader/tlv"
)

// Object identifiers of public key algorithms and curves.
var (
	OIDRSAEncryption = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	OIDECPublicKey   = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidPrimeField    = asn1.ObjectIdentifier{1, 2, 840, 10045, 1, 1}
	// OIDStandardizedDomainParameters is BSI TR-03111's algorithm for keys
	// whose curve is given by an ICAO standardized domain parameter ID.
	OIDStandardizedDomainParameters = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 1, 2}
)

// ErrUnsupportedKey reports a public key algorithm or curve this package
// cannot use.
var ErrUnsupportedKey = errors.New("lds: unsupported public key")

// Curve is an elliptic curve a CCCD or its PKI may use, with its names.
type Curve struct {
	Name  string // e.g. "P-256", "brainpoolP256r1"
	OID   asn1.ObjectIdentifier
	Curve elliptic.Curve
	// ParamID is the standardized domain parameter ID of ICAO 9303 Part 11
	// §9.5.1 (PACE, CA), 0 when none.
	ParamID int
}

// Curves lists the supported curves: NIST P-224/256/384/521 and Brainpool
// P256r1/P384r1/P512r1 (the Vietnamese CSCA uses brainpoolP512r1, PACE on the
// CCCD brainpoolP256r1).
var Curves = []Curve{
	{"P-224", asn1.ObjectIdentifier{1, 3, 132, 0, 33}, elliptic.P224(), 10},
	{"P-256", asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}, elliptic.P256(), 12},
	{"P-384", asn1.ObjectIdentifier{1, 3, 132, 0, 34}, elliptic.P384(), 15},
	{"P-521", asn1.ObjectIdentifier{1, 3, 132, 0, 35}, elliptic.P521(), 18},
	{"brainpoolP256r1", asn1.ObjectIdentifier{1, 3, 36, 3, 3, 2, 8, 1, 1, 7}, brainpool.P256r1(), 13},
	{"brainpoolP384r1", asn1.ObjectIdentifier{1, 3, 36, 3, 3, 2, 8, 1, 1, 11}, brainpool.P384r1(), 16},
	{"brainpoolP512r1", asn1.ObjectIdentifier{1, 3, 36, 3, 3, 2, 8, 1, 1, 13}, brainpool.P512r1(), 17},
}

// CurveByOID finds a curve by its named-curve OID.
func CurveByOID(oid asn1.ObjectIdentifier) (Curve, bool) {
	for _, c := range Curves {
		if c.OID.Equal(oid) {
			return c, true
		}
	}
	return Curve{}, false
}

// CurveOf finds the registry entry of an elliptic.Curve: the same value,
// the same name, or failing both the same prime, order and generator, so
// that another implementation of a listed curve (such as PACE's fast
// brainpoolP256r1) is found too.
func CurveOf(ec elliptic.Curve) (Curve, bool) {
	ep := ec.Params()
	for _, c := range Curves {
		if c.Curve == ec || c.Curve.Params().Name == ep.Name {
			return c, true
		}
	}
	for _, c := range Curves {
		cp := c.Curve.Params()
		if cp.P.Cmp(ep.P) == 0 && cp.N.Cmp(ep.N) == 0 && cp.Gx.Cmp(ep.Gx) == 0 && cp.Gy.Cmp(ep.Gy) == 0 {
			return c, true
		}
	}
	return Curve{}, false
}

// CurveByParamID finds a curve by its standardized domain parameter ID.
func CurveByParamID(id int) (Curve, bool) {
	for _, c := range Curves {
		if c.ParamID == id {
			return c, true
		}
	}
	return Curve{}, false
}

type spki struct {
	Algorithm pkix.AlgorithmIdentifier
	PublicKey asn1.BitString
}

// ecParameters is the explicit form of a curve (RFC 3279 §2.3.5), which
// eMRTD keys often use instead of a named curve.
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

// ParsePublicKey decodes a DER SubjectPublicKeyInfo holding an RSA key or an
// EC key on a supported curve. The EC algorithm may be id-ecPublicKey or
// id-PK-ECDH (DG14) with a named curve or explicit parameters, or
// standardizedDomainParameters with an INTEGER ID. It returns
// *rsa.PublicKey or *ecdsa.PublicKey.
func ParsePublicKey(der []byte) (crypto.PublicKey, error) {
	var k spki
	rest, err := asn1.Unmarshal(der, &k)
	if err != nil {
		return nil, fmt.Errorf("%w: SubjectPublicKeyInfo: %w", ErrMalformed, err)
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("%w: SubjectPublicKeyInfo: trailing bytes", ErrMalformed)
	}
	switch {
	case k.Algorithm.Algorithm.Equal(OIDRSAEncryption):
		pub, err := x509.ParsePKIXPublicKey(der)
		if err != nil {
			return nil, fmt.Errorf("%w: RSA key: %w", ErrMalformed, err)
		}
		return pub, nil
	case k.Algorithm.Algorithm.Equal(OIDECPublicKey), k.Algorithm.Algorithm.Equal(OIDPKECDH),
		k.Algorithm.Algorithm.Equal(OIDStandardizedDomainParameters):
		var c Curve
		var err error
		if k.Algorithm.Algorithm.Equal(OIDStandardizedDomainParameters) {
			c, err = curveFromParamID(k.Algorithm.Parameters.FullBytes)
		} else {
			c, err = curveFromParams(k.Algorithm.Parameters.FullBytes)
		}
		if err != nil {
			return nil, err
		}
		x, y := elliptic.Unmarshal(c.Curve, k.PublicKey.RightAlign())
		if x == nil {
			return nil, fmt.Errorf("%w: EC point not on %s", ErrMalformed, c.Name)
		}
		return &ecdsa.PublicKey{Curve: c.Curve, X: x, Y: y}, nil
	}
	return nil, fmt.Errorf("%w: algorithm %v", ErrUnsupportedKey, k.Algorithm.Algorithm)
}

// curveFromParamID resolves an INTEGER standardized domain parameter ID
// (BSI TR-03110 form, seen in DG14 keys).
func curveFromParamID(params []byte) (Curve, error) {
	var id int
	if rest, err := asn1.Unmarshal(params, &id); err != nil || len(rest) != 0 {
		return Curve{}, fmt.Errorf("%w: standardized domain parameter ID", ErrMalformed)
	}
	c, ok := CurveByParamID(id)
	if !ok {
		return Curve{}, fmt.Errorf("%w: domain parameter ID %d", ErrUnsupportedKey, id)
	}
	return c, nil
}

// curveFromParams resolves EC parameters given as a named-curve OID or as
// explicit parameters matching a known curve.
func curveFromParams(params []byte) (Curve, error) {
	var oid asn1.ObjectIdentifier
	if _, err := asn1.Unmarshal(params, &oid); err == nil {
		if c, ok := CurveByOID(oid); ok {
			return c, nil
		}
		return Curve{}, fmt.Errorf("%w: curve %v", ErrUnsupportedKey, oid)
	}
	var p ecParameters
	if _, err := asn1.Unmarshal(params, &p); err != nil {
		return Curve{}, fmt.Errorf("%w: EC parameters: %w", ErrMalformed, err)
	}
	if !p.FieldID.FieldType.Equal(oidPrimeField) || p.FieldID.Prime == nil || p.Order == nil {
		return Curve{}, fmt.Errorf("%w: EC parameters are not over a prime field", ErrUnsupportedKey)
	}
	for _, c := range Curves {
		cp := c.Curve.Params()
		if cp.P.Cmp(p.FieldID.Prime) != 0 || cp.N.Cmp(p.Order) != 0 {
			continue
		}
		// Brainpool r1 curves in go-crypto leave B unset; P, N and G suffice.
		if cp.B != nil && !bytes32Equal(cp.B, p.Curve.B) {
			continue
		}
		gx, gy := elliptic.Unmarshal(c.Curve, p.Base)
		if gx == nil || gx.Cmp(cp.Gx) != 0 || gy.Cmp(cp.Gy) != 0 {
			continue
		}
		return c, nil
	}
	return Curve{}, fmt.Errorf("%w: explicit EC parameters of an unknown curve", ErrUnsupportedKey)
}

func bytes32Equal(n *big.Int, b []byte) bool { return new(big.Int).SetBytes(b).Cmp(n) == 0 }

// MarshalPublicKey encodes an RSA or ECDSA public key (any curve in Curves,
// as a named curve) as a DER SubjectPublicKeyInfo.
func MarshalPublicKey(pub crypto.PublicKey) ([]byte, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return x509.MarshalPKIXPublicKey(k)
	case *ecdsa.PublicKey:
		c, ok := CurveOf(k.Curve)
		if !ok {
			return nil, fmt.Errorf("%w: curve %s", ErrUnsupportedKey, k.Curve.Params().Name)
		}
		params, err := asn1.Marshal(c.OID)
		if err != nil {
			return nil, err
		}
		point := elliptic.Marshal(k.Curve, k.X, k.Y)
		return asn1.Marshal(spki{
			Algorithm: pkix.AlgorithmIdentifier{Algorithm: OIDECPublicKey, Parameters: asn1.RawValue{FullBytes: params}},
			PublicKey: asn1.BitString{Bytes: point, BitLength: 8 * len(point)},
		})
	}
	return nil, fmt.Errorf("%w: %T", ErrUnsupportedKey, pub)
}

// ParseDG15 decodes DG15 (6F { SubjectPublicKeyInfo }), the Active
// Authentication public key.
func ParseDG15(b []byte) (crypto.PublicKey, error) {
	v, _, err := tlv.Expect(b, TagDG15)
	if err != nil {
		return nil, malformed("DG15", "container", err)
	}
	return ParsePublicKey(v)
}

// EncodeDG15 builds DG15 around pub.
func EncodeDG15(pub crypto.PublicKey) ([]byte, error) {
	der, err := MarshalPublicKey(pub)
	if err != nil {
		return nil, err
	}
	return tlv.Encode(TagDG15, der), nil
}

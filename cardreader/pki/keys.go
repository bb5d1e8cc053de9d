package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"

	"motcua/cardreader/lds"
)

// ErrPrivateKey matches private key decoding errors.
var ErrPrivateKey = errors.New("pki: malformed private key")

// ecPrivateKey is SEC 1's ECPrivateKey (RFC 5915), written by hand because
// crypto/x509 refuses Brainpool curves.
type ecPrivateKey struct {
	Version    int
	PrivateKey []byte
	Curve      asn1.ObjectIdentifier `asn1:"optional,explicit,tag:0"`
	PublicKey  asn1.BitString        `asn1:"optional,explicit,tag:1"`
}

// MarshalPrivateKeyPEM writes an RSA key as "RSA PRIVATE KEY" (PKCS #1) and
// an EC key on any curve of lds.Curves as "EC PRIVATE KEY" (SEC 1). It is
// for test PKIs and fixtures, which keep their keys in the repository.
func MarshalPrivateKeyPEM(key crypto.Signer) ([]byte, error) {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}), nil
	case *ecdsa.PrivateKey:
		c, ok := lds.CurveOf(k.Curve)
		if !ok {
			return nil, fmt.Errorf("%w: curve %s", lds.ErrUnsupportedKey, k.Curve.Params().Name)
		}
		size := (k.Curve.Params().N.BitLen() + 7) / 8
		point := elliptic.Marshal(k.Curve, k.X, k.Y)
		der, err := asn1.Marshal(ecPrivateKey{Version: 1, PrivateKey: k.D.FillBytes(make([]byte, size)), Curve: c.OID,
			PublicKey: asn1.BitString{Bytes: point, BitLength: 8 * len(point)}})
		if err != nil {
			return nil, err
		}
		return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), nil
	}
	return nil, fmt.Errorf("%w: %T", lds.ErrUnsupportedKey, key)
}

// ParsePrivateKeyPEM reads the first private key block of b: "RSA PRIVATE
// KEY", "EC PRIVATE KEY" (any curve of lds.Curves) or "PRIVATE KEY"
// (PKCS #8, RSA and NIST curves).
func ParsePrivateKeyPEM(b []byte) (crypto.Signer, error) {
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			return nil, fmt.Errorf("%w: no private key block", ErrPrivateKey)
		}
		switch blk.Type {
		case "RSA PRIVATE KEY":
			k, err := x509.ParsePKCS1PrivateKey(blk.Bytes)
			if err != nil {
				return nil, fmt.Errorf("%w: %w", ErrPrivateKey, err)
			}
			return k, nil
		case "EC PRIVATE KEY":
			return parseECPrivateKey(blk.Bytes)
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
			if err != nil {
				return nil, fmt.Errorf("%w: %w", ErrPrivateKey, err)
			}
			s, ok := k.(crypto.Signer)
			if !ok {
				return nil, fmt.Errorf("%w: %T cannot sign", ErrPrivateKey, k)
			}
			return s, nil
		}
	}
}

func parseECPrivateKey(der []byte) (*ecdsa.PrivateKey, error) {
	var k ecPrivateKey
	if rest, err := asn1.Unmarshal(der, &k); err != nil || len(rest) != 0 || k.Version != 1 {
		return nil, fmt.Errorf("%w: ECPrivateKey", ErrPrivateKey)
	}
	c, ok := lds.CurveByOID(k.Curve)
	if !ok {
		return nil, fmt.Errorf("%w: curve %v", lds.ErrUnsupportedKey, k.Curve)
	}
	d := new(big.Int).SetBytes(k.PrivateKey)
	if d.Sign() <= 0 || d.Cmp(c.Curve.Params().N) >= 0 {
		return nil, fmt.Errorf("%w: scalar out of range", ErrPrivateKey)
	}
	priv := &ecdsa.PrivateKey{D: d}
	priv.Curve = c.Curve
	priv.X, priv.Y = c.Curve.ScalarBaseMult(k.PrivateKey)
	return priv, nil
}

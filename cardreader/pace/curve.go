package pace

import (
	"crypto/elliptic"
	"errors"
	"fmt"
	"io"
	"math/big"

	"github.com/ProtonMail/go-crypto/brainpool"

	"motcua/cardreader/internal/bp256"
	"motcua/cardreader/internal/ecutil"
)

// Standardized domain parameter IDs of ICAO 9303 Part 11 §9.5.1 (Table 6)
// that this package supports.
const (
	ParamNISTP256        = 12 // secp256r1
	ParamBrainpoolP256r1 = 13
	ParamNISTP384        = 15 // secp384r1
	ParamBrainpoolP384r1 = 16
	ParamBrainpoolP512r1 = 17
	ParamNISTP521        = 18 // secp521r1
)

// Curve returns the elliptic curve of a standardized domain parameter ID.
func Curve(parameterID int) (elliptic.Curve, error) {
	switch parameterID {
	case ParamNISTP256:
		return elliptic.P256(), nil
	case ParamBrainpoolP256r1:
		// The fast implementation; brainpool.P256r1 is its reference in tests.
		return bp256.P256r1(), nil
	case ParamNISTP384:
		return elliptic.P384(), nil
	case ParamBrainpoolP384r1:
		return brainpool.P384r1(), nil
	case ParamBrainpoolP512r1:
		return brainpool.P512r1(), nil
	case ParamNISTP521:
		return elliptic.P521(), nil
	}
	return nil, fmt.Errorf("%w: domain parameter ID %d", ErrUnsupported, parameterID)
}

// ErrInvalidPoint reports a public key that is not a point on the curve, or
// is the point at infinity. Accepting one would leak the private key.
var ErrInvalidPoint = errors.New("pace: invalid public key point")

// point is an affine point; (0, 0) stands for the point at infinity, as in
// crypto/elliptic.
type point struct{ x, y *big.Int }

func (p point) infinity() bool { return p.x.Sign() == 0 && p.y.Sign() == 0 }

// encodePoint is the uncompressed encoding 04 || X || Y (BSI TR-03111
// §3.2.1), each coordinate padded to the field size.
func encodePoint(c elliptic.Curve, p point) []byte { return ecutil.EncodePoint(c, p.x, p.y) }

// decodePoint parses an uncompressed point and checks that it lies on the
// curve and is not the point at infinity.
func decodePoint(c elliptic.Curve, b []byte) (point, error) {
	x, y, err := ecutil.DecodePoint(c, b)
	if err != nil {
		return point{}, fmt.Errorf("%w: %v", ErrInvalidPoint, err)
	}
	return point{x, y}, nil
}

// generator is the curve's base point G.
func generator(c elliptic.Curve) point { return point{c.Params().Gx, c.Params().Gy} }

// mul returns k·p. The caller has validated p. Multiples of the curve's
// own generator go through ScalarBaseMult, which for brainpoolP256r1 (bp256)
// uses a precomputed table: a quarter of the work. Both are constant time
// in k on bp256 and on the NIST curves of crypto/elliptic.
func mul(c elliptic.Curve, p point, k []byte) point {
	if gx, gy := c.Params().Gx, c.Params().Gy; p.x.Cmp(gx) == 0 && p.y.Cmp(gy) == 0 {
		x, y := c.ScalarBaseMult(k)
		return point{x, y}
	}
	x, y := c.ScalarMult(p.x, p.y, k)
	return point{x, y}
}

// add returns p+q.
func add(c elliptic.Curve, p, q point) point {
	x, y := c.Add(p.x, p.y, q.x, q.y)
	return point{x, y}
}

// keyPair is an ephemeral key pair on a given generator.
type keyPair struct {
	priv []byte
	pub  point
}

func newKeyPair(c elliptic.Curve, g point, r io.Reader) (keyPair, error) {
	k, err := ecutil.RandomScalar(c, r)
	if err != nil {
		return keyPair{}, fmt.Errorf("pace: %w", err)
	}
	return keyPair{priv: k, pub: mul(c, g, k)}, nil
}

// wipe clears the private key.
func (k *keyPair) wipe() { clear(k.priv) }

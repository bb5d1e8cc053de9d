package ecutil

import (
	"crypto/elliptic"
	"errors"
	"fmt"
	"io"
	"math/big"
)

// ErrInvalidPoint reports bytes that are not an uncompressed point on the
// curve, or that encode the point at infinity. Accepting such a point from
// the other side would leak the private key.
var ErrInvalidPoint = errors.New("invalid EC point")

// ErrRandom reports a random source that failed or kept giving scalars out
// of range.
var ErrRandom = errors.New("random key")

// ByteLen is the size in bytes of one coordinate of c.
func ByteLen(c elliptic.Curve) int { return (c.Params().BitSize + 7) / 8 }

// EncodePoint returns 04 || X || Y, each coordinate padded to the field size.
func EncodePoint(c elliptic.Curve, x, y *big.Int) []byte {
	n := ByteLen(c)
	out := make([]byte, 1+2*n)
	out[0] = 4
	x.FillBytes(out[1 : 1+n])
	y.FillBytes(out[1+n:])
	return out
}

// DecodePoint parses an uncompressed point and checks that its coordinates
// are field elements, that it lies on c and that it is not the point at
// infinity. Errors wrap ErrInvalidPoint.
func DecodePoint(c elliptic.Curve, b []byte) (x, y *big.Int, err error) {
	n := ByteLen(c)
	if len(b) != 1+2*n || b[0] != 4 {
		return nil, nil, fmt.Errorf("%w: %d bytes, want %d uncompressed", ErrInvalidPoint, len(b), 1+2*n)
	}
	x, y = new(big.Int).SetBytes(b[1:1+n]), new(big.Int).SetBytes(b[1+n:])
	P := c.Params().P
	if x.Cmp(P) >= 0 || y.Cmp(P) >= 0 || (x.Sign() == 0 && y.Sign() == 0) || !c.IsOnCurve(x, y) {
		return nil, nil, fmt.Errorf("%w: not on the curve", ErrInvalidPoint)
	}
	return x, y, nil
}

// RandomScalar draws a private key uniformly from [1, n-1] by rejection
// sampling whole order-size strings from r. With a deterministic reader the
// keys are reproducible, which worked-example tests rely on. Errors wrap
// ErrRandom.
func RandomScalar(c elliptic.Curve, r io.Reader) ([]byte, error) {
	N := c.Params().N
	b := make([]byte, (N.BitLen()+7)/8)
	k := new(big.Int)
	for range 100 {
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrRandom, err)
		}
		if excess := len(b)*8 - N.BitLen(); excess > 0 {
			b[0] &= 0xFF >> excess
		}
		if k.SetBytes(b); k.Sign() > 0 && k.Cmp(N) < 0 {
			return b, nil
		}
	}
	return nil, fmt.Errorf("%w: source keeps giving out-of-range values", ErrRandom)
}

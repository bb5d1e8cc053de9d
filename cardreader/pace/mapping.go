package pace

import (
	"crypto/elliptic"
	"fmt"
)

// mapGenerator is the ECDH Generic Mapping (ICAO 9303 Part 11 §4.4.3.3.1):
// G' = s·G + H with H = SK_map · PK_map of the other side. Both sides get
// the same G' because H is their shared ECDH point.
func mapGenerator(c elliptic.Curve, nonce, mapPriv []byte, otherMap point) (point, error) {
	h := mul(c, otherMap, mapPriv)
	if h.infinity() {
		return point{}, fmt.Errorf("%w: mapping gives the point at infinity", ErrInvalidPoint)
	}
	g := add(c, mul(c, generator(c), nonce), h)
	if g.infinity() {
		return point{}, fmt.Errorf("%w: mapped generator is the point at infinity", ErrInvalidPoint)
	}
	return g, nil
}

// agree checks the other side's ephemeral public key and derives the
// session keys from the shared point. The keys must differ: a chip or a
// terminal that echoes our own key back is refused (§4.4.3.3.2).
func agree(c elliptic.Curve, alg Algorithm, own keyPair, otherEnc []byte) (kenc, kmac []byte, err error) {
	other, err := decodePoint(c, otherEnc)
	if err != nil {
		return nil, nil, err
	}
	if other.x.Cmp(own.pub.x) == 0 && other.y.Cmp(own.pub.y) == 0 {
		return nil, nil, fmt.Errorf("%w: other side sent our own ephemeral key", ErrInvalidPoint)
	}
	shared := mul(c, other, own.priv)
	if shared.infinity() {
		return nil, nil, fmt.Errorf("%w: shared secret is the point at infinity", ErrInvalidPoint)
	}
	kenc, kmac = sessionKeys(alg, c, shared)
	return kenc, kmac, nil
}

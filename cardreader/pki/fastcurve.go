package pki

import (
	"crypto/ecdsa"

	"motcua/cardreader/internal/bp256"
)

// fastKey returns k on motcua/cardreader/internal/bp256 when k is a
// brainpoolP256r1 key (the curve of Vietnamese Document Signer keys), and k
// itself otherwise. crypto/ecdsa verifies keys on curves it does not know
// with the curve's own ScalarBaseMult, ScalarMult and Add, so the swap
// turns go-crypto's generic big.Int arithmetic into bp256's.
func fastKey(k *ecdsa.PublicKey) *ecdsa.PublicKey {
	fast := bp256.P256r1()
	if k.Curve == nil || k.Curve == fast || k.X == nil || k.Y == nil {
		return k
	}
	p, f := k.Curve.Params(), fast.Params()
	if p.Name != f.Name || p.P.Cmp(f.P) != 0 || p.N.Cmp(f.N) != 0 || p.Gx.Cmp(f.Gx) != 0 || p.Gy.Cmp(f.Gy) != 0 {
		return k
	}
	if !fast.IsOnCurve(k.X, k.Y) {
		return k // let the generic code refuse it
	}
	return &ecdsa.PublicKey{Curve: fast, X: k.X, Y: k.Y}
}

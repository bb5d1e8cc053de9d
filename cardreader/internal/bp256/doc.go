// Package bp256 is a fast brainpoolP256r1 (RFC 5639) behind the
// crypto/elliptic.Curve interface: Montgomery field arithmetic on four
// 64-bit limbs and Jacobian coordinates, about forty times faster than the
// generic big.Int arithmetic of crypto/elliptic that
// github.com/ProtonMail/go-crypto/brainpool relies on. PACE on a CCCD
// spends nearly all its CPU time in scalar multiplications on this curve,
// and passive authentication checks brainpoolP256r1 signatures with it.
//
// ScalarMult and ScalarBaseMult are constant time in the scalar, which is
// secret in PACE (the nonce mapping and the ephemeral keys): fixed 4-bit
// windows, one addition per digit whatever its value, table entries
// selected by scanning the whole table with masks, the exceptional cases
// of point addition ruled out by the structure of the ladder or masked,
// and scalars reduced modulo n without branching. Field arithmetic has no
// data-dependent branches (the inversion's exponent is the public p-2).
// What is not constant time: scalars longer than 32 bytes (reduced with
// math/big; no caller passes them), the conversion of the result to
// big.Int that the crypto/elliptic interface imposes, and Add and Double,
// which branch on their (public) points.
package bp256

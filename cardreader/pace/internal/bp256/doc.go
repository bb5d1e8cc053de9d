// Package bp256 is a fast brainpoolP256r1 (RFC 5639) behind the
// crypto/elliptic.Curve interface: Montgomery field arithmetic on four
// 64-bit limbs and Jacobian coordinates, about forty times faster than the
// generic big.Int arithmetic of crypto/elliptic that
// github.com/ProtonMail/go-crypto/brainpool relies on. PACE on a CCCD
// spends nearly all its CPU time in scalar multiplications on this curve.
//
// It is not constant time (the window lookups and the special cases of
// point addition branch on secret data). PACE and Chip Authentication use
// it only with ephemeral keys on the host and with test keys in the
// virtual chip.
package bp256

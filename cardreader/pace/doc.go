// Package pace implements PACE (Password Authenticated Connection
// Establishment, ICAO 9303 Part 11 §4.4) with ECDH Generic Mapping and AES
// session keys, on both sides of the link: Terminal is the host, Chip the
// card.
//
// Both sides are transport-agnostic state machines that exchange the data
// field of MSE:SET AT and the dynamic authentication data objects (tag 7C)
// of the four chained GENERAL AUTHENTICATE commands; Establish runs the
// terminal over an iso7816.Transport. A successful run yields the session
// keys KSenc and KSmac for secure messaging with a send sequence counter of
// zero.
//
// Elliptic curves come from crypto/elliptic (NIST), internal/bp256 (a
// fast brainpoolP256r1, the CCCD curve) and
// github.com/ProtonMail/go-crypto/brainpool (the other Brainpool curves).
// Generic Mapping needs point addition on a mapped generator, which
// crypto/ecdh does not offer, so the deprecated crypto/elliptic.Curve
// interface is used; the Brainpool code is not constant time. The keys are
// ephemeral and the PACE password is low-entropy by design, so this is an
// accepted trade-off for a desk reader.
package pace

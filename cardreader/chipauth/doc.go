// Package chipauth implements Chip Authentication version 1 (ICAO 9303
// Part 11 §6.2) with ECDH keys, host and card side: the chip proves it
// holds the private key whose public half sits in DG14, which the SOD
// signs. A chip cloned together with its signed files cannot do that.
//
// The host sends an ephemeral public key under the running secure
// messaging (MSE:SET KAT for 3DES; MSE:SET AT and GENERAL AUTHENTICATE for
// AES); both sides derive new session keys from the ECDH secret and restart
// secure messaging with a send sequence counter of zero. Authentication is
// implicit: only the genuine chip can answer the next command under the new
// keys.
package chipauth

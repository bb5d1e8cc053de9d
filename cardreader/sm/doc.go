// Package sm is ICAO 9303 secure messaging (Part 11 §9.8): it wraps command
// APDUs and unwraps response APDUs with the send sequence counter, on both
// the host side (WrapCommand, UnwrapResponse) and the card side
// (UnwrapCommand, WrapResponse), so the reader and the virtual chip share one
// implementation.
//
// The cipher suite is pluggable: 3DES with the ISO/IEC 9797-1 retail MAC and
// an 8-byte counter (after BAC), or AES with IV = E(KSenc, SSC), AES-CMAC
// truncated to 8 bytes and a 16-byte counter (after PACE or Chip
// Authentication). DeriveKey is the key derivation function of Part 11 §9.7.1
// that BAC, PACE and CA all use.
package sm

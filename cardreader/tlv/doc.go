// Package tlv reads and writes BER-TLV as ICAO 9303 and ISO 7816-4 use it:
// tags of one to four bytes, definite lengths in the short form or the long
// forms 81, 82 and 83.
//
// Indefinite lengths, lengths of four or more bytes and values that run past
// the end of the input are refused with sentinel errors, so a reader can tell
// a truncated file from a malformed one. Decoding does not copy: the Value of
// a TLV is a slice of the input.
package tlv

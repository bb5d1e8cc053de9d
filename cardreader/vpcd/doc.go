// Package vpcd is the card side of vsmartcard's virtual PC/SC reader: it
// dials the vpcd driver inside pcscd and serves any iso7816.Card to it, so a
// virtual chip looks like a real card to every PC/SC application.
//
// The wire protocol (vsmartcard vpcd.c): each message is a big-endian uint16
// length and a payload. A 1-byte payload from pcscd is a control code:
// 00 power off, 01 power on, 02 reset (none has a reply), 04 get ATR (the
// reply is the ATR). A longer payload is a command APDU and the reply is the
// response APDU. A reply of length 0, or closing the socket, tells pcscd the
// card was removed; dialing in again is inserting a card.
//
// Debian's vpcd writes the length and the payload with two send calls; with
// Nagle on its side and delayed ACKs on ours, every APDU would wait ~40 ms.
// The client re-arms TCP_QUICKACK before every read, which brings a round
// trip down to well under a millisecond (see docs/reference/platform-notes.md §4).
package vpcd

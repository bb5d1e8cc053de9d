// Package pcsc connects the card reader to real PC/SC readers (ACR122U,
// ACR1252U, any CCID reader, or vsmartcard's virtual reader) through pcscd
// and github.com/ebfe/scard. It is the only cgo code in cardreader.
//
// A Card implements iso7816.Transport, so the ICAO 9303 host side runs the
// same over a USB reader as over the in-process virtual chip. Transmit
// hides the T=0 leftovers of ISO 7816-4: it fetches 61xx data with GET
// RESPONSE and re-sends a command with the Le a card asks for in 6Cxx.
//
// Watch turns SCardGetStatusChange into a channel of insert and remove
// events for the UI, and re-establishes its PC/SC context when pcscd
// restarts or a reader is unplugged.
//
// Errors are sentinels (ErrNoReader, ErrReaderGone, ErrSharingViolation,
// ErrServiceNotRunning, iso7816.ErrNoCard, iso7816.ErrCardRemoved) wrapped
// with the PC/SC code, so callers use errors.Is and the UI translates.
package pcsc

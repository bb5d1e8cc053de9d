// Package pcsccard is the session's CardSource on a real PC/SC reader (or
// the virtual card served through pcscd and vpcd). It is apart from package
// adapt because PC/SC needs cgo; the screens and their tests do not.
//
// A real card opens only with keys derived from its printed QR code (ID,
// date of birth, issue date), so a read starts from a scanned QR; without
// one the screen asks for it.
package pcsccard

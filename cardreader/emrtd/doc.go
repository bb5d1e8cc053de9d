// Package emrtd is the ICAO 9303 host side: it opens a Vietnamese identity
// card's eMRTD application over any iso7816.Transport, reads its files with
// as few APDUs as the card allows, verifies them (passive and active
// authentication) and builds a cardreader.Reading.
//
// # Access
//
// Opening the chip is an Access step: BAC (access.go) and PACE (pace.go),
// each a type implementing Access. Read tries
// Options.Access in order (by default PACE, then BAC); a step that returns ErrAccessUnsupported
// (the card or the key does not offer it) passes to the next one, any other
// error ends the read. Every Access must leave the eMRTD application
// selected and secure messaging installed (Session.SetSecureMessaging).
//
// # Chip Authentication
//
// Chip Authentication plugs in through Options.ChipAuth (or the package's
// default, DefaultChipAuth, set in chipauth.go); without one the Chip check
// is reported as not checked.
//
// # Reading files
//
// Session.ReadFile selects an EF (P2=0C) and reads it with the fewest READ
// BINARY commands the card allows: the first asks for a full Le, the TLV
// header in its answer gives the file's size, the rest comes in full-Le
// chunks (offsets above 32767 with the odd INS B1). Le is 256 unless
// Options.MaxLe says otherwise (extended length above 256, or AutoLe to
// follow the card's ATR). 6Cxx is answered with the card's length, 6700
// lowers Le for the rest of the session, and a card that drops secure
// messaging over an extended APDU is opened again and read with short ones.
//
// Errors never carry personal data: they name the step, the file and the
// status word.
package emrtd

// Package emrtd is the ICAO 9303 host side: it opens a Vietnamese identity
// card's eMRTD application over any iso7816.Transport, reads its files with
// as few APDUs as the card allows, verifies them (passive and active
// authentication) and builds a cardreader.Reading.
//
// # Access
//
// Opening the chip is an Access step: BAC here, PACE beside it (added by the
// PACE work as another Access in its own file). Read tries
// Options.Access in order; a step that returns ErrAccessUnsupported
// (the card or the key does not offer it) passes to the next one, any other
// error ends the read. Every Access must leave the eMRTD application
// selected and secure messaging installed (Session.SetSecureMessaging).
//
// # Chip Authentication
//
// Chip Authentication plugs in through Options.ChipAuth (or the package's
// default, DefaultChipAuth); until one is set, the Chip check is reported
// as not checked.
package emrtd

// Package vchip is a virtual eMRTD chip: the card side of ICAO 9303 for a
// Vietnamese identity card, in pure Go. It answers raw command APDUs
// (iso7816.Card) from a file system of LDS files, runs BAC and secure
// messaging with the host, signs Active Authentication challenges, and can
// misbehave on purpose (Faults) so that every failure path of a reader is
// tested without hardware.
//
// # Adding commands
//
// Commands are dispatched by INS through one explicit table, handlers in
// card.go (no init-time registration, so the whole command set is read in
// one place). To add one (for example GENERAL AUTHENTICATE 0x86 for PACE),
// write the method in a file of its own and add its row:
//
//	insGA: {h: (*Card).generalAuthenticate, chainable: true},
//
// where the method has the handler signature
//
//	func (c *Card) generalAuthenticate(cmd iso7816.Command) iso7816.Response
//
// A handler sees the plain command (already unwrapped from secure
// messaging when it came protected; c.Secure() says so), keeps its own
// state with c.State and c.SetState (dropped on Reset), and installs new
// session keys with c.StartSession, which takes effect after the current
// response is sent.
package vchip

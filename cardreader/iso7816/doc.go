// Package iso7816 is the smart-card wire layer: command and response APDUs
// (short and extended length), status words as typed errors, and the
// Transport seam that every reader (PC/SC, in-process virtual chip) plugs into.
//
// It knows nothing of passports or identity cards; the ICAO 9303 logic lives
// above it and talks only to a Transport.
package iso7816

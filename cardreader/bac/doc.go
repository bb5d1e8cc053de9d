// Package bac is Basic Access Control (ICAO 9303 Part 11 §4.3): the key seed
// from the MRZ information (document number, date of birth, date of expiry
// with their check digits), the host's mutual authentication (GET
// CHALLENGE, EXTERNAL AUTHENTICATE) and the card's side of it, both ending
// in a 3DES secure messaging session (package sm).
package bac

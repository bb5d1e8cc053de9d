// Package simreader reads a virtual card in process: it builds the chip of
// a fixture from seeds/cards (files signed by the test PKI in seeds/pki),
// opens it with the key a kiosk derives from the holder's ID, date of birth
// and card expiry (as from the QR code), and runs the real reader
// (package emrtd) against it. The kiosk's --sim mode, the UI's demo card
// and the benchmarks use it; cmd/cardsim serves the same chip over vpcd
// with NewCard.
//
// Every function that takes a fixture path also takes a shipped fixture's
// name ("nguyen-van-an", "faults/tamper-dg13"); see seeds.Fixture.
package simreader

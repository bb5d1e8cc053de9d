// Package lds reads and builds the files of an ICAO 9303 Logical Data
// Structure as a Vietnamese CCCD chip holds them: EF.COM, DG1 (TD1 MRZ), DG2
// (face image), DG14 and EF.CardAccess (SecurityInfos), DG15 (Active
// Authentication public key) and EF.SOD (the signed list of data group
// hashes). DG13, the Vietnamese data group, lives in package cccd.
//
// Parsing is for bytes that came off a card and so never trusts a length;
// building is for the virtual chip and test fixtures. Checking signatures
// against a trust store is package pki's job; this package only decodes and,
// when building, signs.
package lds

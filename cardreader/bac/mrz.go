package bac

import (
	"crypto/sha1"

	"motcua/cardreader/cccd"
	"motcua/cardreader/lds"
	"motcua/cardreader/sm"
)

// MRZInfo is the part of the MRZ the BAC key comes from. Fields are as they
// appear in the MRZ, without check digits.
type MRZInfo struct {
	DocumentNumber string // for a CCCD: the last 9 digits of the 12-digit ID
	DateOfBirth    string // YYMMDD
	DateOfExpiry   string // YYMMDD
}

// NewMRZInfo builds the MRZ information of a Vietnamese card from its
// 12-digit ID, the holder's date of birth and the card's expiry.
//
// A card that never expires ("Không thời hạn", holders past 60) prints
// lds.NoExpiryMRZ (991231) with its normal check digit, as real cards do.
// A partial birth date has no public specimen: ICAO 9303 Part 3 §4.6
// fills unknown parts with '<' (YY<<<<, YYMM<<); the virtual chip uses the
// same rule; check against a real card.
func NewMRZInfo(id string, dob, expiry cccd.Date, noExpiry bool) MRZInfo {
	m := MRZInfo{DocumentNumber: cccd.DocumentNumber(id), DateOfBirth: lds.MRZDate(dob)}
	if noExpiry || expiry.IsZero() {
		m.DateOfExpiry = lds.NoExpiryMRZ
	} else {
		m.DateOfExpiry = lds.MRZDate(expiry)
	}
	return m
}

// WithFillerExpiry returns m with the expiry written as fillers (<<<<<<,
// check digit '<'): the form we once guessed for a no-expiry card, kept as
// the last key candidate in case some card does use it.
func (m MRZInfo) WithFillerExpiry() MRZInfo {
	m.DateOfExpiry = lds.FillerDate
	return m
}

// String is the MRZ information the key seed hashes: document number, date
// of birth and date of expiry, each followed by its check digit. A document
// number shorter than 9 characters is padded with '<'.
func (m MRZInfo) String() string {
	doc := m.DocumentNumber
	for len(doc) < 9 {
		doc += "<"
	}
	b := make([]byte, 0, len(doc)+1+7+7)
	b = append(b, doc...)
	b = append(b, lds.CheckDigit(doc))
	b = append(b, m.DateOfBirth...)
	b = append(b, lds.CheckDigit(m.DateOfBirth))
	b = append(b, m.DateOfExpiry...)
	b = append(b, lds.FieldCheck(m.DateOfExpiry))
	return string(b)
}

// KeySeed is Kseed = SHA-1(MRZ information)[0:16].
func KeySeed(mrzInfo string) []byte {
	h := sha1.Sum([]byte(mrzInfo))
	return h[:16]
}

// Keys derives the BAC keys KEnc and KMac from the key seed.
func Keys(seed []byte) (kenc, kmac []byte) {
	return sm.DeriveKey(seed, sm.CounterEnc, sm.TDES), sm.DeriveKey(seed, sm.CounterMAC, sm.TDES)
}

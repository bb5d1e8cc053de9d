package bac

import (
	"crypto/sha1"
	"fmt"
	"strings"

	"motcua/cardreader/cccd"
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
// Two cases have no public specimen, so the encoding is our choice, taken
// from ICAO 9303 Part 3 §4.6 (unknown parts of a date are filled with '<'):
// a year-only birth date is written YY<<<<, and a card that never expires
// ("Không thời hạn", holders past 60) has expiry <<<<<<. The virtual chip
// uses the same rule, so it is self-consistent; check against real cards.
func NewMRZInfo(id string, dob, expiry cccd.Date, noExpiry bool) MRZInfo {
	m := MRZInfo{DocumentNumber: cccd.DocumentNumber(id), DateOfBirth: MRZDate(dob)}
	if noExpiry || expiry.IsZero() {
		m.DateOfExpiry = "<<<<<<"
	} else {
		m.DateOfExpiry = MRZDate(expiry)
	}
	return m
}

// MRZDate writes a date as YYMMDD, or YY<<<< when only the year is known.
func MRZDate(d cccd.Date) string {
	if d.IsZero() {
		return "<<<<<<"
	}
	if d.YearOnly() {
		return fmt.Sprintf("%02d<<<<", d.Year%100)
	}
	return fmt.Sprintf("%02d%02d%02d", d.Year%100, d.Month, d.Day)
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
	b = append(b, CheckDigit(doc))
	b = append(b, m.DateOfBirth...)
	b = append(b, CheckDigit(m.DateOfBirth))
	b = append(b, m.DateOfExpiry...)
	b = append(b, fieldCheck(m.DateOfExpiry))
	return string(b)
}

// fieldCheck is the check digit of an MRZ field, except that a field of
// nothing but fillers gets a filler as its check digit: how lds writes the
// expiry of a card that does not expire in DG1, so the key here and the one
// from a DG1 agree. (Our choice, like the <<<<<< itself; check real cards.)
func fieldCheck(s string) byte {
	if strings.Trim(s, "<") == "" {
		return '<'
	}
	return CheckDigit(s)
}

// CheckDigit is the ICAO 9303 Part 3 §4.9 check digit: weights 7, 3, 1
// repeating; digits count as themselves, A-Z as 10-35, '<' (and anything
// else) as 0; the sum modulo 10.
func CheckDigit(s string) byte {
	weights := [3]int{7, 3, 1}
	sum := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		var v int
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		}
		sum += v * weights[i%3]
	}
	return byte('0' + sum%10)
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

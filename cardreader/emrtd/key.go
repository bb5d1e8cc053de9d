package emrtd

import (
	"motcua/cardreader/bac"
	"motcua/cardreader/cccd"
)

// Key is the access material for one card: the MRZ information for BAC and
// the CAN for PACE. For a CCCD all of it follows from the 12-digit ID, the
// date of birth and the expiry (KeyFromID), so a kiosk derives it from the
// QR code and the clerk types nothing.
type Key struct {
	DocumentNumber string    // last 9 digits of the ID
	DateOfBirth    cccd.Date // may be year-only
	Expiry         cccd.Date // zero when NoExpiry
	NoExpiry       bool      // "Không thời hạn": expiry 991231 in the MRZ
	// FillerExpiry writes a no-expiry card's expiry as <<<<<< (check digit
	// '<') instead of 991231: the last candidate, in case a card uses it.
	FillerExpiry bool
	CAN          string // last 6 digits of the ID; "" when unknown
}

// KeyFromID builds the key of a Vietnamese card from its 12-digit ID.
func KeyFromID(id string, dob, expiry cccd.Date, noExpiry bool) Key {
	return Key{
		DocumentNumber: cccd.DocumentNumber(id),
		DateOfBirth:    dob,
		Expiry:         expiry,
		NoExpiry:       noExpiry,
		CAN:            cccd.CAN(id),
	}
}

// MRZInfo is the BAC key material (see bac.NewMRZInfo for the year-only
// and no-expiry encodings).
func (k Key) MRZInfo() bac.MRZInfo {
	m := bac.NewMRZInfo("", k.DateOfBirth, k.Expiry, k.NoExpiry)
	m.DocumentNumber = k.DocumentNumber
	if k.NoExpiry && k.FillerExpiry {
		m = m.WithFillerExpiry()
	}
	return m
}

// HasMRZ reports whether the key holds BAC material.
func (k Key) HasMRZ() bool { return k.DocumentNumber != "" && !k.DateOfBirth.IsZero() }

// String hides the key: it is personal data.
func (k Key) String() string { return "emrtd.Key{…}" }

// GoString hides the key from %#v too.
func (k Key) GoString() string { return k.String() }

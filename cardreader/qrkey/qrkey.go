package qrkey

import (
	"context"
	"errors"
	"strings"
	"time"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/cardreader/emrtd"
	"motcua/cardreader/iso7816"
)

// Keys returns the access keys worth trying for the card q was printed on,
// best first. When the card may not expire (the holder was 60 or more at
// issue, or it was issued within two years before the 60th birthday) the
// first key is the no-expiry one with 991231, as real cards print it; then
// the expiry the validity rules give and the other milestone birthdays;
// last the no-expiry key with <<<<<<, a form no real card is known to use.
// Every key carries the CAN, so a PACE card opens at the first.
func Keys(q cccd.QRData) []emrtd.Key {
	expiries, noExpiry := cccd.PlausibleExpiries(q.DateOfBirth, q.IssueDate)
	keys := make([]emrtd.Key, 0, len(expiries)+2)
	none := emrtd.KeyFromID(q.ID, q.DateOfBirth, cccd.Date{}, true)
	if noExpiry {
		keys = append(keys, none)
	}
	for _, e := range expiries {
		keys = append(keys, emrtd.KeyFromID(q.ID, q.DateOfBirth, e, false))
	}
	if noExpiry {
		none.FillerExpiry = true
		keys = append(keys, none)
	}
	return keys
}

// ErrNoKey reports that the chip refused every key derived from the QR: the
// QR belongs to another card, or the card's expiry follows no rule we know.
// The clerk then types the expiry from the card's back.
var ErrNoKey = errors.New("qrkey: the chip refused every key derived from the QR code")

// Read opens the chip behind t with keys derived from q and reads it with
// opts (whose Key is ignored). The Reading's CrossCheck lists the fields
// where the QR and the chip disagree. Attempts says how many keys were
// tried.
func Read(ctx context.Context, t iso7816.Transport, q cccd.QRData, opts emrtd.Options) (r *cardreader.Reading, attempts int, err error) {
	for i, key := range Keys(q) {
		opts.Key = key
		if i == 1 && opts.Access == nil {
			// PACE with the CAN does not depend on the expiry: if the
			// first attempt did not open the chip, only BAC is worth
			// retrying with the other expiries.
			opts.Access = []emrtd.Access{emrtd.BAC{Rand: opts.Rand}}
		}
		r, err = emrtd.Read(ctx, t, opts)
		attempts = i + 1
		if err == nil {
			r.CrossCheck = CrossCheck(q, r.Citizen)
			return r, attempts, nil
		}
		if !errors.Is(err, emrtd.ErrAccessDenied) {
			return nil, attempts, err
		}
	}
	return nil, attempts, ErrNoKey
}

// CrossCheck compares each field the QR carries with the chip's, after
// normalising text (NFC, spacing, letter case). It names the fields that
// differ by their JSON names in cccd.Citizen; never their values.
func CrossCheck(q cccd.QRData, chip cccd.Citizen) *cardreader.CrossCheck {
	mismatches := []string{}
	text := func(name, a, b string) {
		if !strings.EqualFold(cccd.NormalizeText(a), cccd.NormalizeText(b)) {
			mismatches = append(mismatches, name)
		}
	}
	text("id", q.ID, chip.ID)
	text("oldId", q.OldID, chip.OldID)
	text("fullName", q.FullName, chip.FullName)
	if q.DateOfBirth != chip.DateOfBirth {
		mismatches = append(mismatches, "dateOfBirth")
	}
	if q.Sex != chip.Sex {
		mismatches = append(mismatches, "sex")
	}
	text("placeOfResidence", q.Address, chip.PlaceOfResidence)
	if q.IssueDate != chip.IssueDate {
		mismatches = append(mismatches, "issueDate")
	}
	return &cardreader.CrossCheck{Mismatches: mismatches}
}

// Unverified is the reason every check carries in a QR-only Reading.
const Unverified = "QR only: data is unverified"

// Reading makes a QR-only Reading: the QR's fields as the citizen, source
// "qr", and every verification check not-checked, since a QR proves
// nothing.
func Reading(q cccd.QRData, now time.Time) *cardreader.Reading {
	check := cardreader.Check{Status: cardreader.StatusNotChecked, Code: "qr-only", Reason: Unverified}
	return &cardreader.Reading{
		Source:     cardreader.SourceQR,
		Generation: cccd.CCCD2021, // only the 2021 card's QR format is known
		Citizen:    q.Citizen(),
		Verification: cardreader.Verification{
			Passive: check,
			Active:  check,
			Chip:    check,
		},
		ReadAt: now,
	}
}

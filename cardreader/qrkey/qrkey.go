package qrkey

import (
	"context"
	"errors"
	"maps"
	"slices"
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
			r.QRFields, r.QRExtra = q.Fields(), q.Extra
			r.Warnings = append(IDWarnings(q), r.Warnings...)
			return r, attempts, nil
		}
		if !errors.Is(err, emrtd.ErrAccessDenied) {
			return nil, attempts, err
		}
	}
	return nil, attempts, ErrNoKey
}

// CrossCheck compares each field the QR carries (the card field table's
// rows with a QR position within the payload) with the chip's, after
// normalising text (NFC, spacing, letter case). It names the fields that
// differ by their JSON names in cccd.Citizen; never their values.
func CrossCheck(q cccd.QRData, chip cccd.Citizen) *cardreader.CrossCheck {
	mismatches := []string{}
	qc := q.Citizen()
	byPos := map[int]*cccd.CardField{}
	for i := range cccd.CardFields {
		if f := &cccd.CardFields[i]; f.QR != 0 && !f.Implied && f.Carried(false, q.Fields()) {
			byPos[f.QR] = f
		}
	}
	for _, pos := range slices.Sorted(maps.Keys(byPos)) { // in QR order
		f := byPos[pos]
		if !strings.EqualFold(f.Value(&qc, cccd.GenerationUnknown), f.Value(&chip, cccd.GenerationUnknown)) {
			mismatches = append(mismatches, f.JSONName())
		}
	}
	return &cardreader.CrossCheck{Mismatches: mismatches}
}

// IDWarnings turns the QR's ID-number disagreements into warnings: the ID
// stays for life while birth data gets corrected, so the chip decides.
func IDWarnings(q cccd.QRData) []cardreader.Warning {
	var out []cardreader.Warning
	for _, p := range q.Warnings {
		switch p {
		case cccd.IDSexMismatch:
			out = append(out, cardreader.Warning{Code: "id-sex-digit", Field: "citizen.id", Reason: "the ID number's century/sex digit disagrees with the sex"})
		case cccd.IDYearMismatch:
			out = append(out, cardreader.Warning{Code: "id-year-digits", Field: "citizen.id", Reason: "the ID number's year digits disagree with the birth date"})
		}
	}
	if q.Repaired != cccd.RepairNone {
		out = append(out, cardreader.Warning{Code: "qr-repaired", Reason: "the scanner sent UTF-8 read as " + string(q.Repaired) + "; repaired"})
	}
	return out
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
		Generation: q.Generation(), // from the issue date: Căn cước from 1 July 2024
		Citizen:    q.Citizen(),
		QRFields:   q.Fields(),
		QRExtra:    q.Extra,
		Warnings:   IDWarnings(q),
		Verification: cardreader.Verification{
			Passive: check,
			Active:  check,
			Chip:    check,
		},
		ReadAt: now,
	}
}

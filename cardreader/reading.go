package cardreader

import (
	"time"

	"motcua/cardreader/cccd"
)

// Source says where a Reading's data came from.
type Source string

const (
	SourceChip Source = "chip" // read from the chip over secure messaging
	SourceQR   Source = "qr"   // only the printed QR code: unsigned, unverified
)

// AccessProtocol is how the chip was opened.
type AccessProtocol string

const (
	AccessNone AccessProtocol = ""     // not opened (QR only)
	AccessBAC  AccessProtocol = "BAC"  // Basic Access Control, 3DES secure messaging
	AccessPACE AccessProtocol = "PACE" // PACE, AES secure messaging
)

// Reading is everything one read of a card produced. It holds personal data:
// call Wipe when the citizen leaves.
type Reading struct {
	Source       Source          `json:"source"`
	Generation   cccd.Generation `json:"generation"`
	Access       AccessProtocol  `json:"access,omitempty"`
	Citizen      cccd.Citizen    `json:"citizen"`
	Photo        Photo           `json:"photo"`
	MRZ          string          `json:"mrz,omitempty"`
	Verification Verification    `json:"verification"`
	CrossCheck   *CrossCheck     `json:"crossCheck,omitempty"`
	// Warnings are things the clerk should know that do not stop the read
	// (an ID number whose digits disagree with the birth data, DG13
	// oddities). None holds personal data.
	Warnings []Warning `json:"warnings,omitempty"`
	// DG13Version is the version INTEGER of the chip's DG13 (0 for a QR).
	DG13Version int `json:"dg13Version,omitempty"`
	// QRFields is how many '|'-separated fields the QR had (7 on the 2021
	// card, more on the 2024 card); 0 for a chip read.
	QRFields int `json:"qrFields,omitempty"`
	// QRExtra holds the QR's fields past the seventh, as read (NFC).
	QRExtra []string  `json:"qrExtra,omitempty"`
	Stats   Stats     `json:"stats"`
	ReadAt  time.Time `json:"readAt"`
}

// Photo is the face image from DG2.
type Photo struct {
	Format string `json:"format,omitempty"` // "jpeg" or "jpeg2000"; "" when absent
	Width  int    `json:"width,omitempty"`  // 0 when not decoded (JPEG 2000)
	Height int    `json:"height,omitempty"`
	Data   []byte `json:"-"` // the encoded image; left out of JSON
}

// Verification reports each check on its own; they are never folded into one bool.
type Verification struct {
	// Passive is passive authentication: every data group's hash matches the
	// SOD, the SOD is signed by a Document Signer, and that signer chains to a
	// trusted CSCA.
	Passive Check `json:"passive"`
	// Active is active authentication (DG15, INTERNAL AUTHENTICATE): the chip
	// holds the private key whose public half is in the signed DG15.
	Active Check `json:"active"`
	// Chip is chip authentication (DG14): the chip proves its DG14 key.
	Chip Check `json:"chip"`
	// MRZ compares DG1 (the MRZ: ID, birth date, sex, expiry) with DG13.
	// Both are signed, so a disagreement is the issuer's error or a forgery
	// with a valid signature: failed, code CodeMRZMismatch, evidence
	// "fields" naming the fields, never the values.
	MRZ Check `json:"mrz"`
}

// CodeMRZMismatch is the MRZ check's code when DG1 and DG13 disagree.
const CodeMRZMismatch = "mrz-dg13-mismatch"

// All returns every check, so a verdict that looks for a failure sees them all.
func (v Verification) All() []Check { return []Check{v.Passive, v.Active, v.Chip, v.MRZ} }

// Trusted reports whether the data came from a genuine chip: passive
// authentication passed, no anti-clone check failed, and DG1 agrees with
// DG13.
func (v Verification) Trusted() bool {
	return v.Passive.Status == StatusPassed && v.Active.Status != StatusFailed && v.Chip.Status != StatusFailed && v.MRZ.Status != StatusFailed
}

// AntiClone is what may be said of the chip being genuine. Active and Chip
// Authentication prove the chip holds the private key of DG15 or DG14, but
// only passive authentication ties those keys to the state's signature: a
// clone with its own key pair and its own DG15 passes them. So it is
// passed only when one of them passed and passive authentication passed;
// failed when one failed; not checked when they passed but passive
// authentication did not (Code says why: the passive check's code, e.g.
// "no-trust-anchor"); unsupported when the card offers neither.
func (v Verification) AntiClone() Check {
	switch {
	case v.Active.Status == StatusFailed:
		return v.Active
	case v.Chip.Status == StatusFailed:
		return v.Chip
	case v.Active.Status != StatusPassed && v.Chip.Status != StatusPassed:
		return Check{Status: StatusUnsupported, Code: "anticlone-unsupported", Reason: "neither active nor chip authentication passed"}
	case v.Passive.Status == StatusPassed:
		return Check{Status: StatusPassed, Reason: "the chip proved a key the state's signature covers"}
	}
	return Check{Status: StatusNotChecked, Code: v.Passive.Code, Reason: "the chip's key is not tied to the state's signature: passive authentication did not pass"}
}

// Warning is a non-blocking remark on a Reading.
type Warning struct {
	// Code is stable and translated by the UI, e.g. "id-sex-digit",
	// "id-year-digits", "dg13-unparsed".
	Code string `json:"code"`
	// Field names the card field concerned (a card path), never its value.
	Field string `json:"field,omitempty"`
	// Reason is a short English explanation without personal data.
	Reason string `json:"reason,omitempty"`
}

// CheckStatus is the outcome of one verification check.
type CheckStatus string

const (
	StatusPassed      CheckStatus = "passed"
	StatusFailed      CheckStatus = "failed"
	StatusUnsupported CheckStatus = "unsupported" // the card does not offer it
	StatusNotChecked  CheckStatus = "not-checked" // could not be checked (no trust anchor, QR only, not yet built)
)

// Check is one verification result with its reason.
type Check struct {
	Status CheckStatus `json:"status"`
	// Code is a stable machine-readable reason the UI translates, e.g.
	// "hash-mismatch", "unknown-csca", "ds-expired", "bad-signature", "aa-failed".
	Code string `json:"code,omitempty"`
	// Reason is a short English explanation for logs and testers. It never
	// contains personal data.
	Reason string `json:"reason,omitempty"`
	// Evidence holds what the check looked at: algorithm names, the signer's
	// subject, which data groups were hashed. No personal data.
	Evidence map[string]string `json:"evidence,omitempty"`
}

// CrossCheck compares a QR payload with the chip it opened.
type CrossCheck struct {
	// Mismatches name each field that differs between QR and chip (e.g.
	// "fullName"), never the values. Empty when they agree.
	Mismatches []string `json:"mismatches"`
}

// Stats describes the cost of the read.
type Stats struct {
	APDUs    int           `json:"apdus"`
	Bytes    int           `json:"bytes"` // command plus response bytes on the wire
	Duration time.Duration `json:"durationNs"`
}

// Wipe overwrites the photo bytes and drops every reference to personal data.
// Go strings cannot be overwritten in place; dropping them lets the collector
// reclaim them, and the photo (the largest and most sensitive part) is zeroed.
func (r *Reading) Wipe() {
	clear(r.Photo.Data)
	*r = Reading{}
}

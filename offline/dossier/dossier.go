package dossier

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"time"
)

// Provenance says where a value came from.
type Provenance string

const (
	FromChip  Provenance = "chip-verified" // read from a chip that passed passive authentication; locked
	FromQR    Provenance = "qr-unverified" // from the printed QR code only
	Typed     Provenance = "typed"         // entered by the citizen or the clerk
	FromStaff Provenance = "system"        // filled by the kiosk or receiving office
)

// Value is one form value with where it came from.
type Value struct {
	Value      string     `json:"value"`
	Provenance Provenance `json:"provenance"`
}

// Verification summarises how an applicant's identity was established.
type Verification struct {
	Source  string `json:"source"`           // "chip" or "qr"
	Access  string `json:"access,omitempty"` // "BAC" or "PACE"
	Passive string `json:"passive"`          // check status: passed, failed, unsupported, not-checked
	Active  string `json:"active"`
	Chip    string `json:"chip"`
}

// Applicant is a person in the dossier: the requester, a spouse, a parent, a
// household member. Role names the form block they fill (e.g. "requester",
// "husband", "wife", "father", "mother", "member").
type Applicant struct {
	Role         string           `json:"role"`
	ID           string           `json:"id"` // 12-digit personal ID
	FullName     string           `json:"fullName"`
	Values       map[string]Value `json:"values,omitempty"`
	Verification Verification     `json:"verification"`
	// Addresses says, by value key, how an address read from the card was
	// converted to the units after 1 July 2025: Values holds the address
	// used, Addresses[key].Card the card's text and Rule how.
	Addresses map[string]AddressConversion `json:"addresses,omitempty"`
}

// Attachment is a supporting document, stored and sent by content hash.
type Attachment struct {
	Key    string `json:"key"`    // the catalog's attachment key
	Name   string `json:"name"`   // file name shown to people
	Type   string `json:"type"`   // media type, e.g. application/pdf
	SHA256 string `json:"sha256"` // hex
	Size   int64  `json:"size"`
	// Pages is the page count of a scanned document (a PDF dossier part);
	// 0 when unknown. DocType is the document type's name as the catalog
	// gives it.
	Pages   int    `json:"pages,omitempty"`
	DocType string `json:"docType,omitempty"`
}

// Dossier is one application for one procedure, built at the kiosk.
type Dossier struct {
	ID            string           `json:"id"` // generated at the kiosk (UUIDv7); the idempotency key
	ProcedureCode string           `json:"procedureCode"`
	ProcedureName string           `json:"procedureName"`
	Applicants    []Applicant      `json:"applicants"`
	Values        map[string]Value `json:"values"` // field key -> value, for fields not tied to one applicant
	Attachments   []Attachment     `json:"attachments,omitempty"`
	LinkedTo      string           `json:"linkedTo,omitempty"` // ID of the dossier this one follows in a bundle
	BundleID      string           `json:"bundleId,omitempty"`
	CreatedAt     time.Time        `json:"createdAt"`
	KioskID       string           `json:"kioskId"`
	CounterID     string           `json:"counterId,omitempty"`
	ClerkID       string           `json:"clerkId,omitempty"`
	// ProcessingDays is the procedure's legal processing time in working
	// days (from the catalog), from which the receipt's appointment date is
	// computed. Zero means unknown; the portal then sets no appointment.
	ProcessingDays int `json:"processingDays,omitempty"`
}

// Canonical returns the dossier's canonical JSON: keys sorted at every level
// (encoding/json sorts map keys; struct fields are in declaration order, which
// is fixed), attachments sorted by key then hash, times in UTC with
// nanoseconds, no insignificant white space. Equal dossiers give equal bytes.
func (d Dossier) Canonical() ([]byte, error) {
	c := d
	c.CreatedAt = d.CreatedAt.UTC()
	c.Attachments = append([]Attachment(nil), d.Attachments...)
	sort.Slice(c.Attachments, func(i, j int) bool {
		a, b := c.Attachments[i], c.Attachments[j]
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		return a.SHA256 < b.SHA256
	})
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(c); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// Hash is the hex SHA-256 of the canonical JSON: what the kiosk keeps after
// the personal data is deleted, and what the portal's receipt can be matched on.
func (d Dossier) Hash() (string, error) {
	b, err := d.Canonical()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// Requester is the dossier's requester: the applicant with role
// "requester", else the first applicant; nil when there is none.
func (d *Dossier) Requester() *Applicant {
	for i := range d.Applicants {
		if d.Applicants[i].Role == "requester" {
			return &d.Applicants[i]
		}
	}
	if len(d.Applicants) > 0 {
		return &d.Applicants[0]
	}
	return nil
}

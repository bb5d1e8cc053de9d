package cccd

import "golang.org/x/text/unicode/norm"

// Sex as recorded on the card.
type Sex int

const (
	SexUnknown Sex = iota
	Male
	Female
)

// Vietnamese returns the card's wording: "Nam" or "Nữ".
func (s Sex) Vietnamese() string {
	switch s {
	case Male:
		return "Nam"
	case Female:
		return "Nữ"
	}
	return ""
}

// MRZ returns the ICAO letter: M, F or <.
func (s Sex) MRZ() byte {
	switch s {
	case Male:
		return 'M'
	case Female:
		return 'F'
	}
	return '<'
}

// ParseSex reads "Nam"/"Nữ" (any case, with or without diacritics, NFC or
// NFD), "M"/"F", "male"/"female".
func ParseSex(s string) (Sex, bool) {
	switch Fold(s) {
	case "nam", "m", "male":
		return Male, true
	case "nu", "f", "female":
		return Female, true
	}
	return SexUnknown, false
}

// MarshalText writes "male", "female" or "".
func (s Sex) MarshalText() ([]byte, error) {
	switch s {
	case Male:
		return []byte("male"), nil
	case Female:
		return []byte("female"), nil
	}
	return []byte(""), nil
}

// UnmarshalText reads what MarshalText writes (and the card's own words).
func (s *Sex) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*s = SexUnknown
		return nil
	}
	v, ok := ParseSex(string(b))
	if !ok {
		return ErrBadSex
	}
	*s = v
	return nil
}

// Citizen is the resident data a card carries about its holder. Text is
// Unicode NFC. Every field may be empty when the source (QR, an older chip)
// does not carry it.
type Citizen struct {
	ID               string `json:"id"`              // 12-digit personal ID number
	OldID            string `json:"oldId,omitempty"` // former 9-digit (or 12-digit) CMND
	FullName         string `json:"fullName"`
	DateOfBirth      Date   `json:"dateOfBirth"`
	Sex              Sex    `json:"sex"`
	Nationality      string `json:"nationality,omitempty"`
	Ethnicity        string `json:"ethnicity,omitempty"`
	Religion         string `json:"religion,omitempty"`
	PlaceOfOrigin    string `json:"placeOfOrigin,omitempty"` // quê quán (2024 card: nơi đăng ký khai sinh)
	PlaceOfResidence string `json:"placeOfResidence"`        // nơi thường trú (2024 card: nơi cư trú)
	IdentifyingMarks string `json:"identifyingMarks,omitempty"`
	IssueDate        Date   `json:"issueDate"`
	ExpiryDate       Date   `json:"expiryDate"`         // zero when NoExpiry
	NoExpiry         bool   `json:"noExpiry,omitempty"` // "Không thời hạn": holder past the last milestone
	Father           string `json:"father,omitempty"`
	Mother           string `json:"mother,omitempty"`
	Spouse           string `json:"spouse,omitempty"`
	// Unparsed holds the fields the card carries but the reader could not
	// read, by card path ("citizen.dateOfBirth"): the rest of the card is
	// read all the same, and the form asks for just these.
	Unparsed map[string]Unparsed `json:"unparsed,omitempty"`
}

// Normalize puts every text field in Unicode NFC and trims stray spaces, so
// names compare equal whatever form the source used.
// The text fields are the card field table's.
func (c *Citizen) Normalize() {
	for i := range CardFields {
		if f := &CardFields[i]; f.text != nil {
			p := f.text(c)
			*p = NormalizeText(*p)
		}
	}
}

// NormalizeText returns s in NFC with surrounding white space removed and
// inner runs of white space folded to one space.
func NormalizeText(s string) string {
	s = norm.NFC.String(s)
	out := make([]rune, 0, len(s))
	space := false
	for _, r := range s {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u00a0' {
			space = len(out) > 0
			continue
		}
		if space {
			out = append(out, ' ')
			space = false
		}
		out = append(out, r)
	}
	return string(out)
}

package dossier

// AddressConversion records how an address read from a card was brought to
// the administrative units after 1 July 2025 (see kiosk/address): the card's
// text, the new unit, and the rule; the address used is the applicant's
// value under the same key. The receiving office sees both, and which rule
// made one from the other.
type AddressConversion struct {
	Card   string `json:"card"`             // the text as on the card
	Status string `json:"status"`           // converted, ambiguous, already-new, unmatched
	Rule   string `json:"rule"`             // ward-merged, ward-split, district-whole, ward-province, new-form, none
	Unit   string `json:"unit,omitempty"`   // the new unit's name ("Phường An Lạc, Thành phố Hồ Chí Minh")
	UnitID string `json:"unitId,omitempty"` // the conversion table's ID of the new unit
	// Candidates lists the possible new units while the choice is still
	// open (an old ward split across several); empty once chosen.
	Candidates []string `json:"candidates,omitempty"`
}

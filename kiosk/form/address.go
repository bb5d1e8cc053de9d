package form

import (
	"errors"

	"motcua/kiosk/address"
	"motcua/kiosk/catalog"
	"motcua/offline/dossier"
)

// addressPaths are the card paths whose value is an address to bring to the
// units after 1 July 2025. The place of origin (quê quán) is a record of
// where a family comes from, written as on the card, so it is not converted.
var addressPaths = map[string]bool{"citizen.placeOfResidence": true}

// Errors from choosing among an address's candidates.
var (
	ErrNoAddressChoice = errors.New("form: this value has no address choice to make")
	ErrNotCandidate    = errors.New("form: not one of the address's candidates")
)

// convertAddress brings a card address filled into e to the new units and
// keeps how: Value becomes the converted address; an ambiguous one keeps the
// card's text until ChooseAddress settles it; an unmatched one stays as on
// the card, flagged in Value.Address.
func convertAddress(sf *catalog.Field, e *entry) {
	if !addressPaths[sf.Prefill] || e.Value.Value == "" {
		return
	}
	r := address.Convert(e.Value.Value)
	e.Value.Address = &r
	e.Value.Value = r.Text
}

// ChooseAddress settles an ambiguous converted address at path on one of its
// candidates, by unit ID: the one-tap choice when an old ward was split. It
// works on a locked (chip-verified) value too, since it picks among the
// card's own conversions rather than typing.
func (f *Form) ChooseAddress(path, unitID string) error {
	e := f.entry(path, false)
	if e == nil {
		return ErrUnknownField
	}
	if e.Value.Address == nil || e.Value.Address.Status != address.Ambiguous {
		return ErrNoAddressChoice
	}
	r, ok := e.Value.Address.Choose(unitID)
	if !ok {
		return ErrNotCandidate
	}
	e.Value.Address = &r
	e.Value.Value = r.Text
	f.changed()
	return nil
}

// conversion is the dossier's record of a value's address conversion, or
// nil when the value was not converted (typed, or not an address).
func conversion(v Value) *dossier.AddressConversion {
	r := v.Address
	if r == nil || v.Value != r.Text {
		return nil // typed over since
	}
	c := &dossier.AddressConversion{Card: r.Card, Status: string(r.Status), Rule: string(r.Rule)}
	if r.New != nil {
		c.Unit, c.UnitID = r.New.Name+", "+r.New.Province.Name, r.New.ID
	}
	if r.Status == address.Ambiguous {
		for _, u := range r.Candidates {
			c.Candidates = append(c.Candidates, u.Name+", "+u.Province.Name)
		}
	}
	return c
}

// recordAddress adds a value's address conversion to the applicant.
func recordAddress(a *dossier.Applicant, key string, e *entry) {
	if e == nil {
		return
	}
	if c := conversion(e.Value); c != nil {
		if a.Addresses == nil {
			a.Addresses = map[string]dossier.AddressConversion{}
		}
		a.Addresses[key] = *c
	}
}

package session

import (
	"fmt"
	"maps"
	"slices"

	"motcua/kiosk/form"
	"motcua/offline/dossier"
)

// ChooseAddress settles a converted address among its candidates: the
// one-tap choice on the form screen. The clerk never retypes the address.
// It returns form.ErrNoAddressChoice when the value has no choice to make
// and form.ErrNotCandidate for a unit that is not one of its candidates.
func (s *Session) ChooseAddress(path, unitID string) error {
	s.mu.Lock()
	if s.state != StateForm || s.form == nil {
		st := s.state
		s.mu.Unlock()
		return fmt.Errorf("%w: choose an address in %s", ErrState, st)
	}
	err := s.form.ChooseAddress(path, unitID)
	s.lastTouch = s.cfg.Now()
	s.warning = false
	s.mu.Unlock()
	if err == nil {
		s.changed()
	}
	return err
}

// ChooseAddress settles the address at path (a bundle step's "slug:path")
// on the candidate unit, then carries the value forward in a bundle.
func (x *Intake) ChooseAddress(path, unitID string) error {
	s, rest, ok := x.split(path)
	if !ok {
		return form.ErrUnknownField
	}
	err := s.f.ChooseAddress(rest, unitID)
	x.in.Flow()
	return err
}

// receiptAddress is the address the slip shows for the applicant with id:
// the first address the kiosk converted from that applicant's card (by
// value key), and the card's text when the conversion changed it.
func receiptAddress(d dossier.Dossier, id string) (filed, card string) {
	for _, a := range d.Applicants {
		if a.ID != id || len(a.Addresses) == 0 {
			continue
		}
		k := slices.Min(slices.Collect(maps.Keys(a.Addresses)))
		c := a.Addresses[k]
		filed = a.Values[k].Value
		if filed != c.Card {
			card = c.Card
		}
		return filed, card
	}
	return "", ""
}

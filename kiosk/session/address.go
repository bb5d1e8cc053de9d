package session

import (
	"errors"
	"fmt"
	"sort"

	"motcua/offline/dossier"
)

// AddressChooser is implemented by a Form whose card addresses were
// converted to the units after 1 July 2025 and may need a choice: an old
// ward split across several new ones. It is separate from Form so forms
// without addresses need not implement it.
type AddressChooser interface {
	// ChooseAddress settles the address at path on the candidate unit.
	ChooseAddress(path, unitID string) error
}

// ErrNoAddressChoice reports a form that offers no address choice.
var ErrNoAddressChoice = errors.New("session: the form offers no address choice")

// ChooseAddress settles a converted address among its candidates: the
// one-tap choice on the form screen. The clerk never retypes the address.
func (s *Session) ChooseAddress(path, unitID string) error {
	s.mu.Lock()
	if s.state != StateForm || s.form == nil {
		st := s.state
		s.mu.Unlock()
		return fmt.Errorf("%w: choose an address in %s", ErrState, st)
	}
	ch, ok := s.form.(AddressChooser)
	if !ok {
		s.mu.Unlock()
		return ErrNoAddressChoice
	}
	err := ch.ChooseAddress(path, unitID)
	s.lastTouch = s.cfg.Now()
	s.warning = false
	s.mu.Unlock()
	if err == nil {
		s.changed()
	}
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
		keys := make([]string, 0, len(a.Addresses))
		for k := range a.Addresses {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		c := a.Addresses[keys[0]]
		filed = a.Values[keys[0]].Value
		if filed != c.Card {
			card = c.Card
		}
		return filed, card
	}
	return "", ""
}

package session

import (
	"errors"
	"fmt"
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

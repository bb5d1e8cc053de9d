package adapt

import (
	"motcua/kiosk/form"
	"motcua/kiosk/session"
)

var (
	_ session.AddressChooser = (*Form)(nil)
	_ session.AddressChooser = (*Bundle)(nil)
)

// ChooseAddress implements session.AddressChooser.
func (a *Form) ChooseAddress(path, unitID string) error {
	return a.f.ChooseAddress(path, unitID)
}

// ChooseAddress implements session.AddressChooser for a bundle step's
// field ("slug:path"), then carries the value forward.
func (b *Bundle) ChooseAddress(path, unitID string) error {
	s, rest, ok := b.split(path)
	if !ok {
		return form.ErrUnknownField
	}
	err := s.ChooseAddress(rest, unitID)
	b.in.Flow()
	return err
}

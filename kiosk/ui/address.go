package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"motcua/kiosk/address"
	"motcua/kiosk/session"
)

// addressNote says under a card address how it was brought to the units
// after 1 July 2025: converted (with the card's text), split (the new units
// as one-tap buttons; nobody retypes the address), or not converted. It
// returns nil for an address already in the new form or not from a card.
func (a *App) addressNote(fd session.Field) fyne.CanvasObject {
	r := fd.Address
	if r == nil {
		return nil
	}
	note := func(key string, imp widget.Importance, args ...any) *widget.Label {
		l := noteLabel(a.T(key, args...))
		l.Importance = imp
		return l
	}
	switch r.Status {
	case address.Converted:
		return note("address.converted", widget.LowImportance, r.Card)
	case address.Unmatched:
		return note("address.unmatched", widget.WarningImportance)
	case address.Ambiguous:
		box := container.NewVBox(note("address.split", widget.WarningImportance, r.Card))
		path := fd.Path
		for _, c := range r.Candidates {
			id := c.ID
			b := a.button(c.Name+", "+c.Province.Name, theme.ConfirmIcon(), func() {
				if a.s.ChooseAddress(path, id) == nil {
					a.notify(true) // the value changed under a built screen
				}
			})
			box.Add(a.touch(b))
		}
		return box
	}
	return nil
}

// residence is the identity panel's residence line: the address converted
// to the new units, and how, under it.
func (a *App) residence(card string) (value, note string) {
	r := address.Convert(card)
	switch r.Status {
	case address.Converted:
		return r.Text, a.T("address.converted", card)
	case address.Ambiguous:
		return card, a.T("address.split.identity")
	case address.Unmatched:
		return card, a.T("address.unmatched")
	}
	return card, ""
}

// noteLabel is a small wrapped line under a value.
func noteLabel(text string) *widget.Label {
	l := wrapped(text)
	l.Importance = widget.LowImportance
	return l
}

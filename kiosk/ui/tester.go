package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Tester is the development build's menu for the simulated reader: it
// places another card on it, so every journey with two cards (marriage,
// a guest's stay, a birth) can be walked in `make run`. Production builds
// leave it nil and show no menu.
type Tester struct {
	Cards []string          // fixture names ("tran-thi-binh", "faults/cloned-chip")
	Place func(name string) // puts that card on the simulated reader
}

// showTester opens the list of cards to place.
func (a *App) showTester() {
	tt := a.o.Tester
	if tt == nil {
		return
	}
	var pop *widget.PopUp
	list := container.NewVBox()
	for _, n := range tt.Cards {
		name := n
		b := widget.NewButton(name, func() {
			pop.Hide()
			tt.Place(name)
			a.setMsg("")
			a.mu.Lock()
			a.placed = name
			a.mu.Unlock()
			a.buildTop()
		})
		b.Alignment = widget.ButtonAlignLeading
		list.Add(b)
	}
	close := widget.NewButtonWithIcon(a.T("indicators.close"), theme.CancelIcon(), func() { pop.Hide() })
	box := container.NewBorder(container.NewVBox(heading(a.T("tester.title")), wrapped(a.T("tester.help"))), close, nil, nil,
		container.NewVScroll(list))
	pop = widget.NewModalPopUp(box, a.w.Canvas())
	pop.Resize(fyne.NewSize(460, 520))
	pop.Show()
}

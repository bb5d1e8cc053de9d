package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// scrub empties every text and image in a screen that is being thrown away
// at the end of a visit. Fyne keeps the renderers of discarded widgets in a
// cache for a while (a minute by default, FYNE_CACHE sets it); emptying the
// widgets first, and refreshing them so their renderers follow, leaves no
// name, ID number or photo reachable from that cache.
func scrub(o fyne.CanvasObject) {
	switch v := o.(type) {
	case nil:
	case *fyne.Container:
		for _, c := range v.Objects {
			scrub(c)
		}
	case *container.Scroll:
		scrub(v.Content)
	case *container.Split:
		scrub(v.Leading)
		scrub(v.Trailing)
	case *widget.PopUp:
		scrub(v.Content)
	case *widget.Label:
		v.SetText("")
	case *TextField:
		v.OnChanged = nil
		v.SetText("")
	case *widget.Entry:
		v.OnChanged = nil
		v.SetText("")
	case *widget.Check:
		v.OnChanged = nil
		v.Text = ""
		v.Refresh()
	case *Choice:
		v.OnChanged = nil
		v.Options = nil
		v.ClearSelected()
	case *widget.Select:
		v.OnChanged = nil
		v.Options = nil
		v.ClearSelected()
	case *canvas.Text:
		v.Text = ""
		v.Refresh()
	case *canvas.Image:
		v.Image, v.Resource, v.File = nil, nil, ""
		v.Refresh()
	}
}

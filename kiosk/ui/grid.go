package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// natural is the width o takes on one line: a wrapping label's MinSize is
// one character wide, which would fold the label column to nothing.
func natural(o fyne.CanvasObject) float32 {
	if l, ok := o.(*widget.Label); ok && l.Wrapping != fyne.TextWrapOff {
		return fyne.MeasureText(l.Text, theme.TextSize(), l.TextStyle).Width + 2*theme.InnerPadding()
	}
	return o.MinSize().Width
}

// grid lays a form out as the paper form reads: one label column for the
// whole form, one value column beside it, and full-width rows (section and
// person headings, notes) between them. The value column stops at
// MaxValueWidth, so a wide screen does not get 1300-pixel inputs.
type grid struct {
	objs []fyne.CanvasObject
	full map[fyne.CanvasObject]bool
	// shared is the label column of the whole sheet the grid is part of,
	// so every grid of one form puts its values at the same x.
	shared *labelCol
}

// MaxValueWidth is the widest a form's value column grows.
const MaxValueWidth = 680

// maxLabelWidth bounds the label column (longer labels wrap in their cell).
const maxLabelWidth = 300

func newGrid() *grid { return &grid{full: map[fyne.CanvasObject]bool{}} }

// row adds a label and its value.
func (g *grid) row(label, value fyne.CanvasObject) {
	g.objs = append(g.objs, label, value)
}

// span adds a full-width row.
func (g *grid) span(o fyne.CanvasObject) {
	g.objs = append(g.objs, o)
	g.full[o] = true
}

// container returns the laid-out grid.
func (g *grid) container() *fyne.Container {
	return &fyne.Container{Layout: g, Objects: g.objs}
}

// lw is the label column's width: the sheet's when the grid is part of one.
func (g *grid) lw(objs []fyne.CanvasObject) float32 {
	if g.shared != nil {
		return g.shared.width()
	}
	return g.labelWidth(objs)
}

func (g *grid) labelWidth(objs []fyne.CanvasObject) float32 {
	var w float32
	for i := 0; i < len(objs); i++ {
		if g.full[objs[i]] {
			continue
		}
		w = max(w, natural(objs[i]))
		i++ // skip the value
	}
	return min(w, maxLabelWidth)
}

// Layout implements fyne.Layout.
func (g *grid) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	lw := g.lw(objs)
	vw := min(size.Width-lw-pad, MaxValueWidth)
	var y float32
	for i := 0; i < len(objs); i++ {
		o := objs[i]
		if g.full[o] {
			h := o.MinSize().Height
			o.Move(fyne.NewPos(0, y))
			o.Resize(fyne.NewSize(min(size.Width, lw+pad+vw), h))
			y += h + pad
			continue
		}
		if i+1 >= len(objs) {
			break
		}
		v := objs[i+1]
		o.Resize(fyne.NewSize(lw, o.MinSize().Height))
		v.Resize(fyne.NewSize(vw, v.MinSize().Height))
		h := max(o.MinSize().Height, v.MinSize().Height)
		o.Resize(fyne.NewSize(lw, h))
		v.Resize(fyne.NewSize(vw, h))
		o.Move(fyne.NewPos(0, y))
		v.Move(fyne.NewPos(lw+pad, y))
		y += h + pad
		i++
	}
}

// MinSize implements fyne.Layout.
func (g *grid) MinSize(objs []fyne.CanvasObject) fyne.Size {
	pad := theme.Padding()
	lw := g.lw(objs)
	var w, h float32
	for i := 0; i < len(objs); i++ {
		o := objs[i]
		if g.full[o] {
			h += o.MinSize().Height + pad
			continue
		}
		if i+1 >= len(objs) {
			break
		}
		v := objs[i+1].MinSize()
		w = max(w, lw+pad+v.Width)
		h += max(o.MinSize().Height, v.Height) + pad
		i++
	}
	return fyne.NewSize(w, h)
}

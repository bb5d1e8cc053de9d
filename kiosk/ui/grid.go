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
	// keys names a row by its label: the field it shows, so that the rows of
	// two parties side by side can be lined up (pairLayout).
	keys map[fyne.CanvasObject]string
	// shared is the label column of the whole sheet the grid is part of,
	// so every grid of one form puts its values at the same x.
	shared *labelCol
}

// MaxValueWidth is the widest a form's value column grows.
const MaxValueWidth = 680

// maxLabelWidth bounds the label column (longer labels wrap in their cell).
const maxLabelWidth = 300

func newGrid() *grid {
	return &grid{full: map[fyne.CanvasObject]bool{}, keys: map[fyne.CanvasObject]string{}}
}

// row adds a label and its value.
func (g *grid) row(label, value fyne.CanvasObject) {
	g.objs = append(g.objs, label, value)
}

// keyed adds a label and its value as the row of the field key.
func (g *grid) keyed(key string, label, value fyne.CanvasObject) {
	g.row(label, value)
	g.keys[label] = key
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

// line is one line of a grid: a full-width object (value nil), or a label
// and its value. key says which line it is, to match it with the same line
// of another grid: the field's key for a keyed row, else its place ("the
// second full-width line", "the third row").
type line struct {
	key          lineKey
	label, value fyne.CanvasObject
}

// lineKey names a line: a keyed row by its field, other lines by their
// kind and place (a struct, so the layout's hot path makes no strings).
type lineKey struct {
	kind  lineKind
	field string // keyed rows
	n     int    // other rows and spans: the how-manyth
}

type lineKind uint8

const (
	keyedRow lineKind = iota
	placedRow
	spanLine
)

func (g *grid) lines() []line {
	var out []line
	spans, rows := 0, 0
	for i := 0; i < len(g.objs); i++ {
		o := g.objs[i]
		if g.full[o] {
			out = append(out, line{key: lineKey{kind: spanLine, n: spans}, label: o})
			spans++
			continue
		}
		if i+1 >= len(g.objs) {
			break
		}
		key := lineKey{kind: placedRow, n: rows}
		if field, ok := g.keys[o]; ok {
			key = lineKey{kind: keyedRow, field: field}
		}
		rows++
		out = append(out, line{key: key, label: o, value: g.objs[i+1]})
		i++
	}
	return out
}

// cols are the widths of a grid's columns: the labels', the values', and a
// full-width line's.
type cols struct{ label, value, full float32 }

// colsFor are the columns of a grid width wide.
func (g *grid) colsFor(width float32) cols {
	lw := g.lw()
	vw := min(width-lw-theme.Padding(), MaxValueWidth)
	return cols{label: lw, value: vw, full: min(width, lw+theme.Padding()+vw)}
}

// measure is how tall l is in columns c: wrapping text takes the width
// first, then says its height.
func (l line) measure(c cols) float32 {
	if l.value == nil {
		l.label.Resize(fyne.NewSize(c.full, l.label.MinSize().Height))
		return l.label.MinSize().Height
	}
	l.label.Resize(fyne.NewSize(c.label, l.label.MinSize().Height))
	l.value.Resize(fyne.NewSize(c.value, l.value.MinSize().Height))
	return max(l.label.MinSize().Height, l.value.MinSize().Height)
}

// place puts l at x, y, h tall, in columns c.
func (l line) place(c cols, x, y, h float32) {
	if l.value == nil {
		l.label.Move(fyne.NewPos(x, y))
		l.label.Resize(fyne.NewSize(c.full, h))
		return
	}
	l.label.Move(fyne.NewPos(x, y))
	l.label.Resize(fyne.NewSize(c.label, h))
	l.value.Move(fyne.NewPos(x+c.label+theme.Padding(), y))
	l.value.Resize(fyne.NewSize(c.value, h))
}

// lw is the label column's width: the sheet's when the grid is part of one.
func (g *grid) lw() float32 {
	if g.shared != nil {
		return g.shared.width()
	}
	return g.labelWidth()
}

func (g *grid) labelWidth() float32 {
	var w float32
	for _, l := range g.lines() {
		if l.value != nil {
			w = max(w, natural(l.label))
		}
	}
	return min(w, maxLabelWidth)
}

// Layout implements fyne.Layout.
func (g *grid) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	g.layoutAt(0, size.Width)
}

// layoutAt lays the grid out from y, width wide, and returns its height.
func (g *grid) layoutAt(y, width float32) float32 {
	c := g.colsFor(width)
	top := y
	for _, l := range g.lines() {
		h := l.measure(c)
		l.place(c, 0, y, h)
		y += h + theme.Padding()
	}
	return y - top
}

// MinSize implements fyne.Layout.
func (g *grid) MinSize(_ []fyne.CanvasObject) fyne.Size {
	pad := theme.Padding()
	lw := g.lw()
	var w, h float32
	for _, l := range g.lines() {
		h += l.minHeight() + pad
		if l.value != nil {
			w = max(w, lw+pad+l.value.MinSize().Width)
		}
	}
	return fyne.NewSize(w, h)
}

// minHeight is l's height at the width it was last laid out with.
func (l line) minHeight() float32 {
	if l.value == nil {
		return l.label.MinSize().Height
	}
	return max(l.label.MinSize().Height, l.value.MinSize().Height)
}

package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"motcua/kiosk/catalog"
	"motcua/kiosk/session"
)

// A table of typed rows (the criminal-record request's residence history)
// is drawn as the paper form prints it: one header line with the column
// names, one line per row, a "remove" button at the end of each line and
// "add a line" under the table.

// cellsOf returns the cells of the table at path, in row order.
func cellsOf(fields []session.Field, path string) []session.Field {
	var out []session.Field
	for _, fd := range fields {
		if fd.Table == path {
			out = append(out, fd)
		}
	}
	return out
}

// columnWeight is a column's share of the table's width: short for dates,
// wide for addresses and long texts.
func columnWeight(fd *catalog.Field) float32 {
	switch {
	case fd.Type == catalog.TypeDate:
		return 1.2
	case fd.Type == catalog.TypeAddress:
		return 3
	case fd.MaxLength >= 200:
		return 2.2
	}
	return 1.6
}

// tableInput is one editable cell of a table on the form.
type tableInput struct {
	path  string
	focus fyne.Focusable
}

// tableEditor draws the table head on the form with an editor in every
// cell, and returns the cells that take the cursor.
func (a *App) tableEditor(head session.Field, cells []session.Field, kb *keyboard) (fyne.CanvasObject, []tableInput) {
	cols := head.Spec.Fields
	rowLine := a.tableLines(cols)
	box := container.NewVBox(a.tableTitle(head), a.tableHeader(cols, true, rowLine))
	var inputs []tableInput
	for row := 0; row < head.Rows; row++ {
		line := make([]fyne.CanvasObject, 0, len(cols)+1)
		for _, cell := range cells {
			if cell.Row != row {
				continue
			}
			a.helps[cell.Path] = cell.Help
			errLb := widget.NewLabel(cell.Error)
			errLb.Importance = widget.DangerImportance
			errLb.Wrapping = fyne.TextWrapWord
			if cell.Error == "" {
				errLb.Hide()
			}
			a.errs[cell.Path] = errLb
			in := a.input(cell, kb)
			if foc, ok := in.(fyne.Focusable); ok {
				inputs = append(inputs, tableInput{path: cell.Path, focus: foc})
			}
			line = append(line, container.NewVBox(in, errLb))
		}
		line = append(line, a.removeRowButton(head, row))
		box.Add(rowLine(line...))
	}
	if head.Rows == 0 {
		box.Add(noteLabel(a.T("table.empty")))
	}
	add := a.button(a.T("table.addrow"), theme.ContentAddIcon(), func() {
		// The cursor goes to the new line's first cell.
		a.mu.Lock()
		a.errFirst = catalog.CellPath(head.Path, head.Rows, cols[0].Key)
		a.mu.Unlock()
		a.s.AddRow(head.Path) // one line more is a new screen (screenKey counts lines)
	})
	if head.Spec.MaxRows > 0 && head.Rows >= head.Spec.MaxRows {
		add.Disable()
	}
	box.Add(container.NewHBox(a.touch(add)))
	return box, inputs
}

// tableTitle is the table's label, its required mark and its own message
// (a table short of rows).
func (a *App) tableTitle(head session.Field) fyne.CanvasObject {
	text := head.Label
	if head.Required {
		text += " *"
	}
	title := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true, Italic: true})
	title.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(title)
	if head.Help != "" {
		box.Add(noteLabel(head.Help))
	}
	errLb := widget.NewLabel(head.Error)
	errLb.Importance = widget.DangerImportance
	errLb.Wrapping = fyne.TextWrapWord
	if head.Error == "" {
		errLb.Hide()
	}
	a.errs[head.Path] = errLb
	box.Add(errLb)
	return box
}

// removeRowButton takes a line off the table; a line with something typed
// in it (by the time of the tap) asks first.
func (a *App) removeRowButton(head session.Field, row int) fyne.CanvasObject {
	path := catalog.RowPath(head.Path, row)
	remove := func() { a.s.RemoveRow(path) }
	filled := func() bool {
		f := a.s.Form()
		if f == nil {
			return false
		}
		for _, c := range f.Fields(string(a.t.Lang())) {
			if c.Table == head.Path && c.Row == row && c.Value != "" {
				return true
			}
		}
		return false
	}
	b := a.button("", theme.ContentRemoveIcon(), func() {
		if !filled() {
			remove()
			return
		}
		a.confirm(a.T("table.removerow.confirm", row+1, head.Label), a.T("table.removerow.yes"), remove)
	})
	b.Importance = widget.LowImportance
	return a.touch(b)
}

// tableView draws the table read-only, for the review.
func (a *App) tableView(head session.Field, cells []session.Field) fyne.CanvasObject {
	cols := head.Spec.Fields
	rowLine := a.tableLines(cols)
	title := widget.NewLabelWithStyle(head.Label, fyne.TextAlignLeading, fyne.TextStyle{Bold: true, Italic: true})
	box := container.NewVBox(title, a.tableHeader(cols, false, rowLine))
	for row := 0; row < head.Rows; row++ {
		line := make([]fyne.CanvasObject, 0, len(cols)+1)
		for _, cell := range cells {
			if cell.Row == row {
				line = append(line, wrapped(optionLabel(cell)))
			}
		}
		box.Add(rowLine(append(line, layoutSpacer())...))
	}
	return box
}

// tableLines returns how a table of these columns lays out one line.
func (a *App) tableLines(cols []catalog.Field) func(objs ...fyne.CanvasObject) *fyne.Container {
	weights := make([]float32, len(cols))
	for i := range cols {
		weights[i] = columnWeight(&cols[i])
	}
	return func(objs ...fyne.CanvasObject) *fyne.Container {
		return &fyne.Container{Layout: &columnsLayout{weights: weights}, Objects: objs}
	}
}

// tableHeader is the line of column names; on the form a required column
// is starred.
func (a *App) tableHeader(cols []catalog.Field, stars bool, line func(objs ...fyne.CanvasObject) *fyne.Container) fyne.CanvasObject {
	header := make([]fyne.CanvasObject, 0, len(cols)+1)
	for i := range cols {
		text := cols[i].Label.In(string(a.t.Lang()))
		if stars && cols[i].Required {
			text += " *"
		}
		l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Wrapping = fyne.TextWrapWord
		header = append(header, l)
	}
	return line(append(header, layoutSpacer())...)
}

// layoutSpacer fills the header's and the review's last column, where the
// form has its remove buttons.
func layoutSpacer() fyne.CanvasObject { return layout.NewSpacer() }

// columnsLayout lays out one line of a table: the cells share the width by
// their weights, after a last narrow column (the remove button) takes its
// own width; the line is as tall as its tallest cell.
type columnsLayout struct{ weights []float32 }

func (l *columnsLayout) lastWidth() float32 {
	return theme.IconInlineSize() + 4*theme.Padding()
}

// Layout implements fyne.Layout.
func (l *columnsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	var total float32
	for _, w := range l.weights {
		total += w
	}
	last := l.lastWidth()
	avail := size.Width - last - pad*float32(len(objs)-1)
	var h float32
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	var x float32
	for i, o := range objs {
		w := last
		if i < len(l.weights) {
			w = avail * l.weights[i] / total
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, h))
		x += w + pad
	}
}

// MinSize implements fyne.Layout.
func (l *columnsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	pad := theme.Padding()
	var h, w float32
	for i, o := range objs {
		m := o.MinSize()
		h = max(h, m.Height)
		if i < len(l.weights) {
			w += min(m.Width, 80) + pad // cells shrink; labels wrap
		} else {
			w += l.lastWidth()
		}
	}
	return fyne.NewSize(w, h)
}

package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"motcua/kiosk/catalog"
	"motcua/kiosk/session"
)

// PairMinWidth is the narrowest window that shows the two parties of a
// two-party form (marriage: Bên nữ | Bên nam) side by side, as the paper
// form prints them.
const PairMinWidth = 1200

// WideMinWidth is the narrowest window that puts a form's ordinary
// sections in two columns instead of one column of capped inputs.
const WideMinWidth = 1600

// labelCol is the one label column of a sheet: as wide as the widest
// label of any of its grids (up to maxLabelWidth).
type labelCol struct{ grids []*grid }

func (c *labelCol) width() float32 {
	var w float32
	for _, g := range c.grids {
		w = max(w, g.labelWidth())
	}
	return w
}

// sheet is a whole form (or its review) laid out like the paper: one grid
// per section, all sharing one label column; the two parties of a
// two-party section side by side from PairMinWidth, and runs of ordinary
// sections in two columns from WideMinWidth. Narrower, it is one column,
// exactly as one grid would be.
type sheet struct {
	win    func() float32 // the window's width
	labels *labelCol
	secs   []*sheetSec
	cur    *grid
}

// sheetSec is one section: its heading and top-level rows, and for a
// two-party section one grid per party.
type sheetSec struct {
	head    *grid
	pair    bool
	alone   bool // never shares a column split (the review's procedure line)
	parties []*grid
}

// minSplit is the fewest grid objects (rows count two) a run of sections
// needs before it is worth two columns: a couple of short sections read
// better as one.
const minSplit = 16

func newSheet(win func() float32) *sheet {
	s := &sheet{win: win, labels: &labelCol{}}
	s.section(false)
	return s
}

func (s *sheet) grid() *grid {
	g := newGrid()
	g.shared = s.labels
	s.labels.grids = append(s.labels.grids, g)
	return g
}

// section starts a section; pair says its fields are two parties' blocks.
func (s *sheet) section(pair bool) {
	sec := &sheetSec{head: s.grid(), pair: pair}
	s.secs = append(s.secs, sec)
	s.cur = sec.head
}

// open starts the form's section named section: the two parties side by
// side when it is a pair, full width when it holds a table (its columns
// need the room a half-width column would take away).
func (s *sheet) open(section string, pairs, tables map[string]bool) {
	if tables[section] {
		s.aside()
		return
	}
	s.section(pairs[section])
}

// tableSections are the sections that hold a table of typed rows.
func tableSections(fields []session.Field) map[string]bool {
	out := map[string]bool{}
	for _, fd := range fields {
		if fd.Type == catalog.TypeTable {
			out[fd.Section] = true
		}
	}
	return out
}

// aside starts a section that stays on its own, full width (the review's
// procedure and fee, its documents).
func (s *sheet) aside() {
	s.section(false)
	s.secs[len(s.secs)-1].alone = true
}

// party starts the next party's block in a two-party section (a no-op in
// an ordinary one, where the person's rows follow the section's).
func (s *sheet) party() {
	sec := s.secs[len(s.secs)-1]
	if !sec.pair {
		return
	}
	g := s.grid()
	sec.parties = append(sec.parties, g)
	s.cur = g
}

func (s *sheet) row(label, value fyne.CanvasObject) { s.cur.row(label, value) }
func (s *sheet) span(o fyne.CanvasObject)           { s.cur.span(o) }

// field adds the row of a form field, named by the field's key, so that
// the same field of two parties side by side lines up (pairLayout).
func (s *sheet) field(fd session.Field, label, value fyne.CanvasObject) {
	s.cur.keyed(rowKey(fd), label, value)
}

// rowKey is fd's key inside its block or table row: "fullName" for both
// "wife.fullName" and "husband.fullName".
func rowKey(fd session.Field) string {
	if fd.Spec != nil && fd.Spec.Key != "" {
		return fd.Spec.Key
	}
	return fd.Path[strings.LastIndexAny(fd.Path, ".:")+1:]
}

// container returns the laid-out sheet.
func (s *sheet) container() *fyne.Container {
	out := container.NewVBox()
	add := func(g *grid) {
		if len(g.objs) > 0 {
			out.Add(g.container())
		}
	}
	var run []*sheetSec
	flush := func() {
		n := 0
		for _, sec := range run {
			n += len(sec.head.objs)
		}
		if len(run) >= 2 && n >= minSplit {
			k := balance(run)
			out.Add(s.split(WideMinWidth, column(run[:k]), column(run[k:])))
		} else {
			for _, sec := range run {
				add(sec.head)
			}
		}
		run = nil
	}
	for _, sec := range s.secs {
		switch {
		case sec.alone:
			flush()
			add(sec.head)
		case len(sec.parties) == 0 && len(sec.head.objs) > 0:
			run = append(run, sec)
		case len(sec.parties) == 2:
			flush()
			add(sec.head)
			out.Add(s.pair(sec.parties[0], sec.parties[1]))
		case len(sec.parties) > 0:
			flush()
			add(sec.head)
			for _, g := range sec.parties {
				add(g)
			}
		}
	}
	flush()
	return out
}

// column stacks the grids of secs as one column.
func column(secs []*sheetSec) fyne.CanvasObject {
	c := container.NewVBox()
	for _, sec := range secs {
		c.Add(sec.head.container())
	}
	return c
}

// balance is where a run of sections breaks into two columns: the split
// that makes the columns' row counts closest, the form's order kept
// (down the left column, then down the right).
func balance(secs []*sheetSec) int {
	total := 0
	for _, sec := range secs {
		total += len(sec.head.objs)
	}
	best, bestD, left := 1, total+1, 0
	for k := 1; k < len(secs); k++ {
		left += len(secs[k-1].head.objs)
		d := left - (total - left)
		if d < 0 {
			d = -d
		}
		if d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func (s *sheet) split(minWin float32, a, b fyne.CanvasObject) *fyne.Container {
	return &fyne.Container{Layout: &splitLayout{win: s.win, min: minWin}, Objects: []fyne.CanvasObject{a, b}}
}

// splitLayout puts two objects side by side when the window is at least
// min wide, and one above the other below that.
type splitLayout struct {
	win func() float32
	min float32
}

func (l *splitLayout) wide() bool { return l.win != nil && l.win() >= l.min }

func gutter() float32 { return 4 * theme.Padding() }

// Layout implements fyne.Layout.
func (l *splitLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	a, b := objs[0], objs[1]
	a.Move(fyne.NewPos(0, 0))
	if l.wide() {
		w := halfWidth(size.Width)
		a.Resize(fyne.NewSize(w, a.MinSize().Height))
		b.Move(fyne.NewPos(w+gutter(), 0))
		b.Resize(fyne.NewSize(w, b.MinSize().Height))
		return
	}
	ha := a.MinSize().Height
	a.Resize(fyne.NewSize(size.Width, ha))
	b.Move(fyne.NewPos(0, ha+theme.Padding()))
	b.Resize(fyne.NewSize(size.Width, b.MinSize().Height))
}

// MinSize implements fyne.Layout.
func (l *splitLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	a, b := objs[0].MinSize(), objs[1].MinSize()
	if l.wide() {
		return fyne.NewSize(a.Width+gutter()+theme.ScrollBarSize()+theme.Padding()+b.Width, max(a.Height, b.Height))
	}
	return fyne.NewSize(max(a.Width, b.Width), a.Height+theme.Padding()+b.Height)
}

// pair lays out the two parties of a two-party section (pairLayout).
func (s *sheet) pair(l, r *grid) *fyne.Container {
	objs := append(append([]fyne.CanvasObject{}, l.objs...), r.objs...)
	return &fyne.Container{Layout: &pairLayout{win: s.win, l: l, r: r}, Objects: objs}
}

// pairLayout puts the two parties of a two-party section side by side from
// PairMinWidth, their rows lined up as on the paper form: the same field
// sits at the same y in both columns, its row as tall as the taller side
// (a note, an error or a wrapped label under one party's value), and a row
// one party lacks (the provenance line of a typed party) leaves a gap in
// that column. Narrower, the parties stack, each as its own grid.
type pairLayout struct {
	win  func() float32
	l, r *grid
	// width is the last layout's: MinSize measures wrapping text at it,
	// so that the height it asks for is the height Layout uses.
	width float32
}

func (p *pairLayout) wide() bool { return p.win != nil && p.win() >= PairMinWidth }

// halfWidth is each party's column side by side in width: the right one
// keeps clear of the scroll bar that overlays the form's right edge.
func halfWidth(width float32) float32 {
	return (width - gutter() - theme.ScrollBarSize() - theme.Padding()) / 2
}

// Layout implements fyne.Layout.
func (p *pairLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	p.width = size.Width
	if !p.wide() {
		h := p.l.layoutAt(0, size.Width)
		p.r.layoutAt(h, size.Width)
		return
	}
	w := halfWidth(size.Width)
	cl, cr := p.l.colsFor(w), p.r.colsFor(w)
	var y float32
	for _, m := range pairLines(p.l.lines(), p.r.lines()) {
		var h float32
		if m[0] != nil {
			h = m[0].measure(cl)
		}
		if m[1] != nil {
			h = max(h, m[1].measure(cr))
		}
		if m[0] != nil {
			m[0].place(cl, 0, y, h)
		}
		if m[1] != nil {
			m[1].place(cr, w+gutter(), y, h)
		}
		y += h + theme.Padding()
	}
}

// MinSize implements fyne.Layout.
func (p *pairLayout) MinSize(_ []fyne.CanvasObject) fyne.Size {
	l, r := p.l.MinSize(nil), p.r.MinSize(nil)
	if !p.wide() {
		return fyne.NewSize(max(l.Width, r.Width), l.Height+r.Height)
	}
	w := l.Width + gutter() + theme.ScrollBarSize() + theme.Padding() + r.Width
	height := func(ln *line, c cols) float32 {
		if p.width > 0 {
			return ln.measure(c)
		}
		return ln.minHeight() // not laid out yet: no width to wrap at
	}
	cl, cr := p.l.colsFor(halfWidth(p.width)), p.r.colsFor(halfWidth(p.width))
	var h float32
	for _, m := range pairLines(p.l.lines(), p.r.lines()) {
		var lh float32
		if m[0] != nil {
			lh = height(m[0], cl)
		}
		if m[1] != nil {
			lh = max(lh, height(m[1], cr))
		}
		h += lh + theme.Padding()
	}
	return fyne.NewSize(w, h)
}

// pairLines matches the lines of two parties by key, in order; a line
// only one of them has is matched with nil.
func pairLines(a, b []line) [][2]*line {
	has := func(ls []line, key lineKey) bool {
		for _, l := range ls {
			if l.key == key {
				return true
			}
		}
		return false
	}
	var out [][2]*line
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i].key == b[j].key:
			out = append(out, [2]*line{&a[i], &b[j]})
			i, j = i+1, j+1
		case j < len(b) && (i == len(a) || !has(a[i:], b[j].key)):
			out = append(out, [2]*line{nil, &b[j]})
			j++
		default:
			out = append(out, [2]*line{&a[i], nil})
			i++
		}
	}
	return out
}

// pairSections are the sections that hold exactly two person blocks and
// nothing else (marriage: the bride's and the groom's): the parties.
func pairSections(fields []session.Field) map[string]bool {
	runs := map[string]int{}
	top := map[string]bool{}
	section, person := "\x00", "\x00"
	for _, fd := range fields {
		if fd.Section != section {
			section, person = fd.Section, "\x00"
		}
		if fd.Person == "" {
			top[section] = true
			continue
		}
		if fd.Person != person {
			person = fd.Person
			runs[section]++
		}
	}
	out := map[string]bool{}
	for sec, n := range runs {
		if n == 2 && !top[sec] {
			out[sec] = true
		}
	}
	return out
}

package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

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
		w = max(w, g.labelWidth(g.objs))
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
			out.Add(s.split(PairMinWidth, sec.parties[0].container(), sec.parties[1].container()))
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
		// Keep the right column clear of the scroll bar that overlays the
		// form's right edge.
		w := (size.Width - gutter() - theme.ScrollBarSize() - theme.Padding()) / 2
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

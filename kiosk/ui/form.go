package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"motcua/kiosk/catalog"
	"motcua/kiosk/form"
	"motcua/kiosk/session"
	"motcua/offline/dossier"
)

// TextField is an entry that tells the App when it gains focus, so the
// on-screen keyboard knows where to type.
type TextField struct {
	widget.Entry
	path     string // the form path it edits
	onFocus  func(*TextField)
	onBlur   func()
	keys     func(fyne.KeyName) bool // the App's keys, before typing
	shortcut func(fyne.Shortcut) bool
	// wedge takes a QR a keyboard-wedge scanner typed into the field, on
	// its Enter; it reports whether there was one.
	wedge func(*TextField) bool
}

func newField(path string, onFocus func(*TextField)) *TextField {
	f := &TextField{path: path, onFocus: onFocus}
	f.ExtendBaseWidget(f)
	return f
}

// Path returns the form path the field edits.
func (f *TextField) Path() string { return f.path }

// FocusLost implements fyne.Focusable: the field's message shows now.
func (f *TextField) FocusLost() {
	f.Entry.FocusLost()
	if f.onBlur != nil {
		f.onBlur()
	}
}

// FocusGained implements fyne.Focusable.
func (f *TextField) FocusGained() {
	f.Entry.FocusGained()
	if f.onFocus != nil {
		f.onFocus(f)
	}
}

func (a *App) nav(back bool, next *widget.Button) fyne.CanvasObject {
	row := container.NewHBox()
	if back {
		row.Add(a.touch(a.button(a.keyLabel("nav.back"), theme.NavigateBackIcon(), func() { a.s.Back(a.ctx) })))
	}
	row.Add(a.touch(a.button(a.T("nav.cancel"), theme.CancelIcon(), a.cancelVisit)))
	row.Add(layout.NewSpacer())
	if next != nil {
		next.Importance = widget.HighImportance
		row.Add(a.touch(next))
	}
	return row
}

func (a *App) picker() fyne.CanvasObject {
	lang := string(a.t.Lang())
	search := a.field("")
	search.SetPlaceHolder(a.T("procedure.search"))
	a.focusNext = search
	results := container.NewVBox()
	a.mu.Lock()
	use := a.usage
	a.mu.Unlock()
	all := session.ByUse(a.s.Catalog().All(), use) // no store read on the UI goroutine
	fill := func(q string) {
		results.RemoveAll()
		a.pick = pickList{}
		m := catalog.NewMenu(all, use, q)
		if m.Empty() {
			results.Add(widget.NewLabel(a.T("procedure.none")))
		}
		if len(m.MostUsed) > 0 {
			results.Add(heading(a.T("procedure.mostused")))
			for _, p := range m.MostUsed {
				results.Add(a.procButton(p, lang))
			}
		}
		for _, g := range m.Groups {
			results.Add(heading(catalog.DomainNames[g.Domain].In(lang)))
			for _, p := range g.Procedures {
				results.Add(a.procButton(p, lang))
			}
		}
		a.movePick("")
		results.Refresh()
	}
	search.OnSubmitted = func(string) { a.choosePick() }
	// Back from the form, the search still holds what the clerk typed.
	a.mu.Lock()
	q := a.procQ
	a.mu.Unlock()
	search.SetValue(q)
	fill(q)
	search.OnChanged = func(q string) {
		a.s.Touch()
		a.mu.Lock()
		a.procQ = q
		a.mu.Unlock()
		fill(q)
	}
	top := container.NewVBox(heading(a.T("procedure.title")), search)
	bottom := container.NewVBox(a.nav(true, nil))
	if a.self {
		k := newKeyboard(a, false)
		k.direct = &search.Entry
		bottom = container.NewVBox(k.root, a.nav(true, nil))
	}
	return container.NewBorder(top, bottom, nil, nil, container.NewVScroll(results))
}

func (a *App) procButton(p *catalog.Procedure, lang string) fyne.CanvasObject {
	days := ""
	if p.Days > 0 {
		days = " · " + a.T("procedure.days", p.Days)
	}
	// Buttons do not wrap: break a long name into lines so the list never
	// widens the window (a self-service screen at 1024 px).
	width := 90
	if a.self {
		width = 56
	}
	facts := strings.TrimPrefix(days+" · "+a.feeText(p), " · ")
	label := strings.Join(append(lines(p.Name.In(lang), width), lines(facts, width+20)...), "\n")
	b := a.button(label, nil, func() { a.s.Choose(p) })
	b.Alignment = widget.ButtonAlignLeading
	a.pick.procs = append(a.pick.procs, p)
	a.pick.btns = append(a.pick.btns, b)
	return a.touch(b)
}

func (a *App) provenanceText(p dossier.Provenance) string {
	switch p {
	case dossier.FromChip:
		return a.T("form.locked")
	case dossier.FromQR:
		return a.T("form.qr")
	case dossier.FromStaff:
		return a.T("form.system")
	}
	return ""
}

func (a *App) formScreen() fyne.CanvasObject {
	f := a.s.Form()
	if f == nil {
		return a.welcome()
	}
	lang := string(a.t.Lang())
	a.mu.Lock()
	a.errs = map[string]*widget.Label{}
	a.target = nil
	a.mu.Unlock()
	var kb *keyboard
	if a.self {
		kb = newKeyboard(a, false)
		a.kb = kb
	}
	fields := f.Fields(lang)
	g := newSheet(a.winWidth)
	pairs, tables := pairSections(fields), tableSections(fields)
	section, person := "", ""
	var first fyne.Focusable
	asked := false // first is the field errFirst named
	help := noteLabel("")
	help.Hide()
	a.mu.Lock()
	a.help = help
	a.helps = map[string]string{}
	a.mu.Unlock()
	for i, fd := range fields {
		if fd.Table != "" {
			continue // a table's cells are drawn with the table
		}
		if fd.Section != section {
			section = fd.Section
			g.open(section, pairs, tables)
			g.span(heading(section))
		}
		if fd.Type == catalog.TypeTable {
			person = ""
			obj, cells := a.tableEditor(fd, cellsOf(fields, fd.Path), kb)
			g.span(obj)
			a.mu.Lock()
			goTo := a.errFirst
			a.mu.Unlock()
			for _, c := range cells {
				if first == nil || c.path == goTo {
					first = c.focus
				}
				asked = asked || c.path == goTo
			}
			if goTo != "" && (goTo == fd.Path || strings.HasPrefix(goTo, fd.Path+"[")) {
				a.mu.Lock()
				a.errFirst = ""
				a.mu.Unlock()
			}
			continue
		}
		if fd.Person != person {
			person = fd.Person
			if person != "" {
				g.party()
				g.span(widget.NewLabelWithStyle(person, fyne.TextAlignLeading, fyne.TextStyle{Bold: true, Italic: true}))
				// One provenance line for the person, not one per field.
				if p := a.blockProvenance(fields[i:]); p != "" {
					g.span(noteLabel(p))
				}
			}
		}
		a.helps[fd.Path] = fd.Help
		label := fd.Label
		if fd.Required {
			label += " *"
		}
		errLb := widget.NewLabel(fd.Error)
		errLb.Importance = widget.DangerImportance
		errLb.Wrapping = fyne.TextWrapWord
		if fd.Error == "" {
			errLb.Hide()
		}
		a.errs[fd.Path] = errLb
		a.mu.Lock()
		goTo := a.errFirst == fd.Path
		a.mu.Unlock()
		var input fyne.CanvasObject
		if !fd.Type.Leaf() {
			// A whole block or table in error: its card is still to be read.
			input = widget.NewLabel(a.T("form.addperson.short"))
		} else if fd.Locked {
			// The lock is a narrow column; the person's line says why, and
			// a field outside a person block says it after its value.
			text := optionLabel(fd)
			if fd.Person == "" {
				text += " — " + a.provenanceText(fd.Provenance)
			}
			val := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			val.Wrapping = fyne.TextWrapWord
			input = container.NewBorder(nil, nil, nil, icon("lock", 18), val)
		} else {
			input = a.input(fd, kb)
			if foc, ok := input.(fyne.Focusable); ok && (first == nil || goTo) {
				first = foc
				asked = asked || goTo
				if goTo {
					a.mu.Lock()
					a.errFirst = ""
					a.mu.Unlock()
				}
			}
			if fd.Provenance == dossier.FromQR && fd.Value != "" {
				mark := widget.NewLabel(a.provenanceText(fd.Provenance))
				mark.Importance = widget.WarningImportance
				input = container.NewVBox(input, mark)
			}
		}
		if n := a.addressNote(fd); n != nil {
			input = container.NewVBox(input, n)
		}
		if fd.CardUnparsed {
			// The chip holds the field but its text could not be read: say
			// so, and let the clerk type it from the card (never locked).
			n := widget.NewLabel(a.T("cards.unparsed.field"))
			n.Wrapping = fyne.TextWrapWord
			n.Importance = widget.WarningImportance
			input = container.NewVBox(input, n)
		}
		lb := widget.NewLabel(label)
		lb.Wrapping = fyne.TextWrapWord
		g.field(fd, lb, container.NewVBox(input, errLb))
	}
	box := container.NewVBox(g.container())
	// A second person joins by tapping their card.
	slots := container.NewVBox()
	if a.s.Adding() {
		slots.Add(a.steps())
	} else {
		for _, sl := range f.Slots(lang) {
			if sl.Filled {
				continue
			}
			path := sl.Path
			add := a.touch(a.button(a.T("form.addperson", sl.Label), theme.ContentAddIcon(), func() { a.addPerson(path) }))
			if !sl.Table {
				slots.Add(add)
				continue
			}
			// A person with no card at hand (a child, an absent guest, a
			// foreigner) is typed in: a new row, never locked.
			typed := a.touch(a.button(a.T("people.type", sl.Label), theme.DocumentCreateIcon(), func() { a.s.TypePerson(path) }))
			slots.Add(container.NewHBox(add, typed))
		}
		// Someone added by mistake (the wrong card, a row too many) is
		// taken off, after a question: it empties what was entered.
		for _, p := range f.People(lang) {
			path, label := p.Path, p.Label
			slots.Add(a.touch(a.button(a.T("people.remove", label), theme.ContentRemoveIcon(), func() {
				a.confirm(a.T("people.remove.confirm", label), a.T("people.remove.yes"), func() {
					if a.s.RemovePerson(path) == nil {
						a.notify(true)
					}
				})
			})))
		}
	}
	if n := a.s.Notice(); n.Kind == session.NoticePersonAdded {
		slots.Add(banner(a.T(n.Key(), n.Args()...), theme.ColorNameSuccess))
	}
	if p := a.s.Problem(); p != "" {
		slots.Add(banner(a.T(p), theme.ColorNameError))
	}
	box.Add(slots)
	title := heading(f.Procedure().Name.In(lang))
	next := a.button(a.T("nav.next"), theme.NavigateNextIcon(), a.next)
	bottom := container.NewVBox(help, a.nav(true, next))
	if kb != nil {
		bottom = container.NewVBox(help, kb.root, a.nav(true, next))
	}
	// At the counter the cursor starts in the first field to type; on the
	// touch screen only where it was asked for ("Còn 1 ô cần sửa", "Sửa"),
	// which brings the keyboard up: a citizen arriving reads first.
	if first != nil && (!a.self || asked) {
		a.focusNext = first
	}
	sc := container.NewVScroll(box)
	sc.OnScrolled = func(fyne.Position) { a.s.Touch() } // reading the form is activity
	a.mu.Lock()
	a.scroll = sc
	a.mu.Unlock()
	frame := container.NewBorder(title, bottom, nil, nil, sc)
	if kb != nil {
		kb.onDemand(frame)
	}
	return frame
}

// input builds the editor of one typed field.
func (a *App) input(fd session.Field, kb *keyboard) fyne.CanvasObject {
	path := fd.Path
	// Typing only clears a message; a new one shows when the field is left
	// (choices and ticks are left at once).
	set := func(v string) {
		a.s.Touch()
		a.s.Set(path, v)
		a.showError(path, true)
	}
	pick := func(v string) {
		a.s.Touch()
		a.s.Set(path, v)
		a.showError(path, false)
	}
	hint := form.Types.Lookup(fd.Type).Hint
	switch hint.Input {
	case form.InputChoice:
		labels := make([]string, len(fd.Options))
		byLabel := map[string]string{}
		sel := ""
		for i, o := range fd.Options {
			labels[i] = o.Label
			byLabel[o.Label] = o.Value
			if o.Value == fd.Value {
				sel = o.Label
			}
		}
		s := a.choice(labels, func(l string) { pick(byLabel[l]) })
		if sel != "" {
			s.SetSelected(sel)
		}
		return a.touch(s)
	case form.InputCheck:
		c := widget.NewCheck("", func(b bool) {
			if b {
				pick("true")
			} else {
				pick("false")
			}
		})
		c.Checked = fd.Value == "true"
		return a.touch(c)
	}
	e := a.field(path)
	if fd.Table != "" && fd.Type == catalog.TypeDate && fd.Spec.YearOnlyAllowed {
		hint.Placeholder = "mm/yyyy" // a history's lines are months, as the paper form asks
	}
	e.SetPlaceHolder(hint.Placeholder)
	e.SetValue(fd.Value)
	e.OnChanged = set
	e.onBlur = func() { a.showError(path, false) }
	e.OnSubmitted = func(string) { a.w.Canvas().FocusNext() }
	if kb != nil {
		kb.fields = append(kb.fields, e)
	}
	return e
}

// showError updates a field's inline message; onlyClear (the clerk is
// still typing) hides it and leaves a new message for when the field is
// left. Leaving a field (or picking a choice) also refreshes every other
// message on screen, since other checks may read this value: an end date
// against its start (catalog notBefore), an ID number against the sex and
// date of birth. A message only changes there when its check's result did.
func (a *App) showError(path string, onlyClear bool) {
	f := a.s.Form()
	if f == nil {
		return
	}
	a.mu.Lock()
	errs := a.errs
	a.mu.Unlock()
	if onlyClear {
		if lb := errs[path]; lb != nil {
			lb.Hide() // the old message is stale; the new one waits
		}
		return
	}
	for _, fd := range f.Fields(string(a.t.Lang())) {
		if lb := errs[fd.Path]; lb != nil {
			setMessage(lb, fd.Error)
		}
	}
}

// setMessage shows msg under a field, or nothing when it is empty.
func setMessage(lb *widget.Label, msg string) {
	if lb.Text != msg {
		lb.SetText(msg)
	}
	if msg == "" {
		lb.Hide()
	} else {
		lb.Show()
	}
}

// afterNext shows why Next did not move on.
func (a *App) afterNext(err error) {
	if err == nil {
		return
	}
	f := a.s.Form()
	if f == nil {
		return
	}
	lang := string(a.t.Lang())
	n, missing := f.Validate(lang)
	switch {
	case n > 0:
		// Name the first field to fix and take the clerk there.
		msg := a.T("form.invalid", n)
		for _, fd := range f.Fields(lang) {
			if fd.Error != "" {
				msg = a.T("form.invalid.first", n, fd.Label)
				a.mu.Lock()
				a.errFirst = fd.Path
				a.mu.Unlock()
				break
			}
		}
		a.setMsg(msg)
	case len(missing) > 0:
		a.setMsg(a.T("attach.missing", strings.Join(missing, ", ")))
	default:
		a.setMsg(err.Error())
	}
	a.notify(true)
}

func (a *App) attachments() fyne.CanvasObject {
	f := a.s.Form()
	if f == nil {
		return a.welcome()
	}
	lang := string(a.t.Lang())
	box := container.NewVBox()
	for _, at := range f.Attachments(lang) {
		box.Add(a.docRow(at))
	}
	if m := f.Metrics(); m.ChipVerified && !m.IDPapersAsked {
		box.Add(banner(a.T("attach.noid"), theme.ColorNameSuccess))
	}
	// The originals go back: since October 2025 the scan is the dossier.
	if !a.self {
		box.Add(banner(a.T("scan.returnoriginal"), theme.ColorNameWarning))
	}
	next := a.button(a.T("nav.next"), theme.NavigateNextIcon(), a.next)
	return container.NewBorder(heading(a.T("attach.title")), a.nav(true, next), nil, nil, container.NewVScroll(box))
}

func (a *App) review() fyne.CanvasObject {
	f := a.s.Form()
	if f == nil {
		return a.welcome()
	}
	lang := string(a.t.Lang())
	// The form's own grid, section by section, each with "sửa" back to it.
	fields := f.Fields(lang)
	pairs, tables := pairSections(fields), tableSections(fields)
	g := newSheet(a.winWidth)
	g.aside()
	g.row(widget.NewLabel(a.T("review.procedure")),
		widget.NewLabelWithStyle(f.Procedure().Name.In(lang), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	g.row(widget.NewLabel(a.T("review.fee")), widget.NewLabelWithStyle(a.feeText(f.Procedure()), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	section, person := "\x00", ""
	for i, fd := range fields {
		if fd.Table != "" {
			continue // a table's cells are shown with the table
		}
		if fd.Section != section {
			section, person = fd.Section, ""
			g.open(section, pairs, tables)
			path := fd.Path
			for _, e := range fields[i:] {
				if e.Section != section {
					break
				}
				if !e.Locked && e.Type.Leaf() {
					path = e.Path // the cursor goes to the first field to type
					break
				}
			}
			edit := a.button(a.T("review.edit"), theme.DocumentCreateIcon(), func() { a.editAt(path) })
			edit.Importance = widget.LowImportance
			g.span(container.NewBorder(nil, nil, nil, a.touch(edit), heading(section)))
		}
		if fd.Type == catalog.TypeTable {
			person = ""
			if fd.Rows > 0 {
				g.span(a.tableView(fd, cellsOf(fields, fd.Path)))
			}
			continue
		}
		if fd.Person != person {
			person = fd.Person
			if person != "" {
				g.party()
				g.span(widget.NewLabelWithStyle(person, fyne.TextAlignLeading, fyne.TextStyle{Bold: true, Italic: true}))
			}
		}
		if fd.Value == "" {
			continue
		}
		g.field(fd, wrapped(fd.Label), wrapped(optionLabel(fd)))
	}
	var have []string
	for _, at := range f.Attachments(lang) {
		if at.Have {
			have = append(have, at.Name)
		}
	}
	if len(have) > 0 {
		g.aside()
		g.row(widget.NewLabel(a.T("review.attachments")), wrapped(strings.Join(have, "; ")))
	}
	submit := a.button(a.keyLabel("review.submit"), theme.MailSendIcon(), a.submit)
	submit.Importance = widget.HighImportance
	// Submit sits in the middle, not where Next was on the two screens
	// before: clicking on through the steps cannot skip the review.
	nav := a.nav(true, nil)
	bottom := container.NewBorder(nil, nil, nil, nav, container.NewCenter(a.touch(submit)))
	top := fyne.CanvasObject(heading(a.T("review.title")))
	if p := a.s.Problem(); p != "" {
		top = container.NewVBox(top, banner(a.T(p), theme.ColorNameError))
	}
	return container.NewBorder(top, bottom, nil, nil, container.NewVScroll(g.container()))
}

// editAt goes from the review back to the form with the cursor in the
// field at path (the first of the section whose "sửa" was pressed).
func (a *App) editAt(path string) {
	a.mu.Lock()
	a.errFirst = path
	a.mu.Unlock()
	a.s.Back(a.ctx) // review → attachments
	a.s.Back(a.ctx) // attachments → form
}

// pickList is the picker's result buttons; the highlighted one is what
// Enter in the search box chooses.
type pickList struct {
	procs []*catalog.Procedure
	btns  []*widget.Button
	i     int
}

// movePick moves the highlight (Up/Down), or puts it on the first result.
func (a *App) movePick(k fyne.KeyName) {
	p := &a.pick
	if len(p.btns) == 0 {
		return
	}
	switch k {
	case fyne.KeyUp:
		if p.i > 0 {
			p.i--
		}
	case fyne.KeyDown:
		if p.i < len(p.btns)-1 {
			p.i++
		}
	default:
		p.i = 0
	}
	for i, b := range p.btns {
		b.Importance = widget.MediumImportance
		if i == p.i {
			b.Importance = widget.HighImportance
		}
		b.Refresh()
	}
}

// choosePick chooses the highlighted procedure (Enter in the search box).
func (a *App) choosePick() {
	if p := &a.pick; p.i < len(p.procs) {
		a.s.Touch()
		a.s.Choose(p.procs[p.i])
	}
}

// Highlighted returns the procedure Enter would choose (for tests).
func (a *App) Highlighted() *catalog.Procedure {
	a.syncMu.Lock()
	defer a.syncMu.Unlock()
	if p := &a.pick; p.i < len(p.procs) {
		return p.procs[p.i]
	}
	return nil
}

// optionLabel is a field's value as the reader sees it: a choice's label
// in the screen's language ("Nữ", "Female"), never its stored code.
func optionLabel(fd session.Field) string {
	for _, o := range fd.Options {
		if o.Value == fd.Value {
			return o.Label
		}
	}
	return fd.Value
}

// feeText is what the citizen pays for p: "Lệ phí: 50.000 đồng", or
// "Miễn phí" (with the catalog's note when it has one).
func (a *App) feeText(p *catalog.Procedure) string {
	if p.Fee.AmountVND <= 0 {
		if n := p.Fee.Note.In(string(a.t.Lang())); n != "" {
			return a.T("procedure.fee.free") + " (" + n + ")"
		}
		return a.T("procedure.fee.free")
	}
	return a.T("procedure.fee", groupVND(p.Fee.AmountVND))
}

// groupVND writes an amount the Vietnamese way: 1.500.000.
func groupVND(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// blockProvenance is the one line a person block gets about where its
// locked values came from ("from the chip: not editable"), from the fields
// of the block (fields starts at its first one).
func (a *App) blockProvenance(fields []session.Field) string {
	person := fields[0].Person
	for _, fd := range fields {
		if fd.Person != person {
			break
		}
		if fd.Locked {
			return a.provenanceText(fd.Provenance)
		}
	}
	return ""
}

// winWidth is the window's width, which decides how many columns a form
// gets (PairMinWidth, WideMinWidth).
func (a *App) winWidth() float32 { return a.w.Canvas().Size().Width }

// showHelp shows the catalog's help of the field that has the focus.
func (a *App) showHelp(path string) {
	a.mu.Lock()
	lb, text := a.help, a.helps[path]
	a.mu.Unlock()
	if lb != nil {
		// An empty help line takes no room (above the keyboard it is a
		// row of form the citizen does not see).
		lb.SetText(text)
		if text == "" {
			lb.Hide()
		} else {
			lb.Show()
		}
	}
}

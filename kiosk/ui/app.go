package ui

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"motcua/assets"
	"motcua/kiosk/i18n"
	"motcua/kiosk/printing"
	"motcua/kiosk/receipt"
	"motcua/kiosk/session"
)

// Options configure the screens.
type Options struct {
	Session *session.Session
	Text    *i18n.Bundle
	// CheckClerk verifies a clerk's PIN (counter mode). Nil accepts none.
	CheckClerk func(clerkID, pin string) bool
	// AdminPIN unlocks leaving self-service mode.
	AdminPIN string
	// OnExit is called when the admin leaves self-service mode (or the
	// counter app is closed from the screen).
	OnExit func()
	// SaveDir is where "print" writes the receipt PDF when Print is nil.
	SaveDir string
	// Print sends a filed dossier's papers to the printer in the
	// background (counter: declaration and receipt; self-service: the
	// receipt) and reports each step to update, from its own goroutine. It
	// must return at once. Nil keeps "In" saving the receipt to SaveDir.
	// The slip is the session's own (it still names the citizen when the
	// store has already deleted the personal data).
	Print func(slip receipt.Receipt, counter bool, update func(printing.Update))
	// Reprint is the counter panel's "In lại": it prints the full receipt
	// of a past dossier from the store (code, parts, appointment,
	// signatures) on the same printer as Print, receipt only, in the
	// background, and reports each step to update. slip carries what the
	// panel knows (dossier ID, code, masked ID). It must return at once.
	// Nil saves a short slip as a PDF to SaveDir instead.
	Reprint func(slip receipt.Receipt, update func(printing.Update))
	// Sources are where the attachments step gets documents from (the
	// scanner, a camera frame, a file).
	Sources Sources
	// Tester, in development builds, places cards on the simulated reader.
	Tester *Tester
	// Ticks is how often the idle timer and the counter panel refresh; zero
	// means once a second. Tests drive Tick themselves and pass a negative
	// value to start no goroutine.
	Ticks time.Duration
}

// App is the kiosk window's content and behaviour.
type App struct {
	o     Options
	s     *session.Session
	t     *i18n.Bundle
	w     fyne.Window
	theme *Theme
	self  bool

	ctx    context.Context
	cancel context.CancelFunc

	root *fyne.Container // top bar + body (+ counter panel)
	body *fyne.Container
	// focusNext is the widget a screen wants focused; it can only take focus
	// once the screen is in the canvas, so syncLocked applies it after
	// placing the screen.
	focusNext fyne.Focusable
	top       *fyne.Container
	panel     *counterPanel
	shown     string // key of the screen now shown, to rebuild only on change
	idle      *widget.PopUp
	idleLb    *widget.Label

	syncMu  sync.Mutex   // one redraw at a time (the test driver runs fyne.Do inline)
	dirty   chan bool    // a change to draw; true forces a full redraw
	pending atomic.Int32 // notifications not yet drawn

	mu       sync.Mutex
	kb       *keyboard
	target   *TextField // the entry the on-screen keyboard types into
	errs     map[string]*widget.Label
	lastMsg  string            // transient message shown at the top of a screen
	thanks   bool              // a visit just ended with a rating: say thanks at Welcome
	status   session.Status    // last online/queue status
	usage    map[string]int    // today's dossiers by procedure, for "most used"
	saved    string            // last saved PDF path
	spool    []string          // self-service: slips written this visit, removed at its end
	procQ    string            // procedure search text
	locked   bool              // counter screen lock (PIN) is on
	wedge    []rune            // what a QR wedge typed with no field focused
	scroll   *container.Scroll // the form's scroller, to bring a focused field into view
	pick     pickList          // the picker's buttons, one highlighted
	errFirst string            // path of the first field in error, to focus on the redraw
	docs     docs              // the visit's scanned pages, dropped when it ends
	help     *widget.Label     // the form's help line (the focused field's)
	placed   string            // the tester's last card on the simulated reader
	helps    map[string]string // help text by field path
}

// New builds the kiosk's screens into w and starts following the session.
// Call Close when the window closes.
func New(w fyne.Window, o Options) *App {
	ctx, cancel := context.WithCancel(context.Background())
	a := &App{o: o, s: o.Session, t: o.Text, w: w, ctx: ctx, cancel: cancel,
		self: o.Session.Mode() == session.SelfService, errs: map[string]*widget.Label{}}
	a.theme = &Theme{Large: a.self}
	fyne.CurrentApp().Settings().SetTheme(a.theme)
	a.body = container.NewStack()
	a.top = container.NewStack()
	var center fyne.CanvasObject = a.body
	if !a.self {
		a.panel = newCounterPanel(a)
		center = container.New(&sideLayout{}, a.body, a.panel.root)
	}
	a.root = container.NewBorder(a.top, nil, nil, nil, center)
	w.SetContent(a.root)
	a.dirty = make(chan bool, 1)
	a.s.OnChange(func() { a.notify(false) })
	a.t.OnChange(func(i18n.Lang) { a.notify(true) })
	go a.redrawLoop()
	a.shortcuts()
	a.sync()
	go a.Poll()
	if o.Ticks >= 0 {
		go a.tick()
	}
	return a
}

// notify asks for a redraw without blocking the session's goroutine (or a
// tap handler holding the UI): bursts of changes coalesce into one.
func (a *App) notify(force bool) {
	a.pending.Add(1)
	for {
		select {
		case a.dirty <- force:
			return
		case old := <-a.dirty:
			force = force || old
			a.pending.Add(-1)
		}
	}
}

// redrawLoop draws the changes on the UI goroutine (fyne.Do).
func (a *App) redrawLoop() {
	for {
		select {
		case <-a.ctx.Done():
			return
		case force := <-a.dirty:
			if force {
				fyne.DoAndWait(a.redraw)
			} else {
				fyne.DoAndWait(a.sync)
			}
			a.pending.Add(-1)
		}
	}
}

// Close stops the App's goroutines.
func (a *App) Close() { a.cancel() }

// Session returns the session the screens follow.
func (a *App) Session() *session.Session { return a.s }

func (a *App) tick() {
	d := a.o.Ticks
	if d == 0 {
		d = time.Second
	}
	t := time.NewTicker(d)
	defer t.Stop()
	n := 0
	for {
		select {
		case <-a.ctx.Done():
			return
		case <-t.C:
		}
		a.s.Tick(a.ctx)
		if n%3 == 0 {
			a.Poll()
		}
		n++
	}
}

// Poll refreshes the online status and the counter panel from the queue.
// It does the queue work on the calling goroutine and the drawing on the
// UI goroutine.
func (a *App) Poll() {
	q := a.s.Queue()
	if q == nil {
		return
	}
	// A receipt made offline takes the portal's code once the worker has
	// filed the dossier (the session redraws the slip when it changes).
	if a.s.State() == session.StateReceipt {
		a.s.RefreshReceipt()
	}
	st := q.Status()
	entries, _ := q.Today(a.ctx)
	use := session.Usage(entries)
	fyne.DoAndWait(func() {
		a.syncMu.Lock()
		defer a.syncMu.Unlock()
		a.mu.Lock()
		changed := st != a.status
		a.status, a.usage = st, use
		a.mu.Unlock()
		if changed {
			a.buildTop()
		}
		if a.panel != nil {
			a.panel.update(entries)
		}
	})
}

// T translates a message key.
func (a *App) T(key string, args ...any) string { return a.t.T(key, args...) }

// sync redraws what changed: the screen when the state (or what it shows)
// moved, and the idle warning.
func (a *App) sync() {
	a.syncMu.Lock()
	defer a.syncMu.Unlock()
	a.syncLocked()
}

// dropSpool removes the slips a self-service visit wrote: the kiosk keeps
// no personal data once the citizen has gone (the printer took the file).
func (a *App) dropSpool() {
	a.mu.Lock()
	files := a.spool
	a.spool = nil
	a.mu.Unlock()
	if len(files) == 0 {
		return
	}
	go func() {
		for _, f := range files {
			os.Remove(f)
		}
	}()
}

// redraw rebuilds the current screen even if the state did not change
// (language, contrast, a message to show).
func (a *App) redraw() {
	a.syncMu.Lock()
	defer a.syncMu.Unlock()
	a.shown = ""
	a.syncLocked()
}

// Settled reports whether the screen shows the session's current state
// (no redraw pending).
func (a *App) Settled() bool {
	a.syncMu.Lock()
	defer a.syncMu.Unlock()
	return a.pending.Load() == 0 && a.shown == a.screenKey()
}

// Inspect runs f with the window's content while no redraw runs, so a test
// can walk the widget tree safely.
func (a *App) Inspect(f func(c fyne.Canvas)) {
	a.syncMu.Lock()
	defer a.syncMu.Unlock()
	f(a.w.Canvas())
}

func (a *App) syncLocked() {
	key := a.screenKey()
	if key != a.shown {
		// Empty the old screen before letting it go: Fyne keeps discarded
		// renderers cached for a while, and a name or photo must not
		// outlive the visit there.
		for _, o := range a.body.Objects {
			scrub(o)
		}
		if st := a.s.State(); st == session.StateWiped || st == session.StateWelcome {
			a.mu.Lock()
			a.procQ = "" // a new visit starts with an empty search
			a.mu.Unlock()
			a.docs.wipe() // page images go with the visit (idle wipe too)
			if a.self {
				a.dropSpool()
			}
		}
		a.shown = key
		a.buildTop()
		if a.panel != nil {
			a.panel.relabel()
		}
		a.body.Objects = []fyne.CanvasObject{a.screen()}
		a.body.Refresh()
		if f := a.focusNext; f != nil {
			a.focusNext = nil
			a.w.Canvas().Focus(f)
		}
	}
	a.syncIdle()
}

func (a *App) screenKey() string {
	s := a.s
	st := s.State()
	if st == session.StateWiped {
		st = session.StateWelcome // the same screen: do not redraw it twice
	}
	adding := s.Adding()
	step := s.Step()
	if s.State() != session.StateReading && !adding {
		step = 0
	}
	a.mu.Lock()
	locked := a.locked
	a.mu.Unlock()
	code := ""
	if f := s.Form(); f != nil && st == session.StateForm {
		code = fmt.Sprint(f.Lines()) // a line added or removed is a new screen
	}
	if st == session.StateReceipt {
		if r := s.Receipt(); r != nil {
			code = r.Code // the slip changes when the portal's code arrives
		}
	}
	return code + "|" + fmt.Sprintf("%s|%d|%s|%v|%t|%s|%t|%s|%t|%t", st, step, s.Problem(), s.Notice(), adding, a.t.Lang(), a.theme.HighContrast, s.Clerk(), locked, s.Overridden())
}

func (a *App) syncIdle() {
	warn, left := a.s.Idle()
	if !warn {
		if a.idle != nil {
			a.idle.Hide()
			a.idle = nil
		}
		return
	}
	secs := int(left.Round(time.Second) / time.Second)
	if secs < 0 {
		secs = 0
	}
	msg := a.T("idle.warning", secs)
	if a.idle != nil {
		a.idleLb.SetText(msg)
		return
	}
	a.idleLb = widget.NewLabelWithStyle(msg, fyne.TextAlignCenter, fyne.TextStyle{})
	a.idleLb.Wrapping = fyne.TextWrapWord
	title := widget.NewLabelWithStyle(a.T("idle.title"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	btn := a.button(a.T("idle.continue"), theme.ConfirmIcon(), func() { a.s.Touch() })
	btn.Importance = widget.HighImportance
	a.idle = widget.NewModalPopUp(container.NewVBox(title, a.idleLb, btn), a.w.Canvas())
	a.idle.Resize(fyne.NewSize(520, 0))
	a.idle.Show()
}

// buildTop draws the top bar: title, mode, language switch, and the
// counter's clerk and online indicator or the kiosk's contrast and admin
// buttons.
func (a *App) buildTop() {
	logo := canvas.NewImageFromResource(fyne.NewStaticResource("app.svg", assets.Icon("app")))
	logo.FillMode = canvas.ImageFillContain
	logo.SetMinSize(fyne.NewSize(36, 36))
	name := a.T("app.title")
	if a.self {
		name += " · " + a.T("mode.self")
	}
	// The title takes what the buttons leave and is cut short with "…"
	// rather than widening the window (English at 1024 px).
	title := widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Truncation = fyne.TextTruncateEllipsis
	var objs []fyne.CanvasObject
	if a.self {
		objs = append(objs, a.button(a.T("admin.contrast"), theme.ColorPaletteIcon(), a.ToggleContrast))
	} else {
		a.mu.Lock()
		st := a.status
		a.mu.Unlock()
		online := canvas.NewCircle(colorFor(st.Online))
		online.StrokeWidth = 0
		dot := container.NewGridWrap(fyne.NewSize(14, 14), online)
		state := a.T("counter.offline")
		if st.Online {
			state = a.T("counter.online")
		}
		objs = append(objs, container.NewCenter(dot), widget.NewLabel(state+" · "+a.T("counter.queue", st.Queued)))
		if c := a.s.Clerk(); c != "" && !a.blocked() {
			objs = append(objs, widget.NewLabel(a.T("counter.signedin", c)),
				widget.NewButtonWithIcon(a.T("lock.button"), theme.VisibilityOffIcon(), a.Lock),
				widget.NewButton(a.T("counter.signout"), a.signOut))
		}
		if !a.blocked() {
			objs = append(objs, widget.NewButtonWithIcon(a.T("counter.indicators"), theme.InfoIcon(), a.showIndicators))
		}
	}
	if a.o.Tester != nil {
		a.mu.Lock()
		placed := a.placed
		a.mu.Unlock()
		label := a.T("tester.menu")
		if placed != "" {
			label = a.T("tester.placed", placed)
		}
		objs = append(objs, widget.NewButtonWithIcon(label, theme.ComputerIcon(), a.showTester))
	}
	objs = append(objs, a.button(a.T("lang.switch"), nil, a.toggleLang))
	if a.self {
		objs = append(objs, a.button("", theme.SettingsIcon(), a.showAdmin))
	}
	a.top.Objects = []fyne.CanvasObject{container.NewBorder(nil, nil, logo, container.NewHBox(objs...), title)}
	a.top.Refresh()
}

func (a *App) toggleLang() {
	a.s.Touch()
	if a.t.Lang() == i18n.VI {
		a.t.SetLang(i18n.EN)
	} else {
		a.t.SetLang(i18n.VI)
	}
}

// ToggleContrast switches the high-contrast theme on or off.
func (a *App) ToggleContrast() {
	a.s.Touch()
	a.theme.HighContrast = !a.theme.HighContrast
	fyne.CurrentApp().Settings().SetTheme(&Theme{Large: a.theme.Large, HighContrast: a.theme.HighContrast})
	a.notify(true)
}

// HighContrast reports whether the high-contrast theme is on.
func (a *App) HighContrast() bool { return a.theme.HighContrast }

// button makes a button that, in self-service mode, is at least MinTouch
// tall and wide.
func (a *App) button(label string, icon fyne.Resource, tapped func()) *widget.Button {
	b := widget.NewButtonWithIcon(label, icon, func() {
		a.s.Touch()
		tapped()
	})
	return b
}

// touch wraps o so that it is at least MinTouch square in self-service mode.
func (a *App) touch(o fyne.CanvasObject) fyne.CanvasObject {
	if !a.self {
		return o
	}
	return container.New(&minLayout{min: fyne.NewSize(MinTouch, MinTouch)}, o)
}

// minLayout gives its objects at least min size.
type minLayout struct{ min fyne.Size }

// Layout implements fyne.Layout.
func (m *minLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// MinSize implements fyne.Layout.
func (m *minLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := m.min
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (a *App) shortcuts() {
	c := a.w.Canvas()
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter {
			if qr := a.takeWedge(); strings.Count(qr, "|") >= 2 && !a.blocked() {
				a.scanned(qr)
			}
			return
		}
		a.Key(ev.Name)
	})
	c.SetOnTypedRune(a.wedgeRune)
	for _, k := range []fyne.KeyName{fyne.KeyReturn, fyne.KeyEnter, fyne.KeyL} {
		sc := &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierControl}
		c.AddShortcut(sc, func(s fyne.Shortcut) { a.appShortcut(s) })
	}
}

// Key handles the counter's function keys: F2 reads a card, Escape goes
// back, F9 opens the indicators.
func (a *App) Key(k fyne.KeyName) {
	a.s.Touch()
	if a.blocked() {
		return
	}
	switch k {
	case fyne.KeyF2:
		switch a.s.State() {
		case session.StateForm:
			a.addPerson("")
		default:
			a.read("")
		}
	case fyne.KeyEscape:
		if a.s.State() == session.StateIdentity {
			a.cancelVisit() // Esc here would end the visit: ask
			return
		}
		a.s.Back(a.ctx)
	case fyne.KeyF9:
		a.showIndicators()
	}
}

// ctrlEnter submits at Review and moves on elsewhere.
func (a *App) ctrlEnter() {
	a.s.Touch()
	if a.blocked() {
		return
	}
	switch a.s.State() {
	case session.StateReview:
		a.submit()
	case session.StateIdentity, session.StateForm, session.StateAttachments:
		a.next()
	case session.StateReceipt:
		a.finish()
	}
}

func (a *App) read(qr string) {
	a.setMsg("")
	if err := a.s.StartRead(a.ctx, session.ReadRequest{QR: qr}); err != nil {
		return // already reading or mid-visit: the key does nothing
	}
}

// scanned takes a QR a keyboard-wedge scanner typed: the requester's card
// on the first screens, the next person's on the form.
func (a *App) scanned(qr string) {
	if a.s.State() == session.StateForm {
		a.s.AddPersonQR(a.ctx, "", qr)
		return
	}
	a.read(qr)
}

func (a *App) addPerson(path string) {
	a.s.AddPerson(a.ctx, path)
}

func (a *App) next() {
	err := a.s.Next()
	a.afterNext(err)
}

func (a *App) submit() {
	if err := a.s.Submit(a.ctx); err != nil {
		a.setMsg(a.T("form.invalid", "?"))
		a.notify(true)
	}
}

func (a *App) setMsg(m string) {
	a.mu.Lock()
	a.lastMsg = m
	a.mu.Unlock()
}

func (a *App) takeMsg() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	m := a.lastMsg
	a.lastMsg = ""
	return m
}

func (a *App) checkAdmin(pin string) bool { return checkPIN(pin, a.o.AdminPIN) }

func (a *App) showAdmin() {
	pin := widget.NewPasswordEntry()
	msg := widget.NewLabel("")
	var pop *widget.PopUp
	exit := a.button(a.T("admin.exit"), theme.LogoutIcon(), func() {
		if !a.checkAdmin(pin.Text) {
			msg.SetText(a.T("admin.bad"))
			pin.SetText("")
			return
		}
		pop.Hide()
		a.s.Wipe(a.ctx, session.WipeCancel)
		if a.o.OnExit != nil {
			a.o.OnExit()
		}
	})
	cancel := a.button(a.keyLabel("nav.back"), theme.CancelIcon(), func() { pop.Hide() })
	kb := newKeyboard(a, true)
	kb.direct = pin
	pop = widget.NewModalPopUp(container.NewVBox(
		widget.NewLabelWithStyle(a.T("admin.title"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true}),
		widget.NewLabel(a.T("admin.pin")), pin, msg, kb.root, container.NewGridWithColumns(2, cancel, exit)), a.w.Canvas())
	pop.Show()
	a.w.Canvas().Focus(pin)
}

// SetLang switches the screens to lang (the top bar's switch does the same).
func (a *App) SetLang(l i18n.Lang) { a.t.SetLang(l) }

// sideLayout puts the counter's dossier list beside the screen on wide
// windows and drops it below SideMinWidth, where the form needs the room
// (a 1024×768 counter PC).
type sideLayout struct{}

// SideMinWidth is the narrowest window that still shows the side list.
const SideMinWidth = 1200

// Layout implements fyne.Layout: objs are the screen and the side list.
func (l *sideLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	body, side := objs[0], objs[1]
	body.Move(fyne.NewPos(0, 0))
	if size.Width < SideMinWidth {
		side.Hide()
		body.Resize(size)
		return
	}
	side.Show()
	sw := min(size.Width*0.26, 420)
	body.Resize(fyne.NewSize(size.Width-sw, size.Height))
	side.Move(fyne.NewPos(size.Width-sw, 0))
	side.Resize(fyne.NewSize(sw, size.Height))
}

// MinSize implements fyne.Layout: the screen's own (the list can go).
func (l *sideLayout) MinSize(objs []fyne.CanvasObject) fyne.Size { return objs[0].MinSize() }

// SideShown reports whether the counter's dossier list is on screen.
func (a *App) SideShown() bool {
	a.syncMu.Lock()
	defer a.syncMu.Unlock()
	return a.panel != nil && a.panel.root.Visible()
}

// finish ends the visit from the receipt. The rating is the citizen's, on
// the kiosk: at the counter the clerk's own screen never asks for it.
func (a *App) finish() {
	a.s.Finish()
	if !a.self {
		go a.s.Rate(a.ctx, 0) // no score: nothing is recorded; the visit is wiped
	}
}

// keyLabel is a button's text with its key hint ("Quay lại (Esc)") at the
// counter, and without it on the kiosk's touch screen, which has no keys.
func (a *App) keyLabel(key string) string {
	s := a.T(key)
	if !a.self {
		return s
	}
	if i := strings.LastIndex(s, " ("); i > 0 && strings.HasSuffix(s, ")") {
		hint := s[i+2 : len(s)-1]
		if strings.Contains(hint, "Esc") || strings.Contains(hint, "Ctrl") || strings.HasPrefix(hint, "F") {
			return s[:i]
		}
	}
	return s
}

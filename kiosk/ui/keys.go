package ui

import (
	"crypto/subtle"
	"regexp"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"motcua/kiosk/session"
)

// Why this file: Fyne hands every key and shortcut to the focused widget
// and never to the canvas, so once the cursor is in an entry (or a clerk
// clicked a dropdown) the canvas shortcuts went dead. Each input the App
// builds therefore passes the counter's keys back to the App first.

// field makes a text field whose function keys and Ctrl shortcuts reach the
// App. Its own scroller is off, so the mouse wheel over it scrolls the form.
func (a *App) field(path string) *TextField {
	f := newField(path, func(f *TextField) {
		a.mu.Lock()
		a.target = f
		kb := a.kb
		a.mu.Unlock()
		if kb != nil && slices.Contains(kb.fields, f) {
			kb.show() // first, so the field is revealed above the keyboard
		}
		a.reveal(f)
		a.showHelp(f.path)
	})
	f.Scroll = container.ScrollNone
	f.keys = a.fieldKey
	f.shortcut = a.appShortcut
	f.wedge = a.fieldWedge
	return f
}

// TypedKey implements fyne.Focusable: the App's keys first, then typing.
func (f *TextField) TypedKey(ev *fyne.KeyEvent) {
	if f.keys != nil && f.keys(ev.Name) {
		return
	}
	if (ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter) && f.wedge != nil && f.wedge(f) {
		return
	}
	f.Entry.TypedKey(ev)
}

// wedgeQR finds, at the end of what a field holds, the text of a card's
// QR code: a 12-digit ID number, then fields split by "|" (a character no
// form value has). A scanner types it at the cursor, which is at the end.
var wedgeQR = regexp.MustCompile(`\d{12}\|[^|]*\|[^|]*\|.*$`)

// fieldWedge takes a QR a wedge scanner typed into the focused field (at
// the counter the cursor is always in a field): the field gets back what
// it held and the QR is read as a card, the next person's on the form.
func (a *App) fieldWedge(f *TextField) bool {
	at := wedgeQR.FindStringIndex(f.Text)
	if at == nil || a.blocked() {
		return false
	}
	qr := f.Text[at[0]:]
	f.SetValue(f.Text[:at[0]])
	a.scanned(qr)
	return true
}

// TypedShortcut implements fyne.Shortcutable: the App's shortcuts first.
func (f *TextField) TypedShortcut(s fyne.Shortcut) {
	if f.shortcut != nil && f.shortcut(s) {
		return
	}
	f.Entry.TypedShortcut(s)
}

// SetValue sets the text and puts the cursor at its end, so a clerk who
// tabs into a prefilled value types after it, not before it.
func (f *TextField) SetValue(s string) {
	f.SetText(s)
	f.CursorRow = strings.Count(s, "\n")
	f.CursorColumn = len([]rune(s[strings.LastIndex(s, "\n")+1:]))
	f.Refresh()
}

// Choice is a dropdown that passes the App's keys on like a TextField.
type Choice struct {
	widget.Select
	a *App
}

func (a *App) choice(labels []string, changed func(string)) *Choice {
	c := &Choice{a: a}
	c.Options = labels
	c.OnChanged = changed
	c.PlaceHolder = a.T("form.choose")
	c.ExtendBaseWidget(c)
	return c
}

// TypedKey implements fyne.Focusable.
func (c *Choice) TypedKey(ev *fyne.KeyEvent) {
	if c.a.fieldKey(ev.Name) {
		return
	}
	c.Select.TypedKey(ev)
}

// TypedShortcut implements fyne.Shortcutable.
func (c *Choice) TypedShortcut(s fyne.Shortcut) { c.a.appShortcut(s) }

// fieldKey handles the App's keys typed inside a field: F2, F9, Escape,
// and the picker's arrows.
func (a *App) fieldKey(k fyne.KeyName) bool {
	switch k {
	case fyne.KeyF2, fyne.KeyF9, fyne.KeyEscape:
		a.Key(k)
		return true
	case fyne.KeyUp, fyne.KeyDown:
		if a.s.State() == session.StateChooseProcedure {
			a.movePick(k)
			return true
		}
	}
	return false
}

// appShortcut handles Ctrl+Enter (submit at review, next elsewhere) and
// Ctrl+L (lock the screen); it reports whether s was one of them.
func (a *App) appShortcut(s fyne.Shortcut) bool {
	cs, ok := s.(*desktop.CustomShortcut)
	if !ok || cs.Modifier != fyne.KeyModifierControl {
		return false
	}
	switch cs.KeyName {
	case fyne.KeyReturn, fyne.KeyEnter:
		a.ctrlEnter()
		return true
	case fyne.KeyL:
		a.Lock()
		return true
	}
	return false
}

// blocked reports whether the counter must not react to work keys: nobody
// is signed in, or the screen is locked.
func (a *App) blocked() bool {
	if a.self {
		return false
	}
	a.mu.Lock()
	locked := a.locked
	a.mu.Unlock()
	return locked || (a.o.CheckClerk != nil && a.s.Clerk() == "")
}

// confirm asks before a destructive action. The safe answer has the focus,
// so a stray Space or Enter keeps the data.
func (a *App) confirm(question, yes string, do func()) {
	var pop *widget.PopUp
	keep := a.button(a.T("confirm.keep"), theme.CancelIcon(), func() { pop.Hide() })
	keep.Importance = widget.HighImportance
	sure := a.button(yes, theme.DeleteIcon(), func() { pop.Hide(); do() })
	sure.Importance = widget.DangerImportance
	q := wrapped(question)
	pop = widget.NewModalPopUp(container.NewVBox(q, container.NewGridWithColumns(2, a.touch(sure), a.touch(keep))), a.w.Canvas())
	pop.Resize(fyne.NewSize(520, 0))
	pop.Show()
	a.w.Canvas().Focus(keep)
}

// cancelVisit asks, then wipes the visit.
func (a *App) cancelVisit() {
	a.confirm(a.T("confirm.cancel"), a.T("confirm.cancel.yes"), func() { a.s.Wipe(a.ctx, session.WipeCancel) })
}

// signOut asks, then ends the visit (the citizen's data goes) and the
// clerk's shift.
func (a *App) signOut() {
	a.confirm(a.T("confirm.signout"), a.T("confirm.signout.yes"), func() {
		a.s.Wipe(a.ctx, session.WipeCancel)
		a.s.SignOut(a.ctx)
		a.mu.Lock()
		a.locked = false
		a.mu.Unlock()
		if a.panel != nil {
			a.panel.update(nil)
		}
		a.notify(true)
	})
}

// Lock hides the counter behind the clerk's PIN for a short absence; the
// visit stays as it is. It does nothing when nobody is signed in.
func (a *App) Lock() {
	if a.self || a.o.CheckClerk == nil || a.s.Clerk() == "" {
		return
	}
	a.mu.Lock()
	a.locked = true
	a.mu.Unlock()
	a.notify(true)
}

// Locked reports whether the screen lock is on.
func (a *App) Locked() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.locked
}

func (a *App) lockScreen() fyne.CanvasObject {
	clerk := a.s.Clerk()
	pin := a.field("")
	pin.Password = true
	msg := widget.NewLabel("")
	try := func() {
		if a.o.CheckClerk(clerk, pin.Text) {
			a.mu.Lock()
			a.locked = false
			a.mu.Unlock()
			a.notify(true)
			return
		}
		msg.SetText(a.T("lock.bad"))
		pin.SetText("")
	}
	pin.OnSubmitted = func(string) { try() }
	unlock := widget.NewButtonWithIcon(a.T("lock.unlock"), theme.LoginIcon(), try)
	unlock.Importance = widget.HighImportance
	out := widget.NewButtonWithIcon(a.T("counter.signout"), theme.LogoutIcon(), a.signOut)
	box := container.NewVBox(heading(a.T("lock.title")), wrapped(a.T("lock.who", clerk)), pin, msg, container.NewGridWithColumns(2, out, unlock))
	a.focusNext = pin
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(420, box.MinSize().Height), box))
}

// wedgeRune collects what a keyboard-wedge QR scanner types while no field
// has the focus; Enter then reads it (a CCCD QR is '|'-separated).
func (a *App) wedgeRune(r rune) {
	a.mu.Lock()
	if len(a.wedge) < 512 {
		a.wedge = append(a.wedge, r)
	}
	a.mu.Unlock()
}

// takeWedge returns and clears what the wedge typed.
func (a *App) takeWedge() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := string(a.wedge)
	a.wedge = a.wedge[:0]
	return strings.TrimSpace(s)
}

// checkPIN compares PINs in constant time.
func checkPIN(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// FocusField redraws the form with the cursor in the field at path,
// scrolled into view, as "Sửa" on the review does (the screenshot script
// uses it to show a part of a long form).
func (a *App) FocusField(path string) {
	a.mu.Lock()
	a.errFirst = path
	a.mu.Unlock()
	a.notify(true)
}

// reveal scrolls the form so that o is in view (Tab into a field below the
// fold, or the on-screen keyboard's "next key").
func (a *App) reveal(o fyne.CanvasObject) {
	if o.Size().IsZero() {
		// A screen just built is laid out when it is first drawn (the GL
		// driver makes a widget's renderer then, so its content has no
		// size before): scroll once it is.
		time.AfterFunc(50*time.Millisecond, func() {
			fyne.Do(func() {
				if !o.Size().IsZero() {
					a.scrollTo(o)
				}
			})
		})
		return
	}
	a.scrollTo(o)
}

// positionIn is o's position inside root, summed down the containers
// that hold it. The driver's absolute positions will not do: the GL
// driver knows an object's canvas only once it was drawn, and a field
// below the fold has not been.
func positionIn(root, o fyne.CanvasObject) (fyne.Position, bool) {
	if root == o {
		return fyne.Position{}, true
	}
	c, ok := root.(*fyne.Container)
	if !ok {
		return fyne.Position{}, false
	}
	for _, child := range c.Objects {
		if p, ok := positionIn(child, o); ok {
			return child.Position().Add(p), true
		}
	}
	return fyne.Position{}, false
}

func (a *App) scrollTo(o fyne.CanvasObject) {
	a.mu.Lock()
	sc := a.scroll
	a.mu.Unlock()
	if sc == nil || sc.Content == nil {
		return
	}
	at, ok := positionIn(sc.Content, o)
	if !ok {
		return // not on the form (a field of a dialog)
	}
	top := at.Y
	h := o.Size().Height
	view := sc.Size().Height
	switch {
	case top < sc.Offset.Y:
		sc.Offset.Y = top
	case top+h > sc.Offset.Y+view:
		sc.Offset.Y = top + h - view
	default:
		return
	}
	sc.Refresh()
}

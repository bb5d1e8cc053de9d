package ui

import (
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"motcua/kiosk/ui/telex"
)

// keyboard is the on-screen keyboard of the self-service kiosk, which has
// no physical one. Letters go through the Telex engine, so "Nguyeenx"
// types "Nguyễn". It types into direct when set, else into the form field
// that last had focus.
type keyboard struct {
	a      *App
	root   *fyne.Container
	direct *widget.Entry
	fields []*TextField
	// frame, when set, is the screen the keyboard comes up in on demand:
	// down while the citizen reads the form, up when a field is tapped
	// (on a 768-px screen a keyboard always up leaves two rows of form).
	frame  *fyne.Container
	shift  bool
	digits bool
}

var keyRows = []string{"1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm,./-"}

func newKeyboard(a *App, digits bool) *keyboard {
	k := &keyboard{a: a, digits: digits}
	k.root = container.NewVBox()
	if digits {
		grid := container.NewGridWithColumns(3)
		for _, r := range "123456789" {
			grid.Add(k.key(string(r)))
		}
		grid.Add(k.special(a.T("keyboard.backspace"), nil, k.backspace))
		grid.Add(k.key("0"))
		k.root.Add(grid)
		return k
	}
	for _, row := range keyRows {
		grid := container.NewGridWithColumns(len(row))
		for _, r := range row {
			grid.Add(k.key(string(r)))
		}
		k.root.Add(grid)
	}
	// Words and theme icons, not arrow symbols: the bundled font has no
	// ⌫ or ⇧, and a fallback font costs megabytes.
	k.root.Add(k.controls(false))
	return k
}

// controls is the keyboard's last row; a keyboard that comes up on demand
// also has a key to put it down.
func (k *keyboard) controls(hide bool) *fyne.Container {
	a := k.a
	row := container.NewGridWithColumns(4,
		k.special(a.T("keyboard.shift"), theme.MoveUpIcon(), func() { k.shift = !k.shift }),
		k.special(a.T("keyboard.space"), nil, func() { k.typeRune(' ') }),
		k.special(a.T("keyboard.backspace"), nil, k.backspace),
		k.special(a.T("keyboard.next"), theme.NavigateNextIcon(), k.next))
	if hide {
		row.Layout = layout.NewGridLayoutWithColumns(5)
		row.Add(k.special(a.T("keyboard.hide"), theme.VisibilityOffIcon(), k.hide))
	}
	return row
}

// onDemand makes the keyboard come up in frame when a field is tapped,
// and starts it down.
func (k *keyboard) onDemand(frame *fyne.Container) {
	k.frame = frame
	k.root.Objects[len(k.root.Objects)-1] = k.controls(true)
	k.root.Hide()
}

// show brings an on-demand keyboard up, before the field it types into is
// scrolled into view above it.
func (k *keyboard) show() {
	if k.frame == nil || k.root.Visible() {
		return
	}
	k.root.Show()
	k.frame.Refresh()
}

// hide puts an on-demand keyboard down; the field loses the cursor, so the
// next tap on it brings the keyboard up again.
func (k *keyboard) hide() {
	if k.frame == nil {
		return
	}
	k.root.Hide()
	k.a.w.Canvas().Unfocus()
	k.frame.Refresh()
}

func (k *keyboard) key(s string) fyne.CanvasObject {
	r := []rune(s)[0]
	b := widget.NewButton(s, func() {
		k.a.s.Touch()
		if k.shift {
			r := unicode.ToUpper(r)
			k.shift = false
			k.typeRune(r)
			return
		}
		k.typeRune(r)
	})
	return k.a.touch(b)
}

func (k *keyboard) special(s string, icon fyne.Resource, f func()) fyne.CanvasObject {
	return k.a.touch(widget.NewButtonWithIcon(s, icon, func() { k.a.s.Touch(); f() }))
}

func (k *keyboard) target() *widget.Entry {
	if k.direct != nil {
		return k.direct
	}
	k.a.mu.Lock()
	t := k.a.target
	k.a.mu.Unlock()
	if t == nil && len(k.fields) > 0 {
		t = k.fields[0]
		k.a.mu.Lock()
		k.a.target = t
		k.a.mu.Unlock()
	}
	if t == nil {
		return nil
	}
	return &t.Entry
}

// next is the "Ô tiếp" key: the form's next text field takes the focus,
// scrolled into view above the keyboard, and the keys type into it. It
// counts from the field the keys type into, not from the canvas's focus,
// which a tap on a key may have taken away. Choices and ticks are answered
// by touching them; the keyboard only moves among fields it can type in.
func (k *keyboard) next() {
	if len(k.fields) == 0 {
		k.a.w.Canvas().FocusNext()
		return
	}
	k.a.mu.Lock()
	cur := k.a.target
	k.a.mu.Unlock()
	if f, ok := k.a.w.Canvas().Focused().(*TextField); ok {
		cur = f
	}
	to := k.fields[0] // nothing typed in yet: the first field
	for i, f := range k.fields {
		if f == cur {
			to = k.fields[(i+1)%len(k.fields)]
			break
		}
	}
	k.a.w.Canvas().Focus(to) // its focus handler makes it the target and reveals it
	k.a.reveal(to)           // already focused (a form of one field): still in view
}

// Type types keys as if tapped one by one (for tests and the QR wedge).
func (k *keyboard) Type(keys string) {
	for _, r := range keys {
		k.typeRune(r)
	}
}

func (k *keyboard) typeRune(r rune) {
	e := k.target()
	if e == nil {
		return
	}
	text := e.Text
	if unicode.IsLetter(r) && r <= unicode.MaxASCII && !k.digits {
		head, w := telex.LastWord(text)
		text = head + telex.Key(w, r)
	} else {
		text += string(r)
	}
	k.set(e, text)
}

func (k *keyboard) backspace() {
	e := k.target()
	if e == nil || e.Text == "" {
		return
	}
	rs := []rune(e.Text)
	k.set(e, string(rs[:len(rs)-1]))
}

// set types text into e and, on the form, keeps the field in view: the
// citizen may have scrolled away from the field the keys type into.
func (k *keyboard) set(e *widget.Entry, text string) {
	e.SetText(text)
	last := text[strings.LastIndex(text, "\n")+1:]
	e.CursorRow = strings.Count(text, "\n")
	e.CursorColumn = len([]rune(last))
	e.Refresh()
	k.a.mu.Lock()
	t := k.a.target
	k.a.mu.Unlock()
	if k.direct == nil && t != nil {
		k.a.reveal(t)
	}
}

// Keyboard returns the on-screen keyboard of the form screen (self-service
// mode), or nil.
func (a *App) Keyboard() interface{ Type(string) } {
	if a.kb == nil {
		return nil
	}
	return a.kb
}

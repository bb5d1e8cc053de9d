package ui

import (
	"bytes"
	"image"
	"image/color"
	_ "image/jpeg" // DG2 photos
	_ "image/png"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"motcua/assets"
	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/internal/vntime"
	"motcua/kiosk/session"
)

func (a *App) screen() fyne.CanvasObject {
	if !a.self && a.o.CheckClerk != nil && a.s.Clerk() == "" {
		return a.signIn()
	}
	if a.Locked() {
		return a.lockScreen()
	}
	var body fyne.CanvasObject
	switch a.s.State() {
	case session.StateWelcome, session.StateWiped:
		body = a.welcome()
	case session.StateReading:
		body = a.reading()
	case session.StateReadFailed:
		body = a.readFailed()
	case session.StateIdentity:
		body = a.identity()
	case session.StateChooseProcedure:
		body = a.picker()
	case session.StateForm:
		body = a.formScreen()
	case session.StateAttachments:
		body = a.attachments()
	case session.StateReview:
		body = a.review()
	case session.StateSubmitting:
		body = a.submitting()
	case session.StateReceipt:
		body = a.receiptScreen()
	case session.StateRating:
		body = a.rating()
		if !a.self {
			body = a.welcome() // for the instant before the wipe
		}
	default:
		body = widget.NewLabel(a.s.State().String())
	}
	var banners []fyne.CanvasObject
	if n := a.s.Notice(); n.Kind != session.NoticeNone && n.Kind != session.NoticePersonAdded {
		banners = append(banners, banner(a.T(n.Key(), n.Args()...), theme.ColorNameWarning))
	}
	if m := a.takeMsg(); m != "" {
		banners = append(banners, banner(m, theme.ColorNameError))
	}
	if len(banners) == 0 {
		return container.NewPadded(body)
	}
	return container.NewPadded(container.NewBorder(container.NewVBox(banners...), nil, nil, nil, body))
}

func banner(text string, c fyne.ThemeColorName) fyne.CanvasObject {
	// A light tint of the status colour with a strong edge: the text keeps
	// the normal foreground colour, which reads on it at AA.
	bg := canvas.NewRectangle(tint(theme.Color(c), theme.Color(theme.ColorNameBackground)))
	bg.StrokeColor = theme.Color(c)
	bg.StrokeWidth = 2
	bg.CornerRadius = 4
	l := widget.NewLabelWithStyle(text, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	l.Wrapping = fyne.TextWrapWord
	return container.NewStack(bg, l)
}

func heading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	l.Wrapping = fyne.TextWrapWord
	return l
}

func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

func icon(name string, size float32) *canvas.Image {
	img := canvas.NewImageFromResource(fyne.NewStaticResource(name+".svg", assets.Icon(name)))
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(size, size))
	return img
}

func (a *App) welcome() fyne.CanvasObject {
	title := widget.NewLabelWithStyle(a.T("welcome.title"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	sub := widget.NewLabelWithStyle(a.T("welcome.subtitle"), fyne.TextAlignCenter, fyne.TextStyle{})
	sub.Wrapping = fyne.TextWrapWord
	qr := a.field("")
	qr.SetPlaceHolder("QR …")
	qr.OnSubmitted = func(s string) { a.read(strings.TrimSpace(s)) }
	label, tap := a.T("welcome.read"), func() { a.read("") }
	if a.self {
		label = a.T("welcome.start")
	}
	read := a.button(label, theme.MediaPlayIcon(), tap)
	read.Importance = widget.HighImportance
	objs := []fyne.CanvasObject{layout.NewSpacer()}
	a.mu.Lock()
	thanks := a.thanks
	a.thanks = false
	a.mu.Unlock()
	if thanks {
		objs = append(objs, banner(a.T("rating.thanks"), theme.ColorNameSuccess))
	}
	objs = append(objs, title, container.NewCenter(container.NewHBox(icon("card", 96), icon("qr", 96))), sub)
	if a.self {
		attract := wrapped(a.T("welcome.attract"))
		attract.Alignment = fyne.TextAlignCenter
		objs = append(objs, attract)
	}
	objs = append(objs, container.NewCenter(a.touch(read)), container.NewCenter(container.NewGridWrap(fyne.NewSize(420, qr.MinSize().Height), qr)), layout.NewSpacer())
	if a.self {
		// Touch anywhere starts: the whole screen is the button.
		return container.NewStack(newTapArea(func() { a.s.Touch(); a.read("") }), container.NewVBox(objs...))
	}
	return container.NewVBox(objs...)
}

// steps draws the read's progress: done steps ticked, the current one
// with an activity mark.
func (a *App) steps() fyne.CanvasObject {
	cur := a.s.Step()
	box := container.NewVBox()
	for st := session.StepConnecting; st < session.StepDone; st++ {
		var mark fyne.CanvasObject
		style := fyne.TextStyle{}
		switch {
		case st < cur:
			mark = icon("verified", 24)
		case st == cur:
			act := widget.NewActivity()
			act.Start()
			mark = container.NewGridWrap(fyne.NewSize(24, 24), act)
			style.Bold = true
		default:
			mark = container.NewGridWrap(fyne.NewSize(24, 24))
		}
		box.Add(container.NewHBox(mark, widget.NewLabelWithStyle(a.T("step."+st.String()), fyne.TextAlignLeading, style)))
	}
	return box
}

func (a *App) reading() fyne.CanvasObject {
	box := container.NewVBox(layout.NewSpacer(), heading(a.T("reading.title")))
	if a.s.CardLifted() {
		// A card lifted mid-read resumes where it stopped once it is back.
		l := widget.NewLabelWithStyle(a.T("reading.lifted"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
		l.Importance = widget.WarningImportance
		l.Wrapping = fyne.TextWrapWord
		box.Add(l)
	}
	box.Add(container.NewCenter(a.steps()))
	box.Add(layout.NewSpacer())
	return box
}

func (a *App) readFailed() fyne.CanvasObject {
	retry := a.button(a.T("identity.retry"), theme.ViewRefreshIcon(), func() { a.read("") })
	retry.Importance = widget.HighImportance
	cancel := a.button(a.T("nav.cancel"), theme.CancelIcon(), func() { a.s.Back(a.ctx) })
	return container.NewVBox(layout.NewSpacer(),
		container.NewCenter(icon("failed", 72)),
		heading(a.T("error.title")),
		wrapped(a.problemText(a.s.Problem())),
		container.NewCenter(container.NewHBox(a.touch(cancel), a.touch(retry))), layout.NewSpacer())
}

// checkText is one check's reason in plain words.
func (a *App) checkText(c cardreader.Check) string {
	if c.Code != "" && a.t.Has("check."+c.Code) {
		return a.T("check." + c.Code)
	}
	if c.Code != "" {
		return a.T("check.unknown", c.Code)
	}
	return a.T("check.not-built")
}

// Badge returns the verification badge for a Reading: icon name, title and
// one sentence saying why.
func (a *App) Badge(r *cardreader.Reading) (iconName, title, detail string) {
	v, c := session.Judge(r)
	if r != nil && r.Verification.MRZ.Status == cardreader.StatusFailed && v != session.VerdictFailed {
		v, c = session.VerdictFailed, r.Verification.MRZ // DG1 against DG13: a mismatch is not trusted
	}
	if v == session.VerdictUnverified && noTrustAnchor(r) {
		// Not checked is not failed: the kiosk lacks the CSCA, not the card.
		return "warning", a.T("cards.badge.notrust"), a.T("cards.badge.notrust.detail")
	}
	switch v {
	case session.VerdictChip:
		return "verified", a.T("badge.chip"), a.T("badge.chip.detail")
	case session.VerdictQR:
		return "warning", a.T("badge.qr"), a.T("badge.qr.detail")
	case session.VerdictUnverified:
		return "warning", a.T("badge.unverified"), a.T("badge.unverified.detail", a.checkText(c))
	}
	return "failed", a.T("badge.failed"), a.T("badge.failed.detail", a.checkText(c))
}

func photoOf(r *cardreader.Reading) fyne.CanvasObject {
	if len(r.Photo.Data) > 0 {
		if img, _, err := image.Decode(bytes.NewReader(r.Photo.Data)); err == nil {
			ci := canvas.NewImageFromImage(img)
			ci.FillMode = canvas.ImageFillContain
			ci.SetMinSize(fyne.NewSize(150, 200))
			return ci
		}
	}
	return nil
}

func (a *App) sexText(s cccd.Sex) string {
	if a.t.Lang() == "en" {
		switch s {
		case cccd.Male:
			return "Male"
		case cccd.Female:
			return "Female"
		}
		return ""
	}
	return s.Vietnamese()
}

func (a *App) identity() fyne.CanvasObject {
	r := a.s.Requester()
	if r == nil {
		return a.welcome()
	}
	c := r.Citizen
	var photo fyne.CanvasObject = photoOf(r)
	if photo == nil {
		bg := canvas.NewRectangle(color.NRGBA{0xdd, 0xdd, 0xdd, 0xff})
		bg.SetMinSize(fyne.NewSize(150, 200))
		photo = container.NewStack(bg, container.NewCenter(widget.NewLabel(a.T("identity.nophoto"))))
	}
	expiry := c.ExpiryDate.String()
	if c.NoExpiry {
		expiry = a.T("identity.noexpiry")
	}
	rows := []fyne.CanvasObject{}
	add := func(k, v string) {
		if v == "" {
			return
		}
		val := widget.NewLabelWithStyle(v, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		val.Wrapping = fyne.TextWrapWord
		rows = append(rows, widget.NewLabel(a.T(k)), val)
	}
	add("identity.name", c.FullName)
	add("identity.id", c.ID)
	add("identity.dob", c.DateOfBirth.String())
	add("identity.sex", a.sexText(c.Sex))
	res, note := a.residence(c.PlaceOfResidence)
	add("identity.residence", res)
	if note != "" {
		rows = append(rows, widget.NewLabel(""), noteLabel(note))
	}
	add("identity.expiry", expiry)
	details := container.New(layout.NewFormLayout(), rows...)

	ic, title, detail := a.Badge(r)
	badge := container.NewBorder(nil, nil, icon(ic, 40), nil,
		container.NewVBox(widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), wrapped(detail)))
	badges := container.NewVBox(badge)
	for _, l := range IdentityLines(r) {
		badges.Add(container.NewBorder(nil, nil, icon(l.Icon, 20), nil, wrapped(a.lineText(l))))
	}

	a.cardNotes(r, badges)
	cont := a.button(a.T("identity.continue"), theme.NavigateNextIcon(), func() { a.s.Continue() })
	cont.Importance = widget.HighImportance
	retry := a.button(a.T("identity.retry"), theme.ViewRefreshIcon(), func() { a.read("") })
	cancel := a.button(a.T("nav.cancel"), theme.CancelIcon(), a.cancelVisit)
	actions := container.NewHBox(layout.NewSpacer(), a.touch(cancel), a.touch(retry))
	if a.s.CanProceed() {
		actions.Add(a.touch(cont))
	} else {
		badges.Add(banner(a.blockedText(), theme.ColorNameError))
		if !a.self && a.s.Clerk() != "" {
			actions.Add(a.touch(a.button(a.T("identity.proceed_anyway"), theme.WarningIcon(), func() { a.s.Override(a.ctx) })))
		}
	}
	return container.NewBorder(heading(a.T("identity.title")), actions, container.NewVBox(photo), nil,
		container.NewVScroll(container.NewVBox(details, widget.NewSeparator(), badges)))
}

func (a *App) submitting() fyne.CanvasObject {
	bar := widget.NewProgressBarInfinite()
	return container.NewVBox(layout.NewSpacer(), heading(a.T("submit.title")), bar, layout.NewSpacer())
}

func (a *App) rating() fyne.CanvasObject {
	row := container.NewGridWithColumns(3)
	for i, ic := range []string{"failed", "verified", "verified"} {
		score := i + 1
		b := a.button(a.T("rating."+string(rune('0'+score))), nil, func() { a.rate(score) })
		b.Importance = widget.HighImportance
		row.Add(container.NewVBox(container.NewCenter(icon(ic, 48)), a.touch(b)))
	}
	skip := a.button(a.T("rating.skip"), nil, func() { a.rate(0) })
	return container.NewVBox(layout.NewSpacer(), heading(a.T("rating.title")), row, container.NewCenter(a.touch(skip)), layout.NewSpacer())
}

func (a *App) rate(score int) {
	a.mu.Lock()
	a.thanks = true
	a.mu.Unlock()
	go a.s.Rate(a.ctx, score) // the store write stays off the UI goroutine
}

func (a *App) signIn() fyne.CanvasObject {
	id := a.field("")
	pin := a.field("")
	pin.Password = true
	msg := widget.NewLabel("")
	try := func() {
		if a.o.CheckClerk(id.Text, pin.Text) {
			a.s.SignIn(a.ctx, id.Text)
			return
		}
		msg.SetText(a.T("counter.signin.bad"))
		pin.SetText("")
	}
	pin.OnSubmitted = func(string) { try() }
	id.OnSubmitted = func(string) { a.w.Canvas().Focus(pin) }
	go_ := widget.NewButtonWithIcon(a.T("counter.signin.go"), theme.LoginIcon(), try)
	go_.Importance = widget.HighImportance
	form := container.New(layout.NewFormLayout(), widget.NewLabel(a.T("counter.clerk")), id, widget.NewLabel(a.T("counter.pin")), pin)
	box := container.NewVBox(heading(a.T("counter.signin")), form, msg, go_)
	a.focusNext = id
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(420, box.MinSize().Height), box))
}

// blockedText says why the identity cannot be used and, at the counter,
// what the clerk can do (the citizen's screen sends them to the counter).
func (a *App) blockedText() string {
	if a.self {
		return a.T("identity.blocked")
	}
	return a.T("identity.blocked.counter")
}

// problemText is a failure message for whoever reads the screen: at the
// counter a clerk is the reader, so "ask a clerk" becomes what to do.
func (a *App) problemText(key string) string {
	if !a.self && a.t.Has(key+".counter") {
		return a.T(key + ".counter")
	}
	return a.T(key)
}

// cardNotes adds what the clerk must see besides the badge: an expired
// card, and a manual acceptance (which the audit trail records).
func (a *App) cardNotes(r *cardreader.Reading, box *fyne.Container) {
	c := r.Citizen
	if !c.NoExpiry && c.ExpiryDate.Year > 0 && c.ExpiryDate.Before(vntime.Today(a.s.Now())) {
		box.Add(banner(a.T("identity.expired", c.ExpiryDate.String()), theme.ColorNameWarning))
	}
	if a.s.Overridden() {
		box.Add(banner(a.T("identity.overridden", a.s.Clerk()), theme.ColorNameWarning))
	}
}

package ui

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"motcua/internal/vntime"
	"motcua/kiosk/catalog"
	"motcua/kiosk/pdfdoc"
	"motcua/kiosk/printing"
	"motcua/kiosk/receipt"
)

var (
	ink   = color.NRGBA{0, 0, 0, 0xff}
	paper = color.NRGBA{0xff, 0xff, 0xff, 0xff}
)

// slipWidth is the slip's width in Fyne units; the PDF renders it at 2×.
const slipWidth = 560

func text(s string, size float32, bold bool, align fyne.TextAlign) *canvas.Text {
	t := canvas.NewText(s, ink)
	t.TextSize = size
	t.TextStyle.Bold = bold
	t.Alignment = align
	return t
}

// lines breaks s into lines of at most n runes at spaces (canvas.Text does
// not wrap, and the slip must look the same on paper as on screen).
func lines(s string, n int) []string {
	var out []string
	var cur []rune
	for _, w := range strings.Fields(s) {
		if len(cur) > 0 && len(cur)+1+len([]rune(w)) > n {
			out = append(out, string(cur))
			cur = nil
		}
		if len(cur) > 0 {
			cur = append(cur, ' ')
		}
		cur = append(cur, []rune(w)...)
	}
	if len(cur) > 0 {
		out = append(out, string(cur))
	}
	return out
}

// Slip draws the receipt as paper: black on white whatever the theme, so
// the screen shows what the PDF prints.
func (a *App) Slip(r *receipt.Receipt) fyne.CanvasObject {
	r = a.localSlip(r)
	T := a.T
	col := container.NewVBox(
		text(T("receipt.motto1"), 13, true, fyne.TextAlignCenter),
		text(T("receipt.motto2"), 13, false, fyne.TextAlignCenter),
		text(T("receipt.agency"), 12, true, fyne.TextAlignCenter),
		layout.NewSpacer(),
		text(T("receipt.title"), 17, true, fyne.TextAlignCenter),
	)
	codeKey := "receipt.code"
	if r.Local {
		codeKey = "receipt.localcode"
	}
	kv := func(k, v string) {
		if v == "" {
			return
		}
		ls := lines(v, 44)
		col.Add(container.NewHBox(text(T(k)+":", 13, false, fyne.TextAlignLeading), text(ls[0], 13, true, fyne.TextAlignLeading)))
		for _, l := range ls[1:] {
			col.Add(container.NewHBox(text("      ", 13, false, fyne.TextAlignLeading), text(l, 13, true, fyne.TextAlignLeading)))
		}
	}
	kv(codeKey, r.Code)
	name := r.ApplicantName
	if r.ApplicantID != "" {
		name = strings.TrimSpace(name + " — " + r.ApplicantID)
	}
	kv("receipt.applicant", name)
	kv("address.receipt", r.ApplicantAddress)
	if r.AddressOnCard != "" {
		for _, l := range lines(T("address.converted", r.AddressOnCard), 70) {
			col.Add(text(l, 11, false, fyne.TextAlignLeading))
		}
	}
	kv("receipt.procedure", r.ProcedureName)
	if p, ok := a.procedureOf(r); ok {
		kv("review.fee", a.feeText(p))
	}
	kv("receipt.received", r.ReceivedAt.In(vntime.Zone).Format("15:04 02/01/2006"))
	if !r.Due.IsZero() {
		kv("receipt.appointment", r.Due.String())
	}
	if len(r.Linked) > 0 {
		col.Add(text(T("receipt.linked")+":", 13, false, fyne.TextAlignLeading))
		for i, l := range r.Linked {
			for j, ln := range lines(fmt.Sprintf("%s — %s", l.Code, l.ProcedureName), 64) {
				p := "   "
				if j == 0 {
					p = fmt.Sprintf("%d. ", i+1)
				}
				col.Add(text(p+ln, 12, j == 0, fyne.TextAlignLeading))
			}
		}
	}
	if len(r.Components) > 0 {
		col.Add(text(T("receipt.components")+":", 13, false, fyne.TextAlignLeading))
		for i, c := range r.Components {
			for j, l := range lines(c, 60) {
				p := "   "
				if j == 0 {
					p = fmt.Sprintf("%d. ", i+1)
				}
				col.Add(text(p+l, 12, false, fyne.TextAlignLeading))
			}
		}
	}
	if r.Local {
		for _, l := range lines(T("receipt.offline.note"), 70) {
			col.Add(text(l, 12, true, fyne.TextAlignLeading))
		}
	}
	for _, l := range lines(T("receipt.lookup"), 70) {
		col.Add(text(l, 11, false, fyne.TextAlignLeading))
	}
	var qr fyne.CanvasObject = layout.NewSpacer()
	if png, err := r.QRPNG(256); err == nil {
		if img, _, err := image.Decode(bytes.NewReader(png)); err == nil {
			q := canvas.NewImageFromImage(img)
			q.FillMode = canvas.ImageFillContain
			q.ScaleMode = canvas.ImageScalePixels
			q.SetMinSize(fyne.NewSize(128, 128))
			qr = q
		}
	}
	bg := canvas.NewRectangle(paper)
	bg.StrokeColor = ink
	bg.StrokeWidth = 1
	content := container.NewBorder(nil, nil, container.NewVBox(qr), nil, col)
	return container.NewStack(bg, container.NewPadded(container.NewGridWrap(fyne.NewSize(slipWidth, content.MinSize().Height), content)))
}

// RenderSlip draws the slip offscreen at 2× for printing. It must run on
// the UI goroutine.
func (a *App) RenderSlip(r *receipt.Receipt) image.Image {
	slip := a.Slip(r)
	c := software.NewCanvas()
	c.SetPadded(false)
	c.SetScale(2)
	c.SetContent(slip)
	c.Resize(slip.MinSize())
	img := c.Capture()
	scrub(slip)
	return img
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' || r == '.' {
			return r
		}
		return '_'
	}, s)
}

// SavePDF writes the slip as a text PDF (A4) to SaveDir; a written file
// becomes LastSaved, and done gets the path (on the UI goroutine). The work
// runs off the UI goroutine.
func (a *App) SavePDF(r *receipt.Receipt, done func(path string, err error)) {
	rc := *r
	dir := a.o.SaveDir
	if dir == "" {
		dir = os.TempDir()
	}
	path := filepath.Join(dir, "bien-nhan-"+safeName(r.Code)+".pdf")
	go func() {
		err := os.MkdirAll(dir, 0o700)
		if err == nil {
			var pdf []byte
			if pdf, err = rc.PDF(pdfdoc.A4); err == nil {
				err = os.WriteFile(path, pdf, 0o600)
			}
		}
		fyne.DoAndWait(func() {
			a.syncMu.Lock()
			defer a.syncMu.Unlock()
			if err == nil {
				a.mu.Lock()
				a.saved = path
				a.mu.Unlock()
			}
			if done != nil {
				done(path, err)
			}
		})
	}()
}

func (a *App) receiptScreen() fyne.CanvasObject {
	r := a.s.Receipt()
	if r == nil {
		return a.welcome()
	}
	status := widget.NewLabel("")
	status.Wrapping = fyne.TextWrapWord
	print := a.button(a.T("receipt.print"), theme.DocumentPrintIcon(), nil)
	print.OnTapped = func() {
		a.s.Touch()
		print.Disable()
		if a.o.Print != nil {
			status.SetText(a.T("print.sending"))
			a.o.Print(*r, !a.self, func(u printing.Update) {
				fyne.Do(func() {
					a.syncMu.Lock()
					defer a.syncMu.Unlock()
					status.SetText(a.printStatus(u))
					if u.Done && (u.Err != nil || u.State == printing.JobCompleted) {
						print.Enable()
					}
				})
			})
			return
		}
		a.SavePDF(r, func(path string, err error) {
			print.Enable()
			if err != nil {
				status.SetText(err.Error())
				return
			}
			if a.self {
				a.mu.Lock()
				a.spool = append(a.spool, path)
				a.mu.Unlock()
			}
			status.SetText(a.T("receipt.saved", filepath.Base(path)))
		})
	}
	done := a.button(a.T("receipt.done"), theme.ConfirmIcon(), a.finish)
	done.Importance = widget.HighImportance
	actions := container.NewHBox(layout.NewSpacer(), a.touch(print), a.touch(done))
	return container.NewBorder(heading(a.T("receipt.title")), container.NewVBox(status, actions), nil, nil,
		container.NewVScroll(container.NewCenter(a.Slip(r))))
}

// printStatus is the status line for a print update, in the screen's
// language; errors say what to do (no printer, stopped, out of paper).
func (a *App) printStatus(u printing.Update) string {
	doc := a.T("print.doc." + strings.SplitN(u.Title, "-", 2)[0])
	switch {
	case u.Err != nil:
		return a.T("print.failed", doc, printing.Message(u.Err, string(a.t.Lang())))
	case u.Done:
		return a.T("print.done", doc)
	case u.State == printing.JobPrinting:
		return a.T("print.printing", doc)
	}
	return a.T("print.queued", doc)
}

// LastSaved returns the path of the last receipt PDF written.
func (a *App) LastSaved() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.saved
}

// localSlip returns r with the catalog's names (procedures, linked steps,
// documents) in the screen's language: the dossier keeps them in
// Vietnamese, and the slip's labels already follow the language.
func (a *App) localSlip(r *receipt.Receipt) *receipt.Receipt {
	lang := string(a.t.Lang())
	if lang == "vi" || a.s.Catalog() == nil {
		return r
	}
	names := map[string]string{}
	for _, p := range a.s.Catalog().All() {
		names[p.Name.VI] = p.Name.In(lang)
		for _, at := range p.Attachments {
			names[at.Name.VI] = at.Name.In(lang)
		}
	}
	tr := func(s string) string {
		if n, ok := names[s]; ok {
			return n
		}
		return s
	}
	c := *r
	c.ProcedureName = tr(r.ProcedureName)
	c.Components = make([]string, len(r.Components))
	for i, x := range r.Components {
		c.Components[i] = tr(x)
	}
	c.Linked = append(c.Linked[:0:0], r.Linked...)
	for i := range c.Linked {
		c.Linked[i].ProcedureName = tr(c.Linked[i].ProcedureName)
	}
	return &c
}

// procedureOf finds the catalog entry a receipt is for (its national code
// or slug).
func (a *App) procedureOf(r *receipt.Receipt) (*catalog.Procedure, bool) {
	if a.s.Catalog() == nil || r.ProcedureCode == "" {
		return nil, false
	}
	return a.s.Catalog().Lookup(r.ProcedureCode)
}

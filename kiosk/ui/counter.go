package ui

import (
	"fmt"
	"image/color"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"motcua/internal/vntime"
	"motcua/kiosk/printing"
	"motcua/kiosk/receipt"
	"motcua/kiosk/session"
)

func colorFor(online bool) color.Color {
	if online {
		return color.NRGBA{0x1b, 0x7f, 0x3b, 0xff}
	}
	return color.NRGBA{0xb0, 0x00, 0x20, 0xff}
}

// counterPanel is the clerk's list of today's dossiers with their sync
// state and a reprint button each.
type counterPanel struct {
	a       *App
	root    *fyne.Container
	list    *fyne.Container
	title   *widget.Label
	status  *widget.Label // the last reprint's progress
	entries []session.Entry
}

func newCounterPanel(a *App) *counterPanel {
	p := &counterPanel{a: a, list: container.NewVBox(), title: heading(a.T("counter.today")), status: widget.NewLabel("")}
	p.status.Wrapping = fyne.TextWrapWord
	p.status.Hide()
	p.root = container.NewBorder(p.title, p.status, nil, nil, container.NewVScroll(p.list))
	return p
}

// say shows a reprint's progress under the list (on the UI goroutine).
func (p *counterPanel) say(s string) {
	p.status.SetText(s)
	p.status.Show()
}

func (p *counterPanel) update(es []session.Entry) {
	a := p.a
	if a.blocked() {
		es = nil // nobody signed in (or locked): no dossier list, no reprint
		p.status.Hide()
	}
	p.entries = es
	p.title.SetText(a.T("counter.today"))
	p.list.RemoveAll()
	for i := len(es) - 1; i >= 0; i-- { // newest first
		e := es[i]
		state := widget.NewLabel(a.T("sync." + string(e.State)))
		switch e.State {
		case session.SyncQueued:
			state.Importance = widget.WarningImportance
		case session.SyncFailed:
			state.Importance = widget.DangerImportance
		default:
			state.Importance = widget.SuccessImportance
		}
		head := widget.NewLabelWithStyle(fmt.Sprintf("%s  %s", e.At.In(vntime.Zone).Format("15:04"), e.Code), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
		name := wrapped(a.procedureName(e.ProcedureCode, e.ProcedureName) + " · " + e.MaskedID)
		re := widget.NewButtonWithIcon(a.T("counter.reprint"), theme.DocumentPrintIcon(), func() { p.reprint(e) })
		// The state goes beside the reprint button, not after the code:
		// code and state on one line overflow the side list at 1366 px.
		p.list.Add(container.NewVBox(head, name, container.NewHBox(state, layout.NewSpacer(), re), widget.NewSeparator()))
	}
	p.list.Refresh()
}

// reprint prints the receipt of a past dossier through the print action
// (Options.Reprint): the full slip from the store, with the code, parts,
// appointment and signature lines. Under delete-on-receipt the name is
// gone once the portal has the dossier: the slip shows the masked ID and
// says why. Without a print action it saves a short slip as a PDF.
func (p *counterPanel) reprint(e session.Entry) {
	a := p.a
	if a.blocked() {
		return
	}
	r := &receipt.Receipt{DossierID: e.DossierID, Code: e.Code, Local: e.State == session.SyncQueued,
		ProcedureCode: e.ProcedureCode, ProcedureName: e.ProcedureName, ApplicantID: e.MaskedID, ReceivedAt: e.At, NameDeleted: true}
	if a.o.Reprint != nil {
		p.say(a.T("print.sending"))
		a.o.Reprint(*r, func(u printing.Update) {
			fyne.Do(func() {
				a.syncMu.Lock()
				defer a.syncMu.Unlock()
				p.say(a.printStatus(u))
			})
		})
		return
	}
	a.SavePDF(r, func(path string, err error) {
		if err != nil {
			p.say(err.Error())
			return
		}
		p.say(a.T("receipt.saved", filepath.Base(path)))
	})
}

// Entries returns what the panel shows (for tests).
func (a *App) Entries() []session.Entry {
	if a.panel == nil {
		return nil
	}
	return a.panel.entries
}

// showIndicators opens the Decision 06 figures; the store query runs off
// the UI goroutine.
func (a *App) showIndicators() {
	q := a.s.Queue()
	if q == nil || a.blocked() {
		return
	}
	go func() {
		ind, err := q.Indicators(a.ctx)
		fyne.DoAndWait(func() {
			a.syncMu.Lock()
			defer a.syncMu.Unlock()
			a.indicatorsPopup(ind, err)
		})
	}()
}

func pct(n, d int) string {
	if d == 0 {
		return "—"
	}
	return fmt.Sprintf("%d/%d (%.0f%%)", n, d, 100*float64(n)/float64(d))
}

func (a *App) indicatorsPopup(ind session.Indicators, err error) {
	rows := []fyne.CanvasObject{
		widget.NewLabel(a.T("indicators.total")), widget.NewLabel(fmt.Sprint(ind.Dossiers)),
		widget.NewLabel(a.T("indicators.chip")), widget.NewLabel(pct(ind.ChipVerified, ind.Dossiers)),
		widget.NewLabel(a.T("indicators.prefill")), widget.NewLabel(fmt.Sprintf("%.0f%%", 100*ind.PrefillRatio)),
		widget.NewLabel(a.T("indicators.nopaper")), widget.NewLabel(pct(ind.NoIDPapers, ind.Dossiers)),
		widget.NewLabel(a.T("indicators.rating")), widget.NewLabel(fmt.Sprintf("%.2f / 5 (%d)", ind.AverageRating, ind.Ratings)),
	}
	box := container.NewVBox(heading(a.T("indicators.title")), container.New(layout.NewFormLayout(), rows...))
	if err != nil {
		box.Add(banner(err.Error(), theme.ColorNameError))
	}
	var pop *widget.PopUp
	box.Add(widget.NewButton(a.T("indicators.close"), func() { pop.Hide() }))
	pop = widget.NewModalPopUp(box, a.w.Canvas())
	pop.Show()
}

// relabel redraws the panel in the current language (and empties it while
// nobody is signed in).
func (p *counterPanel) relabel() { p.update(p.entries) }

// procedureName is the catalog's name of the procedure with national code
// code in the screen's language; the stored name (Vietnamese) otherwise.
func (a *App) procedureName(code, stored string) string {
	if p, ok := a.s.Catalog().Lookup(code); ok {
		return p.Name.In(string(a.t.Lang()))
	}
	return stored
}

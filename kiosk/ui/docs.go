package ui

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"motcua/kiosk/docpart"
	"motcua/kiosk/scanner"
	"motcua/kiosk/session"
)

// Why this file: since 1 October 2025 the scans are the dossier. Each
// document on the checklist gets "Quét" (the SANE scanner), "Chụp" (a photo
// or a camera frame file) and "Chọn tệp" (a PDF/JPEG/PNG); its pages become
// one A4 PDF (package docpart) attached through the session like any file.

// Sources configure where the attachments step gets pages from.
type Sources struct {
	// Scanner scans pages; nil hides "Quét".
	Scanner *scanner.SANE
	// Scan is how to scan (the device the config names, resolution).
	Scan scanner.Options
	// CameraFrame is the file a document camera writes its last frame to;
	// "" makes "Chụp" ask for an image file instead.
	CameraFrame string
	// Part sets the PDF's resolution and the portal's limits.
	Part docpart.Options
	// ChooseFile asks for a file to import (kind is "file" or "photo") and
	// calls done with its path, or "" when the user gave up. Nil uses
	// Fyne's file dialog.
	ChooseFile func(kind string, done func(path string))
}

// thumbW is a page thumbnail's width in pixels.
const thumbW = 96

// docPage is one scanned or photographed page: the page as a JPEG (so a
// long document does not hold raw images) and its thumbnail.
type docPage struct {
	jpg   []byte
	thumb image.Image
}

// docState is one checklist line's document while it is being made.
type docState struct {
	key, name string
	pages     []docPage
	pdfPages  int // pages of an imported PDF kept as it is (no page images)
	part      docpart.Part
	status    string // progress or the last error, in the screen's language
	busy      bool
	row       *fyne.Container
}

// docs holds the visit's documents; it is emptied when the visit ends.
type docs struct {
	mu  sync.Mutex
	all map[string]*docState
}

func (d *docs) get(key, name string) *docState {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.all == nil {
		d.all = map[string]*docState{}
	}
	s, ok := d.all[key]
	if !ok {
		s = &docState{key: key, name: name}
		d.all[key] = s
	}
	return s
}

// wipe forgets every page (the end of a visit, or the idle wipe).
func (d *docs) wipe() {
	d.mu.Lock()
	d.all = nil
	d.mu.Unlock()
}

// Document returns what the attachments step holds for checklist line
// key: its page count, the part made of them, and whether work is still
// under way (for tests and the screenshots).
func (a *App) Document(key string) (pages int, part docpart.Part, busy bool) {
	a.syncMu.Lock()
	defer a.syncMu.Unlock()
	a.docs.mu.Lock()
	defer a.docs.mu.Unlock()
	if s, ok := a.docs.all[key]; ok {
		return len(s.pages) + s.pdfPages, s.part, s.busy
	}
	return 0, docpart.Part{}, false
}

// docRow draws one document: its name, the three sources, then a
// thumbnail per page with re-scan, move and delete.
func (a *App) docRow(at session.Attachment) fyne.CanvasObject {
	d := a.docs.get(at.Key, at.Name)
	d.row = container.NewVBox()
	a.fillRow(d, at)
	return d.row
}

func (a *App) fillRow(d *docState, at session.Attachment) {
	kind := a.T("attach.copy")
	if at.Original {
		kind = a.T("attach.original")
	}
	text := fmt.Sprintf("%s (%s", at.Name, kind)
	if at.Count > 1 {
		text += fmt.Sprintf(" × %d", at.Count)
	}
	if at.Required {
		text += ", " + a.T("attach.required")
	}
	text += ")"
	objs := []fyne.CanvasObject{}
	n := len(d.pages) + d.pdfPages
	if n == 0 {
		// No scan yet: the paper tick stays for a document seen at the
		// counter and not kept.
		key := at.Key
		c := widget.NewCheck(text, func(b bool) { a.s.Touch(); a.s.SetAttachment(key, b) })
		c.Checked = at.Have
		objs = append(objs, a.touch(c))
	} else {
		objs = append(objs, widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	srcs := container.NewHBox()
	if a.o.Sources.Scanner != nil {
		srcs.Add(a.touch(a.button(a.T("attach.scan"), theme.DocumentIcon(), func() { a.scanPages(d, -1) })))
	}
	srcs.Add(a.touch(a.button(a.T("attach.photo"), theme.MediaPhotoIcon(), func() { a.photo(d) })))
	srcs.Add(a.touch(a.button(a.T("attach.file"), theme.FolderOpenIcon(), func() { a.importFile(d, "file") })))
	if n > 0 {
		srcs.Add(widget.NewLabel(a.T("attach.summary", n, kb(d.part.Size))))
	}
	objs = append(objs, srcs)
	if d.status != "" {
		st := wrapped(d.status)
		objs = append(objs, st)
	}
	if len(d.pages) > 0 {
		strip := container.NewHBox()
		for i := range d.pages {
			strip.Add(a.pageTile(d, i))
		}
		objs = append(objs, container.NewHScroll(strip))
	} else if d.pdfPages > 0 {
		objs = append(objs, container.NewHBox(widget.NewIcon(theme.FileApplicationIcon()),
			widget.NewLabel(a.T("attach.pdfkept", d.pdfPages)),
			a.touch(a.button(a.T("attach.delete"), theme.DeleteIcon(), func() { a.dropPDF(d) }))))
	}
	objs = append(objs, widget.NewSeparator())
	d.row.Objects = objs
	d.row.Refresh()
}

// pageTile is one page's thumbnail with its actions.
func (a *App) pageTile(d *docState, i int) fyne.CanvasObject {
	img := canvas.NewImageFromImage(d.pages[i].thumb)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(thumbW, thumbW*1.41))
	acts := container.NewHBox()
	if i > 0 {
		acts.Add(a.touch(widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { a.movePage(d, i, i-1) })))
	}
	if i < len(d.pages)-1 {
		acts.Add(a.touch(widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { a.movePage(d, i, i+1) })))
	}
	acts.Add(a.touch(widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { a.deletePage(d, i) })))
	if a.o.Sources.Scanner != nil {
		acts.Add(a.touch(widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), func() { a.scanPages(d, i) })))
	}
	num := widget.NewLabelWithStyle(a.T("attach.page", i+1), fyne.TextAlignCenter, fyne.TextStyle{})
	return container.NewVBox(container.NewCenter(img), num, acts)
}

func kb(n int64) string {
	if n < 1024*1024 {
		return fmt.Sprintf("%d KB", (n+1023)/1024)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1024*1024))
}

// docErr is an error in words for the screen: the scanner's and docpart's
// message keys, else a generic failure (never the error text, which may
// name a file path).
func (a *App) docErr(err error) string {
	if k := scanner.MessageKey(err); k != "" {
		return a.T(k)
	}
	if k := docpart.MessageKey(err); k != "" {
		if k == "scan.err.toomanypages" {
			return a.T(k, 100)
		}
		limit := a.o.Sources.Part.MaxBytes
		if limit <= 0 {
			limit = docpart.DefaultMaxBytes
		}
		return a.T(k, kb(limit))
	}
	return a.T("scan.err.failed")
}

// ui runs f on the UI goroutine, between redraws: every change to a
// document's state happens there, the slow work (scanning, making the
// PDF) on background goroutines.
func (a *App) ui(f func()) {
	fyne.DoAndWait(func() {
		a.syncMu.Lock()
		defer a.syncMu.Unlock()
		f()
	})
}

// redraw redraws d's row; call it on the UI goroutine.
func (a *App) redrawDoc(d *docState) {
	if d.row == nil || a.s.State() != session.StateAttachments || a.s.Form() == nil {
		return
	}
	for _, at := range a.s.Form().Attachments(string(a.t.Lang())) {
		if at.Key == d.key {
			a.fillRow(d, at)
		}
	}
}

// fail shows err on d's row (UI goroutine).
func (a *App) fail(d *docState, err error) {
	d.status, d.busy = a.docErr(err), false
	a.redrawDoc(d)
}

// scanPages scans one page through SANE: a new page at the end (at < 0)
// or a new scan of page at.
func (a *App) scanPages(d *docState, at int) {
	if d.busy {
		return
	}
	d.busy = true
	d.status = a.T("scan.progress", 1, 0)
	a.redrawDoc(d)
	src := a.o.Sources
	go func() {
		var got []docPage
		_, err := src.Scanner.Scan(a.ctx, src.Scan, 1, func(page int, f float64) {
			a.ui(func() { d.status = a.T("scan.progress", page, int(f*100)); a.redrawDoc(d) })
		}, func(img image.Image) error {
			p, err := newPage(img)
			if err == nil {
				got = append(got, p)
			}
			return err
		})
		a.s.Touch()
		a.ui(func() {
			if err != nil {
				a.fail(d, err)
				return
			}
			if at >= 0 && at < len(d.pages) && len(got) == 1 {
				d.pages[at] = got[0]
			} else {
				d.pages = append(d.pages, got...)
				d.pdfPages = 0
			}
			a.startRebuild(d)
		})
	}()
}

// photo takes the camera's last frame, or asks for an image file.
func (a *App) photo(d *docState) {
	if f := a.o.Sources.CameraFrame; f != "" {
		a.addFile(d, f)
		return
	}
	a.importFile(d, "photo")
}

// importFile asks for a file, then adds it.
func (a *App) importFile(d *docState, kind string) {
	done := func(path string) {
		if path != "" {
			a.s.Touch()
			a.addFile(d, path)
		}
	}
	if a.o.Sources.ChooseFile != nil {
		a.o.Sources.ChooseFile(kind, done)
		return
	}
	dlg := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		done(r.URI().Path())
	}, a.w)
	dlg.SetFilter(storage.NewExtensionFileFilter([]string{".pdf", ".jpg", ".jpeg", ".png", ".PDF", ".JPG", ".JPEG", ".PNG"}))
	dlg.Show()
}

// addFile adds a file on a background goroutine: a PDF is kept as it is
// (it replaces the pages), a JPEG or PNG becomes one more page.
func (a *App) addFile(d *docState, path string) {
	if d.busy {
		return
	}
	d.busy = true
	opts := a.o.Sources.Part
	go func() {
		head := make([]byte, 8)
		if f, err := os.Open(path); err == nil {
			f.Read(head)
			f.Close()
		}
		if docpart.Sniff(head) == docpart.PDF {
			var buf bytes.Buffer
			part, err := docpart.ImportFile(path, d.key, d.name, opts, &buf)
			a.ui(func() {
				if err != nil {
					a.fail(d, err)
					return
				}
				d.pages, d.pdfPages, d.part = nil, part.Pages, part
				a.attach(d, buf.Bytes())
			})
			return
		}
		p, err := pageFromFile(path, opts)
		a.ui(func() {
			if err != nil {
				a.fail(d, err)
				return
			}
			d.pages = append(d.pages, p)
			d.pdfPages = 0
			a.startRebuild(d)
		})
	}()
}

// dropPDF removes an imported PDF (UI goroutine).
func (a *App) dropPDF(d *docState) {
	if d.busy {
		return
	}
	d.pdfPages, d.part = 0, docpart.Part{}
	a.attach(d, nil)
}

// movePage swaps two pages (UI goroutine).
func (a *App) movePage(d *docState, from, to int) {
	if d.busy {
		return
	}
	d.pages[from], d.pages[to] = d.pages[to], d.pages[from]
	a.startRebuild(d)
}

// deletePage removes page i (UI goroutine).
func (a *App) deletePage(d *docState, i int) {
	if d.busy {
		return
	}
	d.pages = append(d.pages[:i:i], d.pages[i+1:]...)
	a.startRebuild(d)
}

// startRebuild makes the PDF from a copy of the pages on a background
// goroutine (a long document takes a while), then attaches it. Call it on
// the UI goroutine.
func (a *App) startRebuild(d *docState) {
	d.busy = true
	d.status = a.T("attach.making")
	a.redrawDoc(d)
	pages := append([]docPage(nil), d.pages...)
	opts := a.o.Sources.Part
	go func() {
		part, pdf, err := makePart(pages, d.key, d.name, opts)
		a.ui(func() {
			if err != nil {
				a.fail(d, err)
				return
			}
			d.part = part
			a.attach(d, pdf)
		})
	}()
}

// makePart makes one A4 PDF of the pages; no pages is no part.
func makePart(pages []docPage, key, name string, opts docpart.Options) (docpart.Part, []byte, error) {
	if len(pages) == 0 {
		return docpart.Part{}, nil, nil
	}
	b := docpart.New(opts)
	for _, p := range pages {
		if err := b.AddImage(bytes.NewReader(p.jpg)); err != nil {
			return docpart.Part{}, nil, err
		}
	}
	var buf bytes.Buffer
	part, err := b.Write(&buf, key, name)
	return part, buf.Bytes(), err
}

// attach hands the document's PDF to the session, replacing the previous
// one (nil removes it); UI goroutine.
func (a *App) attach(d *docState, pdf []byte) {
	d.status, d.busy = "", false
	if err := a.s.AttachFile(d.key, d.key+".pdf", docpart.MediaType, pdf); err != nil {
		d.status = a.T("scan.err.failed")
	}
	a.redrawDoc(d)
}

// newPage keeps a page as a JPEG (a grey A4 page at 200 dpi is 4 MB raw,
// a few hundred KB here) and makes its thumbnail.
func newPage(img image.Image) (docPage, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		return docPage{}, err
	}
	return docPage{jpg: buf.Bytes(), thumb: thumbnail(img, thumbW)}, nil
}

// pageFromFile reads a photo or camera frame (JPEG or PNG) as a page,
// refusing a file too large to be a document before reading it.
func pageFromFile(path string, opts docpart.Options) (docPage, error) {
	st, err := os.Stat(path)
	if err != nil {
		return docPage{}, fmt.Errorf("%w: %v", docpart.ErrBadFile, err)
	}
	if st.Size() > docpart.MaxInputBytes {
		return docPage{}, fmt.Errorf("%w: file of %d bytes", docpart.ErrTooLarge, st.Size())
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return docPage{}, fmt.Errorf("%w: %v", docpart.ErrBadFile, err)
	}
	if k := docpart.Sniff(raw); k != docpart.JPEG && k != docpart.PNG {
		return docPage{}, fmt.Errorf("%w: not a JPEG or PNG", docpart.ErrBadFile)
	}
	// Check it makes a page before keeping it (size, dimensions).
	if err := docpart.New(opts).AddImage(bytes.NewReader(raw)); err != nil {
		return docPage{}, err
	}
	img, _, err := image.Decode(bytes.NewReader(raw))
	if err != nil {
		return docPage{}, fmt.Errorf("%w: %v", docpart.ErrBadFile, err)
	}
	return docPage{jpg: raw, thumb: thumbnail(img, thumbW)}, nil
}

// thumbnail shrinks img to w pixels wide by sampling (a preview only).
func thumbnail(img image.Image, w int) image.Image {
	b := img.Bounds()
	if b.Dx() == 0 || b.Dy() == 0 {
		return image.NewGray(image.Rect(0, 0, 1, 1))
	}
	h := max(1, b.Dy()*w/b.Dx())
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			out.Set(x, y, img.At(b.Min.X+x*b.Dx()/w, b.Min.Y+y*b.Dy()/h))
		}
	}
	return out
}

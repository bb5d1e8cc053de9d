package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"

	"motcua/kiosk/i18n"
	"motcua/kiosk/session"
	"motcua/kiosk/session/demofill"
	"motcua/kiosk/ui"
)

// screenshotsCommand is "kiosk screenshots"; main.go lists it.
var screenshotsCommand = &command{name: "screenshots", summary: "render each main screen into PNG files (needs a display, e.g. Xvfb)", run: runScreenshots}

// shooter drives a real window through the journey and captures it.
type shooter struct {
	w   fyne.Window
	app *ui.App
	out string
	n   int
	// prefix names the size and language of the shots being taken.
	prefix string
	errs   []error
}

func (s *shooter) settle() {
	deadline := time.Now().Add(10 * time.Second)
	for !s.app.Settled() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(400 * time.Millisecond) // let the GL window paint
}

func (s *shooter) shot(name string) {
	s.settle()
	var img image.Image
	var size fyne.Size
	fyne.DoAndWait(func() {
		img = s.w.Canvas().Capture()
		size = s.w.Canvas().Size()
		if os.Getenv("KIOSK_SHOT_DEBUG") != "" {
			fmt.Fprintln(os.Stderr, name, s.w.Content().MinSize(), s.w.Canvas().Size())
		}
	})
	s.n++
	path := filepath.Join(s.out, fmt.Sprintf("%s%02d-%s.png", s.prefix, s.n, name))
	if blank(img) {
		// Mesa's software GL under Xvfb can read back an empty frame
		// buffer; the X server's copy of the screen is then the picture.
		// Cropped to the window, which sits at the screen's top left.
		crop := fmt.Sprintf("%dx%d+0+0", int(size.Width), int(size.Height))
		if err := exec.Command("import", "-window", "root", "-crop", crop, "+repage", path).Run(); err == nil {
			return
		}
	}
	f, err := os.Create(path)
	if err == nil {
		err = png.Encode(f, img)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		s.errs = append(s.errs, err)
	}
}

// blank reports whether every pixel of img is the same colour.
func blank(img image.Image) bool {
	b := img.Bounds()
	if b.Empty() {
		return true
	}
	first := img.At(b.Min.X, b.Min.Y)
	r0, g0, b0, _ := first.RGBA()
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r != r0 || g != g0 || bl != b0 {
				return false
			}
		}
	}
	return true
}

func (s *shooter) until(st session.State) {
	deadline := time.Now().Add(15 * time.Second)
	for s.app.Session().State() != st && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := s.app.Session().State(); got != st {
		s.errs = append(s.errs, fmt.Errorf("screenshots: state %s, want %s", got, st))
	}
}

func runScreenshots(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("screenshots", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	out := fs.String("out", "docs/screenshots", "directory for the PNG files")
	seeds := fs.String("seeds", "seeds", "seeds directory (card fixtures)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	d, err := newDemo(ctx, *seeds)
	if err != nil {
		return err
	}
	defer d.close()
	cat, sim, text, newSession, card := d.k.Catalog, d.sim, d.k.Text, d.session, d.card
	a := newApp()
	w := a.NewWindow("Một cửa")
	w.Resize(fyne.NewSize(1280, 800))
	sh := &shooter{w: w, out: *out}
	dev := d.k.Config // the development clerk and admin PINs the script types
	opts := ui.Options{Text: text, AdminPIN: dev.AdminPIN, SaveDir: filepath.Join(d.dir, "receipts"), Ticks: -1,
		CheckClerk: d.k.Config.Clerks.Check}
	opts.Session = newSession(session.Counter)
	sh.app = ui.New(w, opts)

	script := func() {
		defer fyne.Do(a.Quit)
		bg := context.Background()
		resize := func(sz fyne.Size) {
			fyne.DoAndWait(func() { w.Resize(sz) })
			time.Sleep(300 * time.Millisecond)
		}
		clearOverlays := func() {
			fyne.DoAndWait(func() {
				for _, o := range w.Canvas().Overlays().List() {
					w.Canvas().Overlays().Remove(o)
				}
			})
		}
		restart := func(mode session.Mode, sz fyne.Size) *session.Session {
			fyne.DoAndWait(func() {
				sh.app.Close()
				opts.Session = newSession(mode)
				sh.app = ui.New(w, opts)
				// The theme grew the old screen for a moment; back to the
				// size being shot.
				w.Resize(sz)
			})
			return sh.app.Session()
		}
		// file fills the form, shows the papers, submits and shoots the
		// three screens on the way (pre names the mode's pictures).
		file := func(s *session.Session, lang i18n.Lang, pre string) {
			demofill.Fill(s, time.Now())
			s.Next()
			sh.shot(pre + "attachments")
			for _, at := range s.Form().Attachments(string(lang)) {
				s.SetAttachment(at.Key, true)
			}
			s.Next()
			sh.shot(pre + "review")
			s.Submit(bg)
			sh.until(session.StateReceipt)
			sh.shot(pre + "receipt")
		}
		// The counter's journey, a two-card marriage, at one size and
		// language.
		counter := func(sz fyne.Size, lang i18n.Lang, prefix string) {
			text.SetLang(lang)
			sim.Put(card("nguyen-van-an"))
			s := restart(session.Counter, sz)
			sh.prefix, sh.n = prefix, 0
			sh.shot("counter-sign-in")
			s.SignIn(bg, "CB-01")
			sh.app.Poll()
			sh.shot("counter-welcome")
			s.StartRead(bg, session.ReadRequest{})
			sh.until(session.StateIdentity)
			sh.shot("identity-chip-verified")
			s.Continue()
			sh.shot("procedure-picker")
			p, _ := cat.Lookup("ket-hon")
			s.Choose(p)
			sim.Put(card("tran-thi-binh"))
			s.AddPerson(bg, "")
			for s.Adding() {
				time.Sleep(10 * time.Millisecond)
			}
			sh.shot("form-two-cards-prefilled")
			s.Next()
			sh.shot("form-errors")
			file(s, lang, "")
			fyne.DoAndWait(func() { sh.app.Key(fyne.KeyF9) })
			time.Sleep(300 * time.Millisecond)
			sh.shot("counter-today-and-indicators")
			clearOverlays()
			s.Finish()
			s.Rate(bg, 0)
			sh.until(session.StateWelcome)
			sh.app.Lock()
			sh.shot("counter-screen-lock")
			// A forged chip.
			s = restart(session.Counter, sz)
			s.SignIn(bg, "CB-01")
			sim.Put(card("faults/tamper-dg13"))
			s.StartRead(bg, session.ReadRequest{})
			sh.until(session.StateIdentity)
			sh.shot("identity-failed-passive-auth")
			s.Wipe(bg, session.WipeCancel)
			// Two forms as the paper prints them: the criminal-record
			// request's residence history (a table) and CT01's
			// householder items 7, 8, 9.
			form := func(slug, focus string, fill func(s *session.Session)) {
				s := restart(session.Counter, sz)
				s.SignIn(bg, "CB-01")
				sim.Put(card("nguyen-van-an"))
				s.StartRead(bg, session.ReadRequest{})
				sh.until(session.StateIdentity)
				s.Continue()
				p, _ := cat.Lookup(slug)
				s.Choose(p)
				if fill != nil {
					fill(s)
				}
				sh.settle() // the values' redraws first: they would take the cursor back
				sh.app.FocusField(focus)
				sh.shot("form-" + slug)
				s.Wipe(bg, session.WipeCancel)
			}
			form("ly-lich-tu-phap", "residenceHistory[1].workplace", func(s *session.Session) {
				demofill.Fill(s, time.Now())
				s.AddRow("residenceHistory")
				for path, v := range map[string]string{
					"residenceHistory[0].fromDate": "09/2008", "residenceHistory[0].toDate": "06/2012",
					"residenceHistory[0].residence":  "Số 5 đường Trần Phú, phường Hà Đông, Hà Nội",
					"residenceHistory[0].occupation": "Học sinh",
					"residenceHistory[1].fromDate":   "07/2012", "residenceHistory[1].residence": "Số 12 phố Lê Lợi, phường Hoàn Kiếm, Hà Nội",
					"residenceHistory[1].occupation": "Kỹ sư", "residenceHistory[1].workplace": "Công ty Cổ phần Mẫu",
				} {
					s.Set(path, v)
				}
			})
			form("tam-tru", "householder.idNumber", nil) // 7, 8, 9 above the cursor
		}
		self := func(sz fyne.Size, lang i18n.Lang, prefix string) {
			text.SetLang(lang)
			sim.Put(card("tran-thi-binh"))
			s := restart(session.SelfService, sz)
			sh.prefix = prefix
			sh.shot("self-service-attract")
			s.StartRead(bg, session.ReadRequest{})
			sh.until(session.StateIdentity)
			sh.shot("self-service-identity")
			s.Continue()
			sh.shot("self-service-picker")
			p, _ := cat.Lookup("tam-tru")
			s.Choose(p)
			sh.settle()
			sh.app.FocusField("subject.phone") // a touch on a field brings the keyboard up
			sh.shot("self-service-form-telex-keyboard")
			file(s, lang, "self-service-")
			s.Finish()
			sh.shot("self-service-rating")
			s.Rate(bg, 3)
			sh.until(session.StateWelcome)
		}
		sizes := []fyne.Size{{Width: 1366, Height: 768}, {Width: 1024, Height: 768}, {Width: 1920, Height: 1080}}
		for _, lang := range []i18n.Lang{i18n.VI, i18n.EN} {
			for _, sz := range sizes {
				name := fmt.Sprintf("%.0fx%.0f-%s-", sz.Width, sz.Height, lang)
				resize(sz)
				counter(sz, lang, name)
				self(sz, lang, name)
			}
		}

		// The idle warning and the high-contrast theme, once.
		text.SetLang(i18n.VI)
		sim.Put(card("tran-thi-binh"))
		s := restart(session.SelfService, sizes[0])
		sh.prefix = "1366x768-vi-"
		s.StartRead(bg, session.ReadRequest{})
		sh.until(session.StateIdentity)
		s.Continue()
		p, _ := cat.Lookup("tam-tru")
		s.Choose(p)
		time.Sleep(6 * time.Second) // past IdleWipe-IdleWarn
		s.Tick(bg)
		sh.shot("self-service-idle-warning")
		s.Touch()
		s.Wipe(bg, session.WipeCancel)
		clearOverlays()
		sh.settle()
		fyne.DoAndWait(func() { tapContrast(sh.app) })
		sh.shot("self-service-high-contrast")
		fyne.DoAndWait(func() { sh.app.Close() })
	}
	a.Lifecycle().SetOnStarted(func() { go script() })
	w.ShowAndRun()
	if len(sh.errs) > 0 {
		return errors.Join(sh.errs...)
	}
	fmt.Fprintf(e.stdout, "screenshots: %d files in %s\n", sh.n, *out)
	return nil
}

// tapContrast switches the high-contrast theme as the button does.
func tapContrast(a *ui.App) { a.ToggleContrast() }

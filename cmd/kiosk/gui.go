package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"motcua/assets"
	kapp "motcua/kiosk/app"
	"motcua/kiosk/config"
	"motcua/kiosk/docpart"
	"motcua/kiosk/i18n"
	"motcua/kiosk/scanner"
	"motcua/kiosk/session"
	"motcua/kiosk/session/adapt"
	"motcua/kiosk/ui"
	"motcua/offline/store"
	"motcua/seeds"
)

// This file is the only place that imports fyne.io/fyne/v2/app: the screens
// (kiosk/ui) stay testable with Fyne's headless driver.

// guiCommand is "kiosk gui"; main.go lists it.
var guiCommand = &command{name: "gui", summary: "open the kiosk app (the default)", run: runGUI}

// guiFlags are the app's own flags on top of the shared ones.
type guiFlags struct {
	shared     *config.Flags
	mode       string
	sim        string
	reader     string
	lang       string
	fullscreen bool
	clerks     string
	adminPIN   string
	receipts   string
	agency     string
	kioskID    string
	counterID  string
	idle       time.Duration
}

func parseGUIFlags(name string, e *env, args []string) (*guiFlags, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: kiosk %s [flags]\n\nOpens the kiosk app in counter or self-service mode. Flags (they override the config file):\n\n", name)
		fs.PrintDefaults()
	}
	g := &guiFlags{shared: config.Bind(fs)}
	fs.StringVar(&g.mode, "mode", "", "counter or self-service (default from the config file, else counter)")
	fs.StringVar(&g.sim, "sim", "", "virtual card fixture to read instead of a PC/SC reader")
	fs.StringVar(&g.reader, "reader", "", `card reader: "sim" (in process), "pcsc" (first contactless reader) or "pcsc:NAME" (default from config, sim)`)
	fs.StringVar(&g.lang, "lang", "", "vi or en (default vi)")
	fs.BoolVar(&g.fullscreen, "fullscreen", false, "fullscreen window (always on in self-service mode)")
	fs.StringVar(&g.clerks, "clerks", "", "counter sign-in: comma-separated CLERKID:PIN pairs (default from config)")
	fs.StringVar(&g.adminPIN, "admin-pin", "", "PIN that lets staff leave self-service mode (default from config)")
	fs.StringVar(&g.receipts, "receipts", "", "directory for receipt PDFs (default DATA/receipts)")
	fs.StringVar(&g.agency, "agency", "", "receiving agency code (default from config)")
	fs.StringVar(&g.kioskID, "kiosk-id", "", "this kiosk's ID (default from config)")
	fs.StringVar(&g.counterID, "counter-id", "", "this counter's ID (default from config)")
	fs.DurationVar(&g.idle, "idle", 0, "self-service idle wipe (default from config, 90s)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "%s: unexpected argument %q\n", name, fs.Arg(0))
		return nil, errUsage
	}
	return g, nil
}

// kioskParts is everything the window needs, built before it opens.
type kioskParts struct {
	k    *kapp.Kiosk
	opts ui.Options
	full bool
}

func (p *kioskParts) stop() { p.k.Close() }

// guiConfig resolves the config file and the shared flags, then lays the
// app's own flags on top, and checks the result.
func guiConfig(g *guiFlags) (kapp.Config, error) {
	cfg, err := g.shared.Resolve()
	if err != nil {
		return kapp.Config{}, err
	}
	for _, o := range []struct {
		dst *string
		v   string
	}{{&cfg.Mode, g.mode}, {&cfg.Language, g.lang}, {&cfg.SimCard, g.sim},
		{&cfg.Agency, g.agency}, {&cfg.KioskID, g.kioskID}, {&cfg.CounterID, g.counterID},
		{&cfg.Clerks, g.clerks}, {&cfg.AdminPIN, g.adminPIN}, {&cfg.Reader, g.reader}} {
		if o.v != "" {
			*o.dst = o.v
		}
	}
	if g.sim != "" {
		cfg.Reader = "sim"
	}
	c, err := kapp.FromConfig(cfg)
	if err != nil {
		return c, err
	}
	if g.idle > 0 {
		c.IdleWipe, c.IdleWarn = g.idle, kapp.IdleWarn(g.idle)
	}
	c.Receipts = g.receipts
	c.Version = buildInfo().Version
	return c, nil
}

func buildParts(ctx context.Context, g *guiFlags) (*kioskParts, error) {
	c, err := guiConfig(g)
	if err != nil {
		return nil, err
	}
	k, err := kapp.Build(ctx, c)
	if err != nil {
		return nil, err
	}
	p := &kioskParts{k: k, full: g.fullscreen || c.Mode == session.SelfService}
	pr := newKioskPrinter(ctx, k)
	p.opts = ui.Options{Session: k.Session, Text: k.Text, AdminPIN: c.AdminPIN, SaveDir: c.ReceiptsDir(), CheckClerk: c.Clerks.Check,
		Print: pr.printAction, Reprint: pr.reprintAction, Sources: docSources(c), Tester: testerMenu(c, k.Card)}
	return p, nil
}

func newApp() fyne.App {
	a := app.NewWithID("vn.motcua.kiosk")
	a.SetIcon(fyne.NewStaticResource("app.svg", assets.Icon("app")))
	return a
}

func runGUI(ctx context.Context, e *env, args []string) error {
	g, err := parseGUIFlags("gui", e, args)
	if err != nil {
		return err
	}
	start := time.Now()
	p, err := buildParts(ctx, g)
	if key := store.MessageKey(err); key != "" {
		// A missing key, a missing or damaged store: refuse to start, and
		// say so on the screen (the counter has no terminal) as well as
		// here. Nothing is created in its place.
		showStoreError(ctx, key)
	}
	if err != nil {
		return err
	}
	defer p.stop()
	a := newApp()
	w := a.NewWindow(windowTitle(p.k.Text, p.k.Config))
	w.Resize(fyne.NewSize(1280, 800))
	p.opts.OnExit = func() { a.Quit() }
	k := ui.New(w, p.opts)
	defer k.Close()
	if p.full {
		w.SetFullScreen(true)
	}
	go func() {
		<-ctx.Done()
		fyne.Do(a.Quit)
	}()
	a.Lifecycle().SetOnStarted(func() {
		slog.Info("kiosk ready", "profile", p.k.Config.Profile, "mode", p.k.Config.Mode, "reader", readerLabel(p.k.Config), "coldStart", time.Since(start).Round(time.Millisecond))
	})
	w.ShowAndRun()
	return nil
}

// showStoreError shows why the kiosk cannot start (in Vietnamese and
// English) and what to do, until the window is closed.
func showStoreError(ctx context.Context, key string) {
	text := i18n.Default()
	a := newApp()
	w := a.NewWindow(text.In(i18n.VI, "store.error.title"))
	msg := widget.NewLabel(text.In(i18n.VI, key) + "\n\n" + text.In(i18n.EN, key))
	msg.Wrapping = fyne.TextWrapWord
	w.SetContent(container.NewPadded(container.NewVBox(widget.NewLabelWithStyle(text.In(i18n.VI, "store.error.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), msg)))
	w.Resize(fyne.NewSize(720, 360))
	go func() {
		<-ctx.Done()
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
}

// docSources is where the attachments step gets documents: the configured
// SANE scanner (unless "none"), the camera's frame file, a file dialog.
func docSources(c kapp.Config) ui.Sources {
	// A scanned part is held to the portal's limit for one attachment, the
	// one the queue enforces (0 keeps docpart's 10 MB).
	src := ui.Sources{CameraFrame: c.CameraFrame, Scan: scanner.Options{Device: c.Scanner, DPI: 200},
		Part: docpart.Options{MaxBytes: c.MaxAttachment}}
	if c.Scanner != "none" {
		src.Scanner = &scanner.SANE{}
	}
	return src
}

// testerMenu lets a development build place any shipped card on the
// simulated reader (a second person's card for marriage, a guest's stay);
// production builds and real readers get none.
func testerMenu(c kapp.Config, card session.CardSource) *ui.Tester {
	sim, ok := card.(*adapt.SimCard)
	if !ok || c.Profile == config.Production {
		return nil
	}
	return &ui.Tester{Cards: seeds.Names(), Place: func(name string) {
		if path, err := seeds.Fixture(name); err == nil {
			sim.Put(path)
		}
	}}
}

package main

import (
	"context"
	"crypto/subtle"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"motcua/assets"
	"motcua/cardreader/pki"
	"motcua/kiosk/catalog"
	"motcua/kiosk/config"
	"motcua/kiosk/form"
	"motcua/kiosk/i18n"
	"motcua/kiosk/session"
	"motcua/kiosk/session/adapt"
	"motcua/kiosk/session/adapt/pcsccard"
	"motcua/kiosk/ui"
	"motcua/offline/store"
	osync "motcua/offline/sync"
)

// This file is the only place that imports fyne.io/fyne/v2/app: the screens
// (kiosk/ui) stay testable with Fyne's headless driver.

func init() {
	register(&command{name: "gui", summary: "open the kiosk app (the default)", run: runGUI})
}

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
	cfg    config.Config
	text   *i18n.Bundle
	sess   *session.Session
	store  *store.Store
	worker *osync.Worker
	opts   ui.Options
	full   bool
	stop   func()
}

func buildParts(ctx context.Context, g *guiFlags) (*kioskParts, error) {
	cfg, err := g.shared.Resolve()
	if err != nil {
		return nil, err
	}
	for _, o := range []struct {
		dst *string
		v   string
	}{{&cfg.Mode, g.mode}, {&cfg.Language, g.lang}, {&cfg.SimCard, g.sim},
		{&cfg.Agency, g.agency}, {&cfg.KioskID, g.kioskID}, {&cfg.CounterID, g.counterID},
		{&cfg.Clerks, g.clerks}, {&cfg.AdminPIN, g.adminPIN}} {
		if o.v != "" {
			*o.dst = o.v
		}
	}
	if g.reader != "" {
		cfg.Reader = g.reader
	}
	if g.sim != "" {
		cfg.Reader = "sim"
	}
	mode := session.Mode(cfg.Mode)
	if mode != session.Counter && mode != session.SelfService {
		return nil, fmt.Errorf("--mode %q: want counter or self-service", cfg.Mode)
	}
	text := i18n.Default()
	if cfg.Language != "" {
		l, err := i18n.ParseLang(cfg.Language)
		if err != nil {
			return nil, err
		}
		text.SetLang(l)
	}
	cat, err := catalog.Embedded()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, err
	}
	st, err := store.OpenDir(cfg.DataDir, cfg.KeyPath(), store.Options{KioskID: cfg.KioskID})
	if err != nil {
		return nil, err
	}
	client, err := portalClient(cfg, "")
	if err != nil {
		st.Close()
		return nil, err
	}
	w, err := osync.New(osync.Config{Store: st, Client: client, Logger: slog.Default()})
	if err != nil {
		st.Close()
		return nil, err
	}
	wctx, cancel := context.WithCancel(ctx)
	go w.Run(wctx)
	card, err := cardSource(cfg)
	if err != nil {
		cancel()
		st.Close()
		return nil, err
	}
	idle := time.Duration(cfg.IdleWipeS) * time.Second
	if g.idle > 0 {
		idle = g.idle
	}
	sc := session.Config{Mode: mode, Card: card, KioskID: cfg.KioskID, CounterID: cfg.CounterID,
		Forms: &adapt.Forms{Catalog: cat, Options: form.Options{Agency: cfg.AgencyName, KioskID: cfg.KioskID, CounterID: cfg.CounterID}},
		Queue: &adapt.Queue{Store: st, Worker: w, KioskID: cfg.KioskID, CounterID: cfg.CounterID},
		Lang:  func() string { return string(text.Lang()) }}
	if mode == session.SelfService {
		sc.IdleWipe, sc.IdleWarn = idle, min(30*time.Second, idle/2)
	}
	s := session.New(sc)
	if _, ok := card.(*pcsccard.Source); ok {
		go pcsccard.WatchRemovals(wctx, s.CardRemoved)
	}
	receipts := g.receipts
	if receipts == "" {
		receipts = filepath.Join(cfg.DataDir, "receipts")
	}
	p := &kioskParts{cfg: cfg, text: text, sess: s, store: st, worker: w, full: g.fullscreen || mode == session.SelfService}
	p.opts = ui.Options{Session: s, Text: text, AdminPIN: cfg.AdminPIN, SaveDir: receipts, CheckClerk: clerkChecker(cfg.Clerks)}
	p.stop = func() { s.Close(); cancel(); st.Close() }
	return p, nil
}

// clerkChecker parses "ID:PIN,ID:PIN" and compares in constant time.
func clerkChecker(spec string) func(id, pin string) bool {
	pins := map[string]string{}
	for _, pair := range strings.Split(spec, ",") {
		id, pin, ok := strings.Cut(strings.TrimSpace(pair), ":")
		if ok && id != "" && pin != "" {
			pins[id] = pin
		}
	}
	return func(id, pin string) bool {
		want, ok := pins[strings.TrimSpace(id)]
		return ok && subtle.ConstantTimeCompare([]byte(want), []byte(pin)) == 1
	}
}

// cardSource picks the reader: the virtual card in process for --sim (or
// reader "sim"), else PC/SC ("pcsc" or "pcsc:READER NAME").
func cardSource(cfg config.Config) (session.CardSource, error) {
	if cfg.Reader == "sim" {
		if cfg.SimCard == "" {
			cfg.SimCard = filepath.Join(cfg.SeedsDir, "cards", "nguyen-van-an.json")
		}
		if _, err := os.Stat(cfg.SimCard); err != nil {
			return nil, fmt.Errorf("--sim: %w", err)
		}
		return adapt.NewSimCard(cfg.SimCard), nil
	}
	src := &pcsccard.Source{Reader: strings.TrimPrefix(strings.TrimPrefix(cfg.Reader, "pcsc"), ":")}
	if cfg.TrustDir != "" {
		t, err := pki.LoadTrustStore(cfg.TrustDir)
		if err != nil {
			return nil, fmt.Errorf("trust store: %w", err)
		}
		src.Trust = t
	}
	return src, nil
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
	w := a.NewWindow(p.text.T("app.title"))
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
		slog.Info("kiosk ready", "mode", p.cfg.Mode, "reader", p.cfg.Reader, "coldStart", time.Since(start).Round(time.Millisecond))
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

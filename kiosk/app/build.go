package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"

	"motcua/cardreader/pki"
	"motcua/kiosk/catalog"
	"motcua/kiosk/declaration"
	"motcua/kiosk/form"
	"motcua/kiosk/i18n"
	"motcua/kiosk/printout"
	"motcua/kiosk/session"
	"motcua/kiosk/session/adapt"
	"motcua/kiosk/session/adapt/pcsccard"
	"motcua/offline/dossier"
	"motcua/offline/heartbeat"
	"motcua/offline/portal"
	"motcua/offline/store"
	osync "motcua/offline/sync"
	"motcua/seeds"
)

// Kiosk is the built application without its window.
type Kiosk struct {
	Config  Config
	Catalog *catalog.Catalog
	Text    *i18n.Bundle
	Store   *store.Store
	Worker  *osync.Worker
	Queue   *session.Queue
	Card    session.CardSource
	// Kept holds each new dossier's declaration for the print that follows
	// the filing (the store may drop it on the portal's receipt first).
	Kept *printout.Kept
	// Heartbeat reports the kiosk's health to the portal (nil when off).
	Heartbeat *heartbeat.Sender

	trust *pki.TrustStore // the PC/SC reader's CSCAs, for the heartbeat
	// Session is the visit the window shows, in Config.Mode.
	Session *session.Session

	sessions []*session.Session
	closers  []func() // run last first
}

// Build opens the store (refusing a missing key or a corrupt file with the
// store's typed error, never replacing it), starts the sync worker and
// builds the session. Close undoes it all.
func Build(ctx context.Context, c Config) (*Kiosk, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	k := &Kiosk{Config: c, Text: i18n.Default()}
	if err := k.build(ctx); err != nil {
		k.Close()
		return nil, err
	}
	return k, nil
}

func (k *Kiosk) build(ctx context.Context) (err error) {
	c := k.Config
	k.Text.SetLang(c.Lang)
	if k.Catalog, err = catalog.Embedded(form.Types); err != nil {
		return err
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return err
	}
	k.Store, err = store.OpenDir(c.DataDir, c.keyPath(), store.Options{Retention: c.Retention, KioskID: c.KioskID, NoSync: c.NoSync,
		MaxAttachment: c.MaxAttachment})
	if err != nil {
		return err
	}
	st := k.Store
	k.closers = append(k.closers, func() { st.Close() })
	ps := c.Portal
	ps.URL, ps.Token = c.PortalURL, c.Token
	client, err := portal.New(ps)
	if err != nil {
		return err
	}
	sc := c.Sync
	sc.Store, sc.Client = k.Store, client
	if sc.Logger == nil {
		sc.Logger = slog.Default()
	}
	w, err := osync.New(sc)
	if err != nil {
		return err
	}
	k.Worker = w
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { w.Run(wctx); close(done) }()
	k.closers = append(k.closers, func() { cancel(); <-done })
	if k.Card, k.trust, err = cardSource(c); err != nil {
		return err
	}
	k.Kept = &printout.Kept{}
	prepare, err := declarePart(k.Catalog, c.AgencyName, k.Kept)
	if err != nil {
		return err
	}
	k.Queue = &session.Queue{Store: k.Store, Worker: k.Worker, KioskID: c.KioskID, CounterID: c.CounterID, Wait: c.QueueWait,
		Prepare: prepare}
	k.Session = k.NewSession(c.Mode)
	if _, ok := k.Card.(*pcsccard.Source); ok {
		go pcsccard.WatchRemovals(wctx, k.Session.CardRemoved)
	}
	return k.startHeartbeat(wctx)
}

// NewSession builds another visit on the same store, queue and card (the
// screenshots switch between counter and self-service). Close closes it.
func (k *Kiosk) NewSession(mode session.Mode) *session.Session {
	c := k.Config
	sc := session.Config{Mode: mode, Card: k.Card, KioskID: c.KioskID, CounterID: c.CounterID, Queue: k.Queue, Now: c.Now,
		Catalog: k.Catalog, Form: form.Options{Agency: c.AgencyName, KioskID: c.KioskID, CounterID: c.CounterID, Now: c.Now},
		Lang: func() string { return string(k.Text.Lang()) }}
	if mode == session.SelfService {
		sc.IdleWipe, sc.IdleWarn = c.IdleWipe, c.IdleWarn
	}
	s := session.New(sc)
	k.sessions = append(k.sessions, s)
	return s
}

// Close closes the sessions (writing their audit events), stops the worker
// and closes the store.
func (k *Kiosk) Close() {
	for _, s := range k.sessions {
		s.Close()
	}
	k.sessions = nil
	for i := len(k.closers) - 1; i >= 0; i-- {
		k.closers[i]()
	}
	k.closers = nil
}

// declarePart is the queue's Prepare hook: it attaches the filled
// declaration to each dossier filed from the app as a part, and keeps a
// copy in memory (kept) for the print that follows.
func declarePart(cat *catalog.Catalog, agency string, kept *printout.Kept) (func(*dossier.Dossier, map[string][]byte) error, error) {
	ls, err := declaration.EmbeddedLayouts(cat)
	if err != nil {
		return nil, err
	}
	return func(d *dossier.Dossier, files map[string][]byte) error {
		if err := printout.Declare(d, files, cat, ls, agency); err != nil {
			return err
		}
		if b, ok := printout.Part(d, files); ok {
			kept.Put(d.ID, b)
		}
		return nil
	}, nil
}

// cardSource picks the reader: an injected one, the virtual card in
// process, or PC/SC.
func cardSource(c Config) (session.CardSource, *pki.TrustStore, error) {
	if c.Card != nil {
		return c.Card, nil, nil
	}
	if c.Reader.Kind == ReaderSim {
		path, err := seeds.Fixture(c.Reader.SimCard) // a path, or a shipped fixture's name
		if err != nil {
			return nil, nil, &ConfigError{Setting: "simCard", Problem: err.Error()}
		}
		return adapt.NewSimCard(path), nil, nil
	}
	src := &pcsccard.Source{Reader: c.Reader.Name}
	if c.Reader.TrustDir != "" {
		t, err := pki.LoadTrustStore(c.Reader.TrustDir)
		if errors.Is(err, fs.ErrNotExist) {
			t, err = pki.NewTrustStore(), nil // nothing imported yet: warned below
		}
		if err != nil {
			return nil, nil, fmt.Errorf("trust store: %w", err)
		}
		if t.Len() == 0 { // passive authentication would say "not checked" on every card
			slog.Warn("the CSCA trust list is empty: add the master list (README: first-run checklist)", "trustDir", c.Reader.TrustDir)
		}
		src.Trust = t
	}
	return src, src.Trust, nil
}

package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"motcua/kiosk/catalog"
	"motcua/kiosk/config"
	"motcua/kiosk/form"
	"motcua/kiosk/i18n"
	"motcua/kiosk/session"
	"motcua/kiosk/session/adapt"
	"motcua/offline/portal"
	"motcua/offline/portalserver"
	"motcua/offline/store"
	osync "motcua/offline/sync"
)

// demo is a kiosk on real parts in a throwaway directory: the reference
// portal on loopback, an encrypted store, the sync worker and virtual
// cards. The screenshots and soak commands drive it.
type demo struct {
	cat   *catalog.Catalog
	sim   *adapt.SimCard
	text  *i18n.Bundle
	queue *adapt.Queue
	seeds string
	dir   string // throwaway directory for the store, portal and receipts
	close func()
}

func (d *demo) card(name string) string { return filepath.Join(d.seeds, "cards", name+".json") }

func (d *demo) session(mode session.Mode) *session.Session {
	c := session.Config{Mode: mode, Card: d.sim, Queue: d.queue, KioskID: "KIOSK-01", CounterID: "QUAY-01",
		Forms: &adapt.Forms{Catalog: d.cat, Options: form.Options{Agency: config.Default().AgencyName, KioskID: "KIOSK-01"}},
		Lang:  func() string { return string(d.text.Lang()) }}
	if mode == session.SelfService {
		c.IdleWipe, c.IdleWarn = 40*time.Second, 35*time.Second
	}
	return session.New(c)
}

func newDemo(ctx context.Context, seeds string) (*demo, error) {
	tmp, err := os.MkdirTemp("", "kiosk-demo-")
	if err != nil {
		return nil, err
	}
	closers := []func(){func() { os.RemoveAll(tmp) }} // removed last
	closeAll := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	ps, err := portalserver.Open(portalserver.Config{Dir: filepath.Join(tmp, "portal"), NoSync: true,
		Tokens: map[string]string{"demo-token": "KIOSK-01"}})
	if err != nil {
		closeAll()
		return nil, err
	}
	closers = append(closers, func() { ps.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		closeAll()
		return nil, err
	}
	srv := &http.Server{Handler: ps.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	closers = append(closers, func() { srv.Close() })
	st, err := store.OpenDir(filepath.Join(tmp, "kiosk"), filepath.Join(tmp, "kiosk", "data.key"), store.Options{KioskID: "KIOSK-01", NoSync: true})
	if err != nil {
		closeAll()
		return nil, err
	}
	closers = append(closers, func() { st.Close() })
	client, err := portal.NewHTTPClient("http://"+ln.Addr().String(), "demo-token")
	if err != nil {
		closeAll()
		return nil, err
	}
	wk, err := osync.New(osync.Config{Store: st, Client: client})
	if err != nil {
		closeAll()
		return nil, err
	}
	wctx, cancel := context.WithCancel(ctx)
	go wk.Run(wctx)
	closers = append(closers, cancel)
	cat, err := catalog.Embedded()
	if err != nil {
		closeAll()
		return nil, err
	}
	d := &demo{cat: cat, text: i18n.Default(), seeds: seeds, dir: tmp, close: closeAll,
		queue: &adapt.Queue{Store: st, Worker: wk, KioskID: "KIOSK-01", CounterID: "QUAY-01"}}
	d.sim = adapt.NewSimCard(d.card("nguyen-van-an"))
	return d, nil
}

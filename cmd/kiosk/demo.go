package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	kapp "motcua/kiosk/app"
	"motcua/kiosk/config"
	"motcua/kiosk/session"
	"motcua/kiosk/session/adapt"
	"motcua/offline/portalserver"
)

// demo is a kiosk on real parts in a throwaway directory: the reference
// portal on loopback and a kiosk built by kapp.Build (encrypted store, sync
// worker) reading virtual cards. The screenshots and soak commands drive it.
type demo struct {
	k     *kapp.Kiosk // its Catalog and Text are the demo's
	sim   *adapt.SimCard
	seeds string
	dir   string // throwaway directory for the store, portal and receipts
	close func()
}

func (d *demo) card(name string) string { return filepath.Join(d.seeds, "cards", name+".json") }

// session starts another visit; a self-service one warns at 5 s and wipes
// at 40 s, so that the screenshots catch the warning.
func (d *demo) session(mode session.Mode) *session.Session {
	return d.k.NewSession(mode)
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
	sim := adapt.NewSimCard(filepath.Join(seeds, "cards", "nguyen-van-an.json"))
	dev := config.Default()
	dev.DataDir, dev.KeyFile = filepath.Join(tmp, "kiosk"), ""
	dev.PortalURL, dev.Token = "http://"+ln.Addr().String(), "demo-token"
	c, err := kapp.FromConfig(dev)
	if err != nil {
		closeAll()
		return nil, err
	}
	c.Card, c.NoSync, c.HeartbeatEvery = sim, true, -1
	c.IdleWipe, c.IdleWarn = 40*time.Second, 35*time.Second
	c.Receipts = filepath.Join(tmp, "receipts")
	k, err := kapp.Build(ctx, c)
	if err != nil {
		closeAll()
		return nil, err
	}
	closers = append(closers, k.Close)
	return &demo{k: k, sim: sim, seeds: seeds, dir: tmp, close: closeAll}, nil
}

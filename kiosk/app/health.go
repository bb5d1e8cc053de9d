package app

import (
	"context"
	"errors"
	"sync"
	"time"

	"motcua/cardreader/pcsc"
	"motcua/kiosk/printing"
	"motcua/kiosk/scanner"
	"motcua/kiosk/session"
	"motcua/offline/heartbeat"
	"motcua/offline/store"
)

// deviceCheckEvery is how often the reader, printer and scanner are looked
// at for the heartbeat. The sender polls its status every 2 s, and lpstat
// or scanimage are far too slow for that, so the checks run apart and the
// heartbeat reads their last answer.
const deviceCheckEvery = 30 * time.Second

// devices is the last known state of the kiosk's devices, for the
// heartbeat. It holds no personal data: states and model names only.
type devices struct {
	mu                       sync.Mutex
	reader, printer, scanDev heartbeat.Device
	oldestQueued             time.Time // when the oldest waiting dossier was queued
}

func (d *devices) get() (reader, printer, scan heartbeat.Device, oldest time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.reader, d.printer, d.scanDev, d.oldestQueued
}

// startHeartbeat reports the kiosk's health to the portal every 30 s and on
// every change, until ctx ends. It never blocks the visit: a portal that is
// down only delays the next heartbeat.
func (k *Kiosk) startHeartbeat(ctx context.Context) error {
	c := k.Config
	if c.HeartbeatEvery < 0 || c.PortalURL == "" {
		return nil
	}
	mode := heartbeat.ModeCounter
	if c.Mode == session.SelfService {
		mode = heartbeat.ModeSelfService
	}
	d := &devices{}
	status := func() heartbeat.Status {
		snap := k.Worker.Snapshot()
		r, p, s, oldest := d.get()
		if snap.Queue == 0 {
			oldest = time.Time{}
		}
		return heartbeat.Status{Version: c.Version, Mode: mode, Ward: c.AgencyName, Queue: snap.Queue,
			OldestQueued: oldest, LastSync: snap.LastContact, Online: snap.Online, Reader: r, Printer: p, Scanner: s,
			TrustListIssued: k.trustIssued(), FreeDiskBytes: heartbeat.FreeDisk(c.DataDir)}
	}
	hctx, cancel := context.WithCancel(ctx)
	sender, err := heartbeat.Start(hctx, heartbeat.Config{URL: c.PortalURL, Token: c.Token, Interval: c.HeartbeatEvery}, status)
	if err != nil {
		cancel()
		return err
	}
	k.Heartbeat = sender
	checked := make(chan struct{})
	go func() {
		defer close(checked)
		t := time.NewTicker(deviceCheckEvery)
		defer t.Stop()
		for {
			// In the background: scanimage -L can take seconds.
			r, p, s := k.checkDevices(hctx)
			oldest := k.oldestQueued()
			d.mu.Lock()
			changed := r != d.reader || p != d.printer || s != d.scanDev
			d.reader, d.printer, d.scanDev, d.oldestQueued = r, p, s, oldest
			d.mu.Unlock()
			if changed {
				sender.Notify()
			}
			select {
			case <-hctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	// Closers run last first, so this one stops the heartbeat before the
	// worker and the store go.
	k.closers = append(k.closers, func() { cancel(); <-sender.Done(); <-checked })
	return nil
}

// checkDevices looks at the reader, the printer and the scanner once.
func (k *Kiosk) checkDevices(ctx context.Context) (reader, printer, scan heartbeat.Device) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	reader = k.readerState()
	printer = printerState(ctx, k.Config.Printer)
	scan = scannerState(ctx)
	return reader, printer, scan
}

func (k *Kiosk) readerState() heartbeat.Device {
	if k.Config.Reader.Kind == ReaderSim {
		return heartbeat.Device{State: heartbeat.StateOK, Model: "virtual card (development)"}
	}
	cl, err := pcsc.NewClient()
	if err != nil {
		return heartbeat.Device{State: heartbeat.StateError}
	}
	defer cl.Close()
	readers, err := cl.Readers()
	if err != nil {
		return heartbeat.Device{State: heartbeat.StateError}
	}
	var names []string
	for _, r := range readers {
		names = append(names, r.Name)
	}
	name, err := pcsc.Choose(names, k.Config.Reader.Name)
	if err != nil {
		return heartbeat.Device{State: heartbeat.StateMissing}
	}
	return heartbeat.Device{State: heartbeat.StateOK, Model: name}
}

func printerState(ctx context.Context, name string) heartbeat.Device {
	err := (&printing.Client{}).Ready(ctx, name)
	switch {
	case err == nil:
		return heartbeat.Device{State: heartbeat.StateOK, Model: name}
	case errors.Is(err, printing.ErrPaperOut):
		return heartbeat.Device{State: heartbeat.StatePaperOut, Model: name}
	case errors.Is(err, printing.ErrNoPrinter), errors.Is(err, printing.ErrNoCUPS):
		return heartbeat.Device{State: heartbeat.StateMissing}
	}
	return heartbeat.Device{State: heartbeat.StateError, Model: name}
}

// scannerState says whether SANE sees a scanner. A kiosk without one
// (photos and files only) reports unknown rather than missing.
func scannerState(ctx context.Context) heartbeat.Device {
	devs, err := (&scanner.SANE{}).List(ctx)
	switch {
	case errors.Is(err, scanner.ErrNoSANE):
		return heartbeat.Device{State: heartbeat.StateUnknown}
	case err != nil:
		return heartbeat.Device{State: heartbeat.StateError}
	case len(devs) == 0:
		return heartbeat.Device{State: heartbeat.StateUnknown}
	}
	return heartbeat.Device{State: heartbeat.StateOK, Model: devs[0].Vendor + " " + devs[0].Model}
}

// oldestQueued is when the oldest dossier still waiting for the portal was
// queued (zero: none), read every deviceCheckEvery, not on every poll.
func (k *Kiosk) oldestQueued() time.Time {
	recs, err := k.Store.List(store.Filter{State: store.Queued})
	if err != nil || len(recs) == 0 {
		return time.Time{}
	}
	return recs[0].CreatedAt // List is oldest first
}

// trustIssued is the issue date of the newest CSCA certificate the reader
// trusts, standing for the trust list's age (zero: none, or the virtual
// card, whose test PKI says nothing about a real deployment).
func (k *Kiosk) trustIssued() time.Time {
	if k.trust == nil {
		return time.Time{}
	}
	var newest time.Time
	for _, c := range k.trust.Certificates() {
		if c.NotBefore.After(newest) {
			newest = c.NotBefore
		}
	}
	return newest
}

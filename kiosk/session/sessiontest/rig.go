package sessiontest

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"motcua/kiosk/app"
	"motcua/kiosk/catalog"
	"motcua/kiosk/i18n"
	"motcua/kiosk/session"
	"motcua/kiosk/session/adapt"
	"motcua/offline/portalserver"
	"motcua/offline/store"
	osync "motcua/offline/sync"
)

// Options configure a Rig.
type Options struct {
	Mode       session.Mode
	Fixture    string // card on the reader, by name in seeds/cards (e.g. "nguyen-van-an" or "faults/tamper-dg13")
	PortalDown bool   // the portal answers 503 to everything from the start
	IdleWipe   time.Duration
	IdleWarn   time.Duration
	Now        func() time.Time
}

// Rig is a session on real parts.
type Rig struct {
	Session *session.Session
	Card    *adapt.SimCard
	Queue   *session.Queue
	Store   *store.Store
	Worker  *osync.Worker
	Portal  *portalserver.Server
	Catalog *catalog.Catalog
}

// Seeds returns the repository's seeds directory.
func Seeds() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "seeds")
}

// Fixture returns the path of a card fixture by name: a seed fixture
// ("nguyen-van-an", "faults/tamper-dg13") or, prefixed "test:", one of this
// package's testdata/cards (cards with chip faults for the session's tests).
func Fixture(name string) string {
	if n, ok := strings.CutPrefix(name, "test:"); ok {
		_, file, _, _ := runtime.Caller(0)
		return filepath.Join(filepath.Dir(file), "testdata", "cards", n+".json")
	}
	return filepath.Join(Seeds(), "cards", name+".json")
}

// New builds a Rig; everything is closed when the test ends.
func New(t testing.TB, o Options) *Rig {
	t.Helper()
	dir := t.TempDir()
	ps, err := portalserver.Open(portalserver.Config{Dir: filepath.Join(dir, "portal"), NoSync: true,
		Tokens: map[string]string{"test-token": "KIOSK-T"}, Agency: "000.00.00.H00"})
	if err != nil {
		t.Fatal(err)
	}
	if o.PortalDown {
		ps.Faults().Set(portalserver.FaultSettings{Unavailable: true})
	}
	hs := httptest.NewServer(ps.Handler())
	card := adapt.NewSimCard("")
	card.PKIDir = filepath.Join(Seeds(), "pki")
	if o.Fixture != "" {
		if _, err := os.Stat(Fixture(o.Fixture)); err != nil {
			t.Fatal(err)
		}
		card.Put(Fixture(o.Fixture))
	}
	if o.Mode == "" {
		o.Mode = session.Counter
	}
	k, err := app.Build(context.Background(), app.Config{Mode: o.Mode, Lang: i18n.VI, DataDir: filepath.Join(dir, "kiosk"),
		Retention: store.DeleteOnReceipt, NoSync: true, PortalURL: hs.URL, Token: "test-token",
		KioskID: "KIOSK-T", CounterID: "QUAY-T", AgencyName: "000.00.00.H00", Card: card,
		IdleWipe: o.IdleWipe, IdleWarn: o.IdleWarn, QueueWait: 5 * time.Second, Now: o.Now, HeartbeatEvery: -1,
		Sync: osync.Config{ProbeBase: 50 * time.Millisecond, ProbeMax: time.Second, RetryBase: 50 * time.Millisecond, RequestTimeout: 5 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		k.Close() // the session (its audit events), the worker, the store
		hs.Close()
		ps.Close()
	})
	return &Rig{Session: k.Session, Card: card, Queue: k.Queue, Store: k.Store, Worker: k.Worker, Portal: ps, Catalog: k.Catalog}
}

// PortalDown makes the portal answer 503 to everything (true) or recover.
func (r *Rig) PortalDown(down bool) {
	r.Portal.Faults().Update(func(f *portalserver.FaultSettings) { f.Unavailable = down })
}

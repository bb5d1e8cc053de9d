package session_test

import (
	"sync"
	"testing"
	"time"

	"motcua/kiosk/catalog"
	"motcua/kiosk/session"
	"motcua/kiosk/session/demofill"
	"motcua/kiosk/session/sessiontest"
	"motcua/offline/audit"
)

// The harness runs the session on real parts (sessiontest.Rig): the virtual
// chip, the catalog and form engine, the bbolt store, the sync worker and
// the reference portal on loopback.

type harnessOpts struct {
	mode       session.Mode
	fixture    string
	portalDown bool
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type harness struct {
	s     *session.Session
	rig   *sessiontest.Rig
	clock *fakeClock
}

func newHarness(t *testing.T, o harnessOpts) *harness {
	t.Helper()
	if o.fixture == "" {
		o.fixture = "nguyen-van-an"
	}
	h := &harness{clock: &fakeClock{t: time.Now()}}
	h.rig = sessiontest.New(t, sessiontest.Options{Mode: o.mode, Fixture: o.fixture, PortalDown: o.portalDown,
		IdleWipe: 90 * time.Second, IdleWarn: 20 * time.Second, Now: h.clock.Now})
	h.s = h.rig.Session
	return h
}

// open reads the card and opens the form of procedure slug.
func (h *harness) open(t *testing.T, slug string) {
	t.Helper()
	s := h.s
	if err := s.StartRead(t.Context(), session.ReadRequest{}); err != nil {
		t.Fatal(err)
	}
	waitState(t, s, session.StateIdentity)
	if err := s.Continue(); err != nil {
		t.Fatal(err)
	}
	p, ok := h.rig.Catalog.Lookup(slug)
	if !ok {
		t.Fatalf("no %s in the catalog", slug)
	}
	if err := s.Choose(p); err != nil {
		t.Fatal(err)
	}
}

func (h *harness) pick(t *testing.T, ps []*catalog.Procedure) *catalog.Procedure {
	for _, p := range ps {
		if p.Slug == "tam-tru" {
			return p
		}
	}
	t.Fatal("no tam-tru in the catalog")
	return nil
}

func (h *harness) fill(t *testing.T) {
	t.Helper()
	if err := demofill.Fill(h.s, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
}

// attachAll ticks every document the form lists as brought and moves on
// from the attachments step.
func attachAll(t *testing.T, s *session.Session) {
	t.Helper()
	for _, a := range s.Form().Attachments("vi") {
		s.SetAttachment(a.Key, true)
	}
	if err := s.Next(); err != nil {
		t.Fatalf("Next from attachments: %v", err)
	}
}

func (h *harness) checkRated(t *testing.T, n int) {
	t.Helper()
	rs, err := h.rig.Store.Ratings(time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Score != n {
		t.Errorf("ratings %+v, want one of %d", rs, n)
	}
}

func (h *harness) audited(kind string) bool {
	h.s.FlushAudit()
	found := false
	h.rig.Store.Audit().Each(func(e audit.Entry) error {
		found = found || string(e.Action) == kind
		return nil
	})
	return found
}

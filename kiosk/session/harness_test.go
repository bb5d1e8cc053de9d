package session_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/kiosk/catalog"
	"motcua/kiosk/session"
	"motcua/offline/dossier"
)

// Temporary in-test ports, used until the real card, form and queue
// packages land; see the adapters for the real ones.

type harnessOpts struct {
	mode       session.Mode
	wrongCard  bool
	tampered   bool
	slow       bool
	portalDown bool
	qr         string
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type harness struct {
	s       *session.Session
	clock   *fakeClock
	card    *fakeCard
	queue   *fakeQueue
	catalog *catalog.Catalog
}

func newHarness(t *testing.T, o harnessOpts) *harness {
	t.Helper()
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{clock: &fakeClock{t: time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)}, catalog: cat}
	h.card = &fakeCard{o: o, started: make(chan struct{}, 1)}
	h.queue = &fakeQueue{down: o.portalDown}
	if o.mode == "" {
		o.mode = session.Counter
	}
	h.s = session.New(session.Config{
		Mode: o.mode, Card: h.card, Forms: fakeForms{cat}, Queue: h.queue,
		KioskID: "KIOSK-T", IdleWipe: 90 * time.Second, IdleWarn: 20 * time.Second, Now: h.clock.Now,
	})
	return h
}

func (h *harness) pick(t *testing.T, ps []*catalog.Procedure) *catalog.Procedure {
	for _, p := range ps {
		if p.Slug == "tam-tru" {
			return p
		}
	}
	return ps[0]
}

func (h *harness) fill(t *testing.T) {
	t.Helper()
	for _, f := range h.s.Form().Fields("vi") {
		if !f.Locked && f.Value == "" {
			if err := h.s.Set(f.Path, "0912345678"); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func (h *harness) waitReading(t *testing.T) { <-h.card.started }

func (h *harness) checkRated(t *testing.T, n int) {
	h.queue.mu.Lock()
	defer h.queue.mu.Unlock()
	if len(h.queue.ratings) != 1 || h.queue.ratings[0] != n {
		t.Errorf("ratings %v", h.queue.ratings)
	}
}

func (h *harness) audited(kind string) bool {
	h.queue.mu.Lock()
	defer h.queue.mu.Unlock()
	for _, e := range h.queue.events {
		if e.Kind == kind {
			return true
		}
	}
	return false
}

type fakeCard struct {
	o       harnessOpts
	started chan struct{}
}

func (c *fakeCard) Read(ctx context.Context, req session.ReadRequest, progress func(session.Step)) (*cardreader.Reading, error) {
	progress(session.StepConnecting)
	if req.QR != "" {
		return nil, session.ErrBadQR
	}
	if c.o.wrongCard {
		return nil, fmt.Errorf("bac: %w", session.ErrWrongCard)
	}
	progress(session.StepOpening)
	if c.o.slow {
		c.started <- struct{}{}
		<-ctx.Done()
		return nil, ctx.Err()
	}
	progress(session.StepReading)
	progress(session.StepVerifying)
	r := &cardreader.Reading{Source: cardreader.SourceChip, Access: cardreader.AccessBAC,
		Citizen: cccd.Citizen{ID: "001090000001", FullName: "Nguyễn Văn An", DateOfBirth: cccd.Date{Year: 1990, Month: 1, Day: 2}},
		Photo:   cardreader.Photo{Format: "jpeg", Data: []byte{0xff, 0xd8, 1, 2, 3}}}
	r.Verification.Passive.Status = cardreader.StatusPassed
	if c.o.tampered {
		r.Verification.Passive = cardreader.Check{Status: cardreader.StatusFailed, Code: "hash-mismatch"}
	}
	return r, nil
}

type fakeForms struct{ c *catalog.Catalog }

func (f fakeForms) Procedures() []*catalog.Procedure { return f.c.All() }
func (f fakeForms) Open(p *catalog.Procedure, r *cardreader.Reading) (session.Form, error) {
	return &fakeForm{p: p, name: r.Citizen.FullName, id: r.Citizen.ID, have: map[string]bool{}}, nil
}

type fakeForm struct {
	p        *catalog.Procedure
	name, id string
	phone    string
	have     map[string]bool
}

func (f *fakeForm) Procedure() *catalog.Procedure { return f.p }
func (f *fakeForm) Fields(lang string) []session.Field {
	return []session.Field{
		{Path: "requester.fullName", Label: "Họ tên", Value: f.name, Locked: true, Provenance: dossier.FromChip},
		{Path: "requester.phone", Label: "Điện thoại", Value: f.phone, Required: true, Provenance: dossier.Typed},
	}
}
func (f *fakeForm) Set(path, v string) error {
	if path != "requester.phone" {
		return session.ErrLocked
	}
	f.phone = v
	return nil
}
func (f *fakeForm) Slots(string) []session.PersonSlot { return nil }
func (f *fakeForm) AddPerson(string, *cardreader.Reading, string) (string, error) {
	return "", fmt.Errorf("no slot")
}
func (f *fakeForm) Attachments(string) []session.Attachment {
	var out []session.Attachment
	for _, a := range f.p.Attachments {
		out = append(out, session.Attachment{Key: a.Key, Name: a.Name.VI, Required: a.Required, Have: f.have[a.Key]})
	}
	return out
}
func (f *fakeForm) SetAttachment(k string, have bool) { f.have[k] = have }
func (f *fakeForm) Validate(lang string) (int, []string) {
	n := 0
	if f.phone == "" {
		n++
	}
	var missing []string
	for _, a := range f.p.Attachments {
		if a.Required && !f.have[a.Key] {
			missing = append(missing, a.Key)
		}
	}
	return n, missing
}
func (f *fakeForm) Dossier(m session.DossierMeta) (dossier.Dossier, error) {
	id := dossier.NewID(m.Now)
	return dossier.Dossier{ID: id, ProcedureCode: f.p.Ref(), ProcedureName: f.p.Name.VI,
		Applicants: []dossier.Applicant{{Role: "requester", ID: f.id, FullName: f.name}}, CreatedAt: m.Now, KioskID: m.KioskID}, nil
}
func (f *fakeForm) Files() map[string][]byte { return nil }
func (f *fakeForm) Metrics() session.Metrics {
	return session.Metrics{Prefilled: 1, Typed: 1, ChipVerified: true}
}

type fakeQueue struct {
	mu      sync.Mutex
	down    bool
	queued  int
	seq     int
	ratings []int
	events  []session.Event
}

func (q *fakeQueue) Submit(ctx context.Context, d dossier.Dossier, files map[string][]byte, m session.Metrics) (session.Filed, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.seq++
	f := session.Filed{DossierID: d.ID, LocalCode: fmt.Sprintf("KIOSK-T-%04d", q.seq), ReceivedAt: d.CreatedAt}
	if q.down {
		q.queued++
		return f, nil
	}
	f.Code, f.Synced = fmt.Sprintf("000.00.00.H00-261123-%04d", q.seq), true
	return f, nil
}
func (q *fakeQueue) Today(context.Context) ([]session.Entry, error) { return nil, nil }
func (q *fakeQueue) Status() session.Status {
	q.mu.Lock()
	defer q.mu.Unlock()
	return session.Status{Online: !q.down, Queued: q.queued}
}
func (q *fakeQueue) Rate(ctx context.Context, id string, n int) error {
	q.mu.Lock()
	q.ratings = append(q.ratings, n)
	q.mu.Unlock()
	return nil
}
func (q *fakeQueue) Audit(ctx context.Context, e session.Event) error {
	q.mu.Lock()
	q.events = append(q.events, e)
	q.mu.Unlock()
	return nil
}
func (q *fakeQueue) Indicators(context.Context) (session.Indicators, error) {
	return session.Indicators{}, nil
}

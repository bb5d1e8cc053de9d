package ui_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/kiosk/catalog"
	"motcua/kiosk/form"
	"motcua/kiosk/i18n"
	"motcua/kiosk/session"
	"motcua/kiosk/session/adapt"
	"motcua/kiosk/ui"
	"motcua/offline/dossier"
)

type persona struct {
	name, id, dob, residence string
	sex                      cccd.Sex
}

type kitOpts struct {
	mode       session.Mode
	tampered   bool
	wrongCard  bool
	portalDown bool
}

type kit struct {
	app     *ui.App
	w       fyne.Window
	catalog *catalog.Catalog
	first   persona
	second  persona
	queue   *memQueue
	clock   time.Time
	dir     string
}

func (k *kit) now() time.Time { return k.clock }

func newKit(t *testing.T, o kitOpts) *kit {
	t.Helper()
	test.NewTempApp(t)
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	k := &kit{catalog: cat, clock: time.Now(), dir: t.TempDir(),
		first:  persona{name: "Nguyễn Thị Hồng Nhung", id: "001192000123", dob: "12/03/1992", residence: "Số 7 ngõ Trúc Lạc, phường Ba Đình, Hà Nội", sex: cccd.Female},
		second: persona{name: "Trần Quốc Bảo", id: "079090000456", dob: "05/11/1990", residence: "12 Nguyễn Huệ, phường Sài Gòn, TP. Hồ Chí Minh", sex: cccd.Male},
	}
	card := &memCard{o: o, people: []persona{k.first, k.second}}
	k.queue = &memQueue{down: o.portalDown}
	s := session.New(session.Config{
		Mode: o.mode, Card: card, Queue: k.queue, KioskID: "KIOSK-T", CounterID: "QUAY-T",
		Forms:    &adapt.Forms{Catalog: cat, Options: form.Options{Agency: "000.00.00.H00", KioskID: "KIOSK-T"}},
		IdleWipe: 90 * time.Second, IdleWarn: 20 * time.Second,
	})
	text := i18n.Default()
	w := test.NewWindow(nil)
	w.Resize(fyne.NewSize(1280, 800))
	k.w = w
	k.app = ui.New(w, ui.Options{Session: s, Text: text, AdminPIN: "2468", SaveDir: k.dir, Ticks: -1,
		CheckClerk: func(id, pin string) bool { return id == "CB-01" && pin == "1357" }})
	t.Cleanup(func() { k.app.Close(); w.Close() })
	return k
}

func (k *kit) signIn(t *testing.T) {
	t.Helper()
	var id, pin fyne.Focusable
	k.app.Inspect(func(c fyne.Canvas) {
		for _, o := range objects(c) {
			if e, ok := o.(fyne.Focusable); ok {
				if id == nil {
					id = e
				} else if pin == nil {
					pin = e
				}
			}
		}
	})
	test.Type(id, "CB-01")
	test.Type(pin, "0000")
	tap(t, k.app, "Đăng nhập")
	contains(t, k.app, "Mã cán bộ hoặc PIN không đúng")
	test.Type(pin, "1357")
	tap(t, k.app, "Đăng nhập")
	if k.app.Session().Clerk() != "CB-01" {
		t.Fatalf("clerk %q", k.app.Session().Clerk())
	}
}

func (k *kit) checkPDF(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("receipt PDF: %v", err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-1.4")) || len(b) < 2000 {
		t.Errorf("receipt PDF of %d bytes", len(b))
	}
}

// noPersonalData walks every widget in the window and fails if any text
// holds a name, ID number, date of birth or address read from a card.
func (k *kit) noPersonalData(t *testing.T) {
	t.Helper()
	all := allText(k.app)
	for _, p := range []persona{k.first, k.second} {
		for _, s := range []string{p.name, p.id, p.dob, p.residence, p.id[len(p.id)-6:]} {
			if strings.Contains(all, s) {
				t.Errorf("after the wipe the screen still shows %q", s)
			}
		}
	}
	if s := k.app.Session(); s.Requester() != nil || s.Form() != nil || s.Receipt() != nil {
		t.Error("session still holds personal data")
	}
}

func (k *kit) checkRating(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		k.queue.mu.Lock()
		r := append([]int(nil), k.queue.ratings...)
		k.queue.mu.Unlock()
		if len(r) == 1 {
			if r[0] != n {
				t.Errorf("rating %d, want %d", r[0], n)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("ratings %v", r)
		}
		time.Sleep(time.Millisecond)
	}
}

func jpegPhoto() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 60, 80))
	for y := 0; y < 80; y++ {
		for x := 0; x < 60; x++ {
			img.Set(x, y, color.RGBA{uint8(100 + x), uint8(120 + y), 160, 255})
		}
	}
	var b bytes.Buffer
	jpeg.Encode(&b, img, nil)
	return b.Bytes()
}

// memCard is an in-test card source (replaced by the virtual chip once
// cardreader/simreader lands).
type memCard struct {
	mu     sync.Mutex
	o      kitOpts
	people []persona
	n      int
}

func (c *memCard) Read(ctx context.Context, req session.ReadRequest, progress func(session.Step)) (*cardreader.Reading, error) {
	for st := session.StepConnecting; st < session.StepDone; st++ {
		progress(st)
	}
	if c.o.wrongCard {
		return nil, fmt.Errorf("access: %w", session.ErrWrongCard)
	}
	c.mu.Lock()
	p := c.people[c.n%len(c.people)]
	c.n++
	c.mu.Unlock()
	dob, _ := cccd.ParseDMY(strings.ReplaceAll(p.dob, "/", ""))
	r := &cardreader.Reading{Source: cardreader.SourceChip, Access: cardreader.AccessBAC, Generation: cccd.CCCD2021,
		Citizen: cccd.Citizen{ID: p.id, FullName: p.name, DateOfBirth: dob, Sex: p.sex, Nationality: "Việt Nam",
			Ethnicity: "Kinh", PlaceOfResidence: p.residence, PlaceOfOrigin: "Hà Nội",
			IssueDate: cccd.Date{Year: 2021, Month: 5, Day: 1}, ExpiryDate: cccd.Date{Year: 2032, Month: 3, Day: 12}},
		Photo: cardreader.Photo{Format: "jpeg", Data: jpegPhoto()}}
	r.Verification.Passive.Status = cardreader.StatusPassed
	r.Verification.Active.Status = cardreader.StatusPassed
	if c.o.tampered {
		r.Verification.Passive = cardreader.Check{Status: cardreader.StatusFailed, Code: "hash-mismatch"}
	}
	return r, nil
}

type memQueue struct {
	mu      sync.Mutex
	down    bool
	seq     int
	queued  int
	entries []session.Entry
	ratings []int
}

func (q *memQueue) Submit(ctx context.Context, d dossier.Dossier, files map[string][]byte, m session.Metrics) (session.Filed, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.seq++
	f := session.Filed{DossierID: d.ID, LocalCode: fmt.Sprintf("KIOSK-T-%04d", q.seq), ReceivedAt: d.CreatedAt}
	e := session.Entry{DossierID: d.ID, ProcedureCode: d.ProcedureCode, ProcedureName: d.ProcedureName, At: d.CreatedAt, MaskedID: "********" + d.Applicants[0].ID[8:]}
	if q.down {
		q.queued++
		e.Code, e.State = f.LocalCode, session.SyncQueued
	} else {
		f.Code, f.Synced = fmt.Sprintf("000.00.00.H00-261123-%04d", q.seq), true
		e.Code, e.State = f.Code, session.SyncAccepted
	}
	q.entries = append(q.entries, e)
	return f, nil
}
func (q *memQueue) Today(context.Context) ([]session.Entry, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]session.Entry(nil), q.entries...), nil
}
func (q *memQueue) Status() session.Status {
	q.mu.Lock()
	defer q.mu.Unlock()
	return session.Status{Online: !q.down, Queued: q.queued}
}
func (q *memQueue) Rate(ctx context.Context, id string, n int) error {
	q.mu.Lock()
	q.ratings = append(q.ratings, n)
	q.mu.Unlock()
	return nil
}
func (q *memQueue) Audit(context.Context, session.Event) error { return nil }
func (q *memQueue) Indicators(context.Context) (session.Indicators, error) {
	return session.Indicators{}, nil
}

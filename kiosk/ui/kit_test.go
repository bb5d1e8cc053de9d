package ui_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"motcua/cardreader/cccd"
	"motcua/kiosk/catalog"
	"motcua/kiosk/i18n"
	"motcua/kiosk/session"
	"motcua/kiosk/session/sessiontest"
	"motcua/kiosk/ui"
)

type persona struct {
	name, id, dob, residence string
}

// personOf reads the holder of a card fixture, to look for their data on
// screen.
func personOf(t testing.TB, fixture string) persona {
	t.Helper()
	raw, err := os.ReadFile(sessiontest.Fixture(fixture))
	if err != nil {
		t.Fatal(err)
	}
	var fx struct {
		Person cccd.Citizen `json:"person"`
	}
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	c := fx.Person
	return persona{name: c.FullName, id: c.ID, dob: c.DateOfBirth.String(), residence: c.PlaceOfResidence}
}

type kitOpts struct {
	mode       session.Mode
	fixture    string
	portalDown bool
	idle       time.Duration
	now        func() time.Time
	sources    ui.Sources
	tester     bool // the development build's test-card menu
}

type kit struct {
	app     *ui.App
	w       fyne.Window
	rig     *sessiontest.Rig
	catalog *catalog.Catalog
	first   persona
	second  persona
	dir     string
	exits   atomic.Int32
}

const secondCard = "tran-thi-binh"

func (k *kit) now() time.Time { return time.Now() }

func newKit(t testing.TB, o kitOpts) *kit {
	t.Helper()
	test.NewTempApp(t)
	if o.fixture == "" {
		o.fixture = "nguyen-van-an"
	}
	k := &kit{dir: t.TempDir(), first: personOf(t, o.fixture), second: personOf(t, secondCard)}
	ro := sessiontest.Options{Mode: o.mode, Fixture: o.fixture, PortalDown: o.portalDown, Now: o.now}
	if o.idle > 0 {
		ro.IdleWipe, ro.IdleWarn = o.idle, o.idle/3
	}
	k.rig = sessiontest.New(t, ro)
	k.catalog = k.rig.Catalog
	w := test.NewWindow(nil)
	w.Resize(fyne.NewSize(1280, 800))
	k.w = w
	var tester *ui.Tester
	if o.tester {
		tester = &ui.Tester{Cards: []string{"nguyen-van-an", secondCard}, Place: func(n string) { k.rig.Card.Put(sessiontest.Fixture(n)) }}
	}
	k.app = ui.New(w, ui.Options{Tester: tester, Session: k.rig.Session, Text: i18n.Default(), AdminPIN: "2468", SaveDir: k.dir, Ticks: -1, Sources: o.sources,
		CheckClerk: func(id, pin string) bool { return id == "CB-01" && pin == "1357" },
		OnExit:     func() { k.exits.Add(1) }})
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
	k.app.Inspect(func(fyne.Canvas) { test.Type(id, "CB-01"); test.Type(pin, "0000") })
	tap(t, k.app, "Đăng nhập")
	contains(t, k.app, "Mã cán bộ hoặc PIN không đúng")
	k.app.Inspect(func(fyne.Canvas) { test.Type(pin, "1357") })
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
			if s != "" && strings.Contains(all, s) {
				t.Errorf("after the wipe the screen still shows %q", s)
			}
		}
	}
	if s := k.app.Session(); s.Requester() != nil || s.Form() != nil || s.Receipt() != nil {
		t.Error("session still holds personal data")
	}
}

func (k *kit) checkRating(t *testing.T, score int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		rs, err := k.rig.Store.Ratings(time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) == 1 {
			if rs[0].Score != score {
				t.Errorf("rating %d, want %d", rs[0].Score, score)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("ratings %+v", rs)
		}
		time.Sleep(time.Millisecond)
	}
}

// fileFromIdentity goes on from the identity panel: picks the procedure,
// fills the form, ticks every paper, submits and waits for the receipt.
func (k *kit) fileFromIdentity(t *testing.T, slug string) {
	t.Helper()
	a := k.app
	tap(t, a, "Tiếp tục")
	waitFor(t, a, session.StateChooseProcedure)
	p, _ := k.catalog.Lookup(slug)
	tap(t, a, p.Name.VI)
	waitFor(t, a, session.StateForm)
	fillForm(t, a, time.Now())
	tap(t, a, "Tiếp theo")
	waitFor(t, a, session.StateAttachments)
	for _, at := range a.Session().Form().Attachments("vi") {
		a.Session().SetAttachment(at.Key, true)
	}
	tap(t, a, "Tiếp theo")
	waitFor(t, a, session.StateReview)
	tap(t, a, "Nộp hồ sơ")
	waitFor(t, a, session.StateReceipt)
}

// printSlip taps "print" on the receipt and checks the PDF it saved.
func (k *kit) printSlip(t *testing.T) {
	t.Helper()
	a := k.app
	tap(t, a, "In / Lưu PDF")
	deadline := time.Now().Add(10 * time.Second)
	for a.LastSaved() == "" && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	k.checkPDF(t, a.LastSaved())
}

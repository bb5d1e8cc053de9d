package ui_test

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"motcua/kiosk/session"
	"motcua/kiosk/session/demofill"
	"motcua/kiosk/session/sessiontest"
	"motcua/kiosk/ui"
)

// effort is what a clerk does after the first card for one journey:
// command keys (F2, Ctrl+Enter, Enter on the picker), clicks (a typed
// person, a table line), the questions typed (each value and its Enter to
// the next field; the characters are not counted) and the documents.
type effort struct {
	keys, clicks, questions, documents int
}

// Issue 17 "Done when": the journeys a clerk does every day, driven from
// the keyboard from the card to "Xong", with what each costs. A journey
// that cannot be finished this way fails; the figures go in the log (run
// with -v) and in the note.
func TestClerkJourneysByKeyboard(t *testing.T) {
	journeys := []struct {
		slug   string
		cards  int    // cards read on the form after the first (F2 each)
		typed  int    // people typed in with no card ("Nhập tay")
		lines  int    // table lines added ("Thêm dòng")
		limits effort // what it costs today: more fails
	}{
		{slug: "tam-tru", limits: effort{keys: 6, questions: 3, documents: 1}},
		{slug: "tam-vang", limits: effort{keys: 6, questions: 4}},
		{slug: "luu-tru", cards: 1, typed: 1, limits: effort{keys: 7, clicks: 1, questions: 9}},
		{slug: "ket-hon", cards: 1, limits: effort{keys: 7, questions: 2}},
		{slug: "khai-sinh", cards: 1, limits: effort{keys: 7, questions: 5, documents: 1}},
		{slug: "lien-thong-khai-sinh", cards: 1, limits: effort{keys: 7, questions: 9, documents: 1}},
		{slug: "ly-lich-tu-phap", lines: 2, limits: effort{keys: 6, clicks: 2, questions: 12}},
		{slug: "lien-thong-khai-tu", cards: 1, limits: effort{keys: 7, questions: 12, documents: 1}},
	}
	for _, j := range journeys {
		t.Run(j.slug, func(t *testing.T) {
			k := newKit(t, kitOpts{mode: session.Counter})
			a := k.app
			k.signIn(t)
			var e effort
			key := func(name fyne.KeyName) { e.keys++; press(a, name) }
			ctrlEnter := func() { e.keys++; ctrl(a, fyne.KeyReturn) }

			press(a, fyne.KeyF2) // the card: what follows is counted
			waitFor(t, a, session.StateIdentity)
			ctrlEnter() // identity → procedures
			waitFor(t, a, session.StateChooseProcedure)
			p, _ := k.catalog.Lookup(j.slug)
			search, ok := focused(a).(*ui.TextField)
			if !ok {
				t.Fatal("the search is not focused")
			}
			a.Inspect(func(fyne.Canvas) { test.Type(search, p.Name.VI) })
			key(fyne.KeyReturn) // the highlighted procedure
			waitFor(t, a, session.StateForm)

			for range j.cards {
				k.rig.Card.Put(sessiontest.Fixture(secondCard))
				before := len(a.Session().Form().People("vi"))
				key(fyne.KeyF2) // the next person's card, with the cursor in a field
				deadline := time.Now().Add(10 * time.Second)
				for len(a.Session().Form().People("vi")) == before && time.Now().Before(deadline) {
					time.Sleep(time.Millisecond)
				}
				if len(a.Session().Form().People("vi")) == before {
					t.Fatalf("F2 on the form read no second card: %s", a.Session().Problem())
				}
				waitFor(t, a, session.StateForm)
			}
			for range j.typed {
				e.clicks++
				tap(t, a, "Nhập tay:")
				waitFor(t, a, session.StateForm)
			}
			for range j.lines {
				e.clicks++
				tap(t, a, "Thêm dòng")
				waitFor(t, a, session.StateForm)
			}
			e.questions = answer(t, a)

			ctrlEnter() // form → documents
			if quiet(a); a.Session().State() == session.StateForm {
				for _, fd := range a.Session().Form().Fields("vi") {
					if fd.Error != "" {
						t.Errorf("%s %q: %s", fd.Path, fd.Value, fd.Error)
					}
				}
			}
			waitFor(t, a, session.StateAttachments)
			for _, at := range a.Session().Form().Attachments("vi") {
				if at.Required {
					e.documents++ // scanned, photographed or ticked as shown
					a.Session().SetAttachment(at.Key, true)
				}
			}
			ctrlEnter() // documents → review
			waitFor(t, a, session.StateReview)
			ctrlEnter() // submit
			waitFor(t, a, session.StateReceipt)
			ctrlEnter() // done: the counter shows no rating
			waitFor(t, a, session.StateWelcome)

			t.Logf("%-22s keys %d, clicks %d, questions %d, documents %d", j.slug, e.keys, e.clicks, e.questions, e.documents)
			if e.keys > j.limits.keys || e.clicks > j.limits.clicks || e.questions > j.limits.questions || e.documents > j.limits.documents {
				t.Errorf("%s costs %+v, more than %+v", j.slug, e, j.limits)
			}
		})
	}
}

// answer types every question the cards left open, as a clerk answers
// them in form order, and returns how many there were. Answering one may
// open another (a condition), so it loops; a bundle's later steps take
// what was carried.
func answer(t *testing.T, a *ui.App) int {
	t.Helper()
	n := 0
	s := a.Session()
	for range 6 {
		todo := demofill.Todo(s, time.Now())
		if len(todo) == 0 {
			return n
		}
		for _, fd := range s.Form().Fields("vi") {
			v, ok := todo[fd.Path]
			if !ok {
				continue
			}
			if err := s.Set(fd.Path, v); err != nil {
				if strings.Contains(err.Error(), "locked") {
					continue // carried from an earlier step meanwhile
				}
				t.Fatalf("set %s: %v", fd.Path, err)
			}
			n++
		}
	}
	t.Fatalf("questions keep opening: %v", demofill.Todo(s, time.Now()))
	return n
}

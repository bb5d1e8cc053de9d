package session_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/kiosk/session"
	"motcua/kiosk/session/sessiontest"
)

// waitState waits for the session to reach want (reads and submissions run
// on their own goroutines). It fails the test after a generous limit; it
// measures nothing.
func waitState(t *testing.T, s *session.Session, want session.State) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for s.State() != want {
		if time.Now().After(deadline) {
			t.Fatalf("state %s, want %s (problem %q)", s.State(), want, s.Problem())
		}
		time.Sleep(time.Millisecond)
	}
}

func TestJourney(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	s := h.s
	ctx := context.Background()
	var mu sync.Mutex
	var seen []session.State
	s.OnChange(func() { mu.Lock(); seen = append(seen, s.State()); mu.Unlock() })

	if err := s.StartRead(ctx, session.ReadRequest{}); err != nil {
		t.Fatal(err)
	}
	waitState(t, s, session.StateIdentity)
	if v, _ := session.Judge(s.Requester()); v != session.VerdictChip {
		t.Fatalf("verdict %s", v)
	}
	if err := s.Continue(); err != nil {
		t.Fatal(err)
	}
	procs, _ := s.Procedures(ctx)
	if len(procs) == 0 {
		t.Fatal("no procedures")
	}
	p := h.pick(t, procs)
	if err := s.Choose(p); err != nil {
		t.Fatal(err)
	}
	// The form is not complete until the typed fields are filled.
	if err := s.Next(); !errors.Is(err, session.ErrInvalid) {
		t.Fatalf("Next on empty form = %v", err)
	}
	h.fill(t)
	if err := s.Next(); err != nil {
		t.Fatalf("Next from form: %v", err)
	}
	if s.State() != session.StateAttachments {
		t.Fatalf("state %s", s.State())
	}
	attachAll(t, s)
	if err := s.Submit(ctx); err != nil {
		t.Fatal(err)
	}
	waitState(t, s, session.StateReceipt)
	rc := s.Receipt()
	if rc == nil || rc.Code == "" || rc.ApplicantID == "" {
		t.Fatalf("receipt %+v", rc)
	}
	if err := s.Finish(); err != nil {
		t.Fatal(err)
	}
	photo := s.Requester().Photo.Data
	if err := s.Rate(ctx, 3); err != nil {
		t.Fatal(err)
	}
	if s.State() != session.StateWelcome || s.Requester() != nil || s.Form() != nil || s.Receipt() != nil {
		t.Fatalf("after rating: state %s", s.State())
	}
	for _, b := range photo {
		if b != 0 {
			t.Fatal("photo bytes not zeroed by the wipe")
		}
	}
	mu.Lock()
	defer mu.Unlock()
	// The listener runs after every change; it reads the state when it
	// runs, so fast transitions may be seen late, but the wipe is always
	// seen on its way back to Welcome.
	if !containsState(seen, session.StateWiped) || len(seen) < 8 {
		t.Errorf("listener saw %v", seen)
	}
	h.checkRated(t, 5) // "very satisfied" is 5 on the store's scale
	if !h.audited("read-card") || !h.audited("enqueue") {
		t.Error("read and enqueue not in the audit trail")
	}
}

func containsState(ss []session.State, w session.State) bool {
	for _, s := range ss {
		if s == w {
			return true
		}
	}
	return false
}

func TestProgressSteps(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	var mu sync.Mutex
	var steps []session.Step
	h.s.OnChange(func() {
		if h.s.State() == session.StateReading {
			mu.Lock()
			steps = append(steps, h.s.Step())
			mu.Unlock()
		}
	})
	h.s.StartRead(context.Background(), session.ReadRequest{})
	waitState(t, h.s, session.StateIdentity)
	mu.Lock()
	defer mu.Unlock()
	for _, want := range []session.Step{session.StepConnecting, session.StepOpening, session.StepReading, session.StepVerifying} {
		found := false
		for _, s := range steps {
			found = found || s == want
		}
		if !found {
			t.Errorf("step %s never shown (saw %v)", want, steps)
		}
	}
}

func TestReadErrors(t *testing.T) {
	// The QR of another person's card opens nothing on this chip.
	other := cccd.QRFromCitizen(cccd.Citizen{ID: "001301007733", FullName: "Trần Thị Bình",
		DateOfBirth: cccd.Date{Year: 2001, Month: 11, Day: 5}, Sex: cccd.Female, PlaceOfResidence: "Hà Nội",
		IssueDate: cccd.Date{Year: 2021, Month: 8, Day: 15}}).String()
	tests := []struct {
		name    string
		fixture string
		qr      string
		problem string
	}{
		{"wrong card for the QR", "nguyen-van-an", other, "error.wrongcard"},
		{"bad QR", "nguyen-van-an", "not|a|card", "error.qr"},
		{"card pulled mid-read", "test:removed-mid-read", "", "error.removed"},
		{"truncated file", "faults/truncated-file", "", "error.read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{fixture: tt.fixture})
			h.s.StartRead(context.Background(), session.ReadRequest{QR: tt.qr})
			waitState(t, h.s, session.StateReadFailed)
			if got := h.s.Problem(); got != tt.problem {
				t.Errorf("problem %q, want %q", got, tt.problem)
			}
			// Retry is allowed from a failed read.
			if err := h.s.StartRead(context.Background(), session.ReadRequest{}); err != nil {
				t.Errorf("retry: %v", err)
			}
		})
	}
}

func TestCardRemovedDuringRead(t *testing.T) {
	h := newHarness(t, harnessOpts{fixture: "test:slow-card"})
	h.s.StartRead(context.Background(), session.ReadRequest{})
	waitState(t, h.s, session.StateReading)
	for h.s.Step() < session.StepOpening {
		time.Sleep(time.Millisecond)
	}
	h.s.CardRemoved() // the reader's remove event
	waitState(t, h.s, session.StateReadFailed)
	if h.s.Problem() != "error.removed" {
		t.Errorf("problem %q", h.s.Problem())
	}
}

func TestFailedPassiveAuthBlocksSelfService(t *testing.T) {
	for _, mode := range []session.Mode{session.SelfService, session.Counter} {
		t.Run(string(mode), func(t *testing.T) {
			h := newHarness(t, harnessOpts{fixture: "faults/tamper-dg13", mode: mode})
			ctx := context.Background()
			h.s.StartRead(ctx, session.ReadRequest{})
			waitState(t, h.s, session.StateIdentity)
			v, c := session.Judge(h.s.Requester())
			if v != session.VerdictFailed || c.Status != cardreader.StatusFailed || c.Code == "" {
				t.Fatalf("verdict %s %+v", v, c)
			}
			if err := h.s.Continue(); !errors.Is(err, session.ErrNotVerified) {
				t.Fatalf("Continue = %v", err)
			}
			err := h.s.Override(ctx)
			if mode == session.SelfService {
				if err == nil {
					t.Fatal("self-service override allowed")
				}
				return
			}
			if err == nil {
				t.Fatal("override without a clerk allowed")
			}
			h.s.SignIn(ctx, "CB-007")
			if err := h.s.Override(ctx); err != nil {
				t.Fatal(err)
			}
			if err := h.s.Continue(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestIdleWipe(t *testing.T) {
	h := newHarness(t, harnessOpts{mode: session.SelfService})
	ctx := context.Background()
	h.s.StartRead(ctx, session.ReadRequest{})
	waitState(t, h.s, session.StateIdentity)
	photo := h.s.Requester().Photo.Data
	h.clock.Add(50 * time.Second)
	h.s.Tick(ctx)
	if w, _ := h.s.Idle(); w {
		t.Fatal("warning too early")
	}
	h.clock.Add(25 * time.Second)
	h.s.Tick(ctx)
	w, left := h.s.Idle()
	if !w || left != 15*time.Second {
		t.Fatalf("warning %t left %s", w, left)
	}
	h.s.Touch() // the citizen is still there
	if w, _ := h.s.Idle(); w {
		t.Fatal("Touch did not clear the warning")
	}
	h.clock.Add(95 * time.Second)
	h.s.Tick(ctx)
	if h.s.State() != session.StateWelcome || h.s.Requester() != nil || h.s.Wipes() != 1 {
		t.Fatalf("not wiped: %s", h.s.State())
	}
	for _, b := range photo {
		if b != 0 {
			t.Fatal("photo not zeroed")
		}
	}
	if !h.audited("session.wipe") {
		t.Error("wipe not audited")
	}
}

func TestPortalDownGivesLocalReceipt(t *testing.T) {
	h := newHarness(t, harnessOpts{portalDown: true})
	ctx := context.Background()
	h.s.StartRead(ctx, session.ReadRequest{})
	waitState(t, h.s, session.StateIdentity)
	h.s.Continue()
	procs, _ := h.s.Procedures(ctx)
	h.s.Choose(h.pick(t, procs))
	h.fill(t)
	if err := h.s.Next(); err != nil {
		t.Fatal(err)
	}
	for _, a := range h.s.Form().Attachments("vi") {
		h.s.SetAttachment(a.Key, true)
	}
	if err := h.s.Next(); err != nil {
		t.Fatal(err)
	}
	h.s.Submit(ctx)
	waitState(t, h.s, session.StateReceipt)
	rc := h.s.Receipt()
	if !rc.Local || rc.Code == "" || h.s.Filed().Synced {
		t.Fatalf("receipt %+v filed %+v", rc, h.s.Filed())
	}
	if st := h.s.Queue().Status(); st.Online || st.Queued != 1 {
		t.Errorf("status %+v", st)
	}
}

func TestStateGuards(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	ctx := context.Background()
	for name, err := range map[string]error{
		"continue": h.s.Continue(),
		"next":     h.s.Next(),
		"submit":   h.s.Submit(ctx),
		"finish":   h.s.Finish(),
		"rate":     h.s.Rate(ctx, 1),
		"add":      h.s.AddPerson(ctx, ""),
	} {
		if !errors.Is(err, session.ErrState) {
			t.Errorf("%s at welcome = %v", name, err)
		}
	}
}

// Every kind of card gets the verdict and reason code the identity panel
// turns into a sentence.
func TestVerdicts(t *testing.T) {
	tests := []struct {
		fixture string
		verdict session.Verdict
		code    string
	}{
		{"nguyen-van-an", session.VerdictChip, ""},
		{"tran-thi-binh", session.VerdictChip, ""},
		{"faults/tamper-dg13", session.VerdictFailed, "hash-mismatch"},
		{"faults/unknown-csca", session.VerdictFailed, "unknown-csca"},
		{"faults/expired-ds", session.VerdictFailed, "ds-expired"},
		{"faults/cloned-chip", session.VerdictFailed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			h := newHarness(t, harnessOpts{fixture: tt.fixture})
			h.s.StartRead(context.Background(), session.ReadRequest{})
			waitState(t, h.s, session.StateIdentity)
			v, c := session.Judge(h.s.Requester())
			if v != tt.verdict || (tt.code != "" && c.Code != tt.code) {
				t.Errorf("verdict %s code %q (%s), want %s %q", v, c.Code, c.Reason, tt.verdict, tt.code)
			}
			if v == session.VerdictFailed && c.Code == "" {
				t.Errorf("a failed verdict without a reason code: %+v", c)
			}
		})
	}
}

// A QR shown with no card on the reader gives a QR-only identity.
func TestQROnly(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.rig.Card.Put("")
	qr := cccd.QRFromCitizen(cccd.Citizen{ID: "079090004217", FullName: "Nguyễn Văn An",
		DateOfBirth: cccd.Date{Year: 1990, Month: 3, Day: 12}, Sex: cccd.Male, PlaceOfResidence: "TP. Hồ Chí Minh",
		IssueDate: cccd.Date{Year: 2021, Month: 4, Day: 10}}).String()
	h.s.StartRead(context.Background(), session.ReadRequest{QR: qr})
	waitState(t, h.s, session.StateIdentity)
	if v, c := session.Judge(h.s.Requester()); v != session.VerdictQR || c.Code != "qr-only" {
		t.Errorf("verdict %s %+v", v, c)
	}
	if !h.s.CanProceed() {
		t.Error("a QR-only identity may still be used (values stay unverified)")
	}
}

// The QR opens the chip on the reader (keys derived from it) and the
// reading is cross-checked.
func TestQROpensChip(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	qr := cccd.QRFromCitizen(cccd.Citizen{ID: "079090004217", OldID: "025987654", FullName: "Nguyễn Văn An",
		DateOfBirth: cccd.Date{Year: 1990, Month: 3, Day: 12}, Sex: cccd.Male,
		PlaceOfResidence: "Số 12 Đường Số 7, Phường Bình Trị Đông B, Quận Bình Tân, TP. Hồ Chí Minh",
		IssueDate:        cccd.Date{Year: 2021, Month: 4, Day: 10}}).String()
	h.s.StartRead(context.Background(), session.ReadRequest{QR: qr})
	waitState(t, h.s, session.StateIdentity)
	r := h.s.Requester()
	if v, _ := session.Judge(r); v != session.VerdictChip || r.CrossCheck == nil {
		t.Fatalf("verdict %s crosscheck %+v", v, r.CrossCheck)
	}
}

// A card already on the form is refused with a reason; the form keeps going.
func TestSecondCardProblems(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	ctx := context.Background()
	h.s.StartRead(ctx, session.ReadRequest{})
	waitState(t, h.s, session.StateIdentity)
	h.s.Continue()
	p, _ := h.rig.Catalog.Lookup("ket-hon")
	if err := h.s.Choose(p); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		fixture, path, problem string
	}{
		{"nguyen-van-an", "", "form.addperson.duplicate"}, // the same card again
		{"hoang-van-tho", "wife", "form.addperson.nofit"}, // a man in the wife's block
	}
	for _, tt := range tests {
		h.rig.Card.Put(sessiontest.Fixture(tt.fixture))
		if err := h.s.AddPerson(ctx, tt.path); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for h.s.Adding() && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if got := h.s.Problem(); got != tt.problem {
			t.Errorf("%s: problem %q, want %q", tt.fixture, got, tt.problem)
		}
		if h.s.State() != session.StateForm {
			t.Errorf("state %s", h.s.State())
		}
	}
}

// A card taken off the reader after the read keeps the visit going with a
// notice.
func TestCardRemovedMidFlow(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.s.StartRead(context.Background(), session.ReadRequest{})
	waitState(t, h.s, session.StateIdentity)
	h.s.CardRemoved()
	if h.s.State() != session.StateIdentity || h.s.Notice().Kind != session.NoticeCardRemoved || h.s.Requester() == nil {
		t.Errorf("state %s notice %v", h.s.State(), h.s.Notice())
	}
}

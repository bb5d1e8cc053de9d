package session

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"motcua/cardreader"
	"motcua/kiosk/catalog"
	"motcua/kiosk/form"
	"motcua/kiosk/receipt"
	"motcua/offline/dossier"
)

// State is where the visit is.
type State int

// The states of a visit, in journey order.
const (
	StateWelcome State = iota
	StateReading
	StateReadFailed // the read failed; Problem says why
	StateIdentity
	StateChooseProcedure
	StateForm
	StateAttachments
	StateReview
	StateSubmitting
	StateReceipt
	StateRating
	StateWiped // the visit ended and its data is gone; the next event starts over
)

var stateNames = [...]string{"welcome", "reading", "read-failed", "identity", "choose-procedure", "form",
	"attachments", "review", "submitting", "receipt", "rating", "wiped"}

// String names the state.
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", int(s))
}

// Mode is counter (a clerk drives) or self-service (the citizen alone).
type Mode string

// The two modes.
const (
	Counter     Mode = "counter"
	SelfService Mode = "self-service"
)

// WipeReason says why a visit was wiped (for the audit trail).
type WipeReason string

// Wipe reasons.
const (
	WipeDone   WipeReason = "done"
	WipeCancel WipeReason = "cancel"
	WipeIdle   WipeReason = "idle"
)

// Config sets up a session.
type Config struct {
	Mode  Mode
	Card  CardSource
	Queue *Queue
	// Catalog lists the procedures; Form sets up their forms (agency,
	// kiosk, clock).
	Catalog   *catalog.Catalog
	Form      form.Options
	KioskID   string
	CounterID string
	// IdleWipe is how long a visit may sit untouched before it is wiped;
	// IdleWarn is how long before that the warning shows. Zero IdleWipe
	// disables the timeout (counter mode, where the clerk ends visits).
	IdleWipe, IdleWarn time.Duration
	// Lang returns the current language ("vi" or "en") for form texts.
	Lang func() string
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// Session is one kiosk's visit state. Its methods are safe for concurrent
// use; reads and submissions run on their own goroutines and report through
// the change listener, which the UI must marshal onto its own thread.
type Session struct {
	cfg Config

	mu        sync.Mutex
	state     State
	step      Step
	lifted    bool   // the card left the reader mid-read (StepCardLifted)
	problem   string // message key of the last read failure
	notice    Notice // a transient note (card removed mid-flow, a person added)
	readings  []*cardreader.Reading
	requester *cardreader.Reading
	form      *Intake
	receipt   *receipt.Receipt
	filed     Filed
	clerk     string
	override  bool // a clerk accepted an unverified identity
	cancel    context.CancelFunc
	adding    bool // a second card is being read for the form
	lastTouch time.Time
	warning   bool
	wipes     int
	listeners []func()

	audits   chan Event     // audit events, written in order off the caller's goroutine
	auditing sync.WaitGroup // events queued and not yet written
	closed   bool
}

// New returns a session at Welcome.
func New(cfg Config) *Session {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Lang == nil {
		cfg.Lang = func() string { return "vi" }
	}
	if cfg.Mode == "" {
		cfg.Mode = Counter
	}
	s := &Session{cfg: cfg, lastTouch: cfg.Now(), audits: make(chan Event, 256)}
	go s.writeAudits()
	return s
}

// writeAudits writes audit events in order. An audit failure must not stop
// the citizen; the store reports its own health.
func (s *Session) writeAudits() {
	for e := range s.audits {
		if s.cfg.Queue != nil {
			_ = s.cfg.Queue.Audit(context.Background(), e)
		}
		s.auditing.Done()
	}
}

// FlushAudit waits until every audit event so far is written.
func (s *Session) FlushAudit() { s.auditing.Wait() }

// Close wipes the visit, writes the pending audit events and stops the
// session's goroutine. Later audit events are dropped.
func (s *Session) Close() {
	s.Wipe(context.Background(), WipeCancel)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.mu.Unlock()
	s.auditing.Wait()
	close(s.audits)
}

// OnChange registers f to run after every change of state or data. It runs
// on whatever goroutine made the change, without the session's lock held.
func (s *Session) OnChange(f func()) {
	s.mu.Lock()
	s.listeners = append(s.listeners, f)
	s.mu.Unlock()
}

func (s *Session) changed() {
	s.mu.Lock()
	ls := append([]func(){}, s.listeners...)
	s.mu.Unlock()
	for _, f := range ls {
		f()
	}
}

// Mode returns the session's mode.
func (s *Session) Mode() Mode { return s.cfg.Mode }

// Catalog returns the procedure catalog (for the picker).
func (s *Session) Catalog() *catalog.Catalog { return s.cfg.Catalog }

// Queue returns the queue (for the counter panel and indicators).
func (s *Session) Queue() *Queue { return s.cfg.Queue }

// State returns the current state.
func (s *Session) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// Step returns the read's progress.
func (s *Session) Step() Step {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.step
}

// Problem returns the message key of the last read failure ("" if none).
func (s *Session) Problem() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.problem
}

// Notice returns the transient note, such as a card removed mid-flow.
func (s *Session) Notice() Notice {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.notice
}

// Requester returns the first card's Reading, or nil. The caller must not
// keep it past the session's wipe.
func (s *Session) Requester() *cardreader.Reading {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requester
}

// Form returns the open form, or nil.
func (s *Session) Form() *Intake {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.form
}

// Receipt returns the slip once the dossier is filed, or nil.
func (s *Session) Receipt() *receipt.Receipt {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.receipt
}

// Filed returns the queue's answer for the submitted dossier.
func (s *Session) Filed() Filed {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.filed
}

// Adding reports whether a second person's card is being read.
func (s *Session) Adding() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.adding
}

// Wipes counts the visits wiped since the session started.
func (s *Session) Wipes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.wipes
}

// Clerk returns the signed-in clerk's ID ("" when none).
func (s *Session) Clerk() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clerk
}

// SignIn records the clerk who drives the counter; the ID goes into every
// dossier and the audit trail. PIN checking is the caller's job.
func (s *Session) SignIn(ctx context.Context, clerkID string) error {
	s.mu.Lock()
	s.clerk = clerkID
	s.mu.Unlock()
	s.audit(ctx, Event{Kind: ActionSignIn, ClerkID: clerkID})
	s.changed()
	return nil
}

// SignOut ends the clerk's shift at this counter.
func (s *Session) SignOut(ctx context.Context) {
	s.mu.Lock()
	c := s.clerk
	s.clerk = ""
	s.mu.Unlock()
	s.audit(ctx, Event{Kind: ActionSignOut, ClerkID: c})
	s.changed()
}

// audit queues an event for the trail; the store write happens on the
// audit goroutine, never on the UI's.
func (s *Session) audit(_ context.Context, e Event) {
	if s.cfg.Queue == nil {
		return
	}
	if e.At.IsZero() {
		e.At = s.cfg.Now()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.auditing.Add(1)
	s.audits <- e
}

// Touch records user activity (it resets the idle timer and clears the
// warning).
func (s *Session) Touch() {
	s.mu.Lock()
	s.lastTouch = s.cfg.Now()
	was := s.warning
	s.warning = false
	s.mu.Unlock()
	if was {
		s.changed()
	}
}

// Idle returns whether the idle warning shows and how long is left before
// the wipe.
func (s *Session) Idle() (warning bool, left time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.warning {
		return false, 0
	}
	return true, s.cfg.IdleWipe - s.cfg.Now().Sub(s.lastTouch)
}

// Tick checks the idle timer; call it about once a second. At StateWelcome and
// while the kiosk itself works (reading, submitting) the timer does not run.
func (s *Session) Tick(ctx context.Context) {
	s.mu.Lock()
	if s.cfg.IdleWipe <= 0 || s.state == StateWelcome || s.state == StateReading || s.state == StateSubmitting || s.adding {
		s.lastTouch = s.cfg.Now()
		s.mu.Unlock()
		return
	}
	idle := s.cfg.Now().Sub(s.lastTouch)
	switch {
	case idle >= s.cfg.IdleWipe:
		s.mu.Unlock()
		s.Wipe(ctx, WipeIdle)
		return
	case idle >= s.cfg.IdleWipe-s.cfg.IdleWarn:
		s.warning = true
		s.mu.Unlock()
		s.changed() // every tick, so the countdown moves
		return
	}
	s.mu.Unlock()
}

// StartRead begins reading the requester's card (from StateWelcome, after a
// failed read, or to start over from StateIdentity). The read runs on its own
// goroutine; the state moves to StateReading now and to StateIdentity or StateReadFailed
// when it ends.
func (s *Session) StartRead(ctx context.Context, req ReadRequest) error {
	s.mu.Lock()
	if _, ok := next(s.state, InRead); !ok {
		s.mu.Unlock()
		return fmt.Errorf("%w: read in %s", ErrState, s.state)
	}
	if s.state == StateIdentity || s.state == StateWiped {
		s.dropLocked()
	}
	rctx, cancel := context.WithCancel(ctx)
	s.cancel = cancel
	s.moveLocked(InRead)
	s.step, s.lifted, s.problem, s.notice = StepConnecting, false, "", Notice{}
	s.lastTouch = s.cfg.Now()
	s.mu.Unlock()
	s.changed()
	go s.read(rctx, req)
	return nil
}

// AddPerson reads another person's card into the open form (a spouse, a
// parent). path names the block, or "" for the next free one.
func (s *Session) AddPerson(ctx context.Context, path string) error {
	return s.addPerson(ctx, path, ReadRequest{})
}

// AddPersonQR is AddPerson from the QR code printed on that person's card,
// as a keyboard-wedge scanner typed it: the chip is opened with it when
// the card is on the reader, as for the requester.
func (s *Session) AddPersonQR(ctx context.Context, path, qr string) error {
	return s.addPerson(ctx, path, ReadRequest{QR: qr})
}

func (s *Session) addPerson(ctx context.Context, path string, req ReadRequest) error {
	s.mu.Lock()
	if s.state != StateForm || s.adding {
		s.mu.Unlock()
		return fmt.Errorf("%w: add person in %s", ErrState, s.state)
	}
	rctx, cancel := context.WithCancel(ctx)
	s.cancel = cancel
	s.adding, s.step, s.lifted, s.problem, s.notice = true, StepConnecting, false, "", Notice{}
	s.mu.Unlock()
	s.changed()
	go s.readPerson(rctx, path, req)
	return nil
}

func (s *Session) progress(st Step) {
	s.mu.Lock()
	if s.state != StateReading && !s.adding {
		s.mu.Unlock()
		return
	}
	if st == StepCardLifted {
		s.lifted = true
	} else {
		s.step, s.lifted = st, false
	}
	s.mu.Unlock()
	s.changed()
}

// CardLifted reports that the card left the reader in the middle of the
// read, which waits for it to come back and then goes on where it stopped.
func (s *Session) CardLifted() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lifted
}

func (s *Session) read(ctx context.Context, req ReadRequest) {
	r, err := s.cfg.Card.Read(ctx, req, s.progress)
	s.mu.Lock()
	if s.state != StateReading || ctx.Err() != nil && err == nil {
		// The visit was wiped or restarted meanwhile: drop this reading.
		s.mu.Unlock()
		if r != nil {
			r.Wipe()
		}
		return
	}
	if err != nil {
		if ctx.Err() != nil && !errors.Is(err, ErrCardRemoved) {
			err = fmt.Errorf("%w: %w", ErrCardRemoved, err)
		}
		s.moveLocked(InReadFailed)
		s.problem = ReadProblem(err)
		s.mu.Unlock()
		s.audit(context.Background(), Event{Kind: ActionReadFailed, ClerkID: s.Clerk(), Detail: ReadProblem(err)})
		s.changed()
		return
	}
	s.readings = append(s.readings, r)
	s.requester = r
	s.moveLocked(InReadDone)
	s.step, s.lifted = StepDone, false
	s.lastTouch = s.cfg.Now()
	ev := Event{Kind: ActionCardRead, ClerkID: s.clerk, CitizenID: r.Citizen.ID, Detail: verificationDetail(r)}
	s.mu.Unlock()
	s.audit(context.Background(), ev)
	s.changed()
}

func (s *Session) readPerson(ctx context.Context, path string, req ReadRequest) {
	r, err := s.cfg.Card.Read(ctx, req, s.progress)
	s.mu.Lock()
	s.adding = false
	if s.state != StateForm || s.form == nil {
		s.mu.Unlock()
		if r != nil {
			r.Wipe()
		}
		s.changed()
		return
	}
	if err != nil {
		s.problem = ReadProblem(err)
		s.mu.Unlock()
		s.changed()
		return
	}
	s.readings = append(s.readings, r)
	label, err := s.form.AddPerson(path, r, s.cfg.Lang())
	if err != nil {
		s.problem = PersonProblem(err)
		s.notice = Notice{}
	} else {
		s.notice = Notice{Kind: NoticePersonAdded, Label: label}
	}
	s.lastTouch = s.cfg.Now()
	s.mu.Unlock()
	s.changed()
}

func verificationDetail(r *cardreader.Reading) string {
	v := r.Verification
	return fmt.Sprintf("source=%s passive=%s active=%s chip=%s", r.Source, v.Passive.Status, v.Active.Status, v.Chip.Status)
}

// CardRemoved reports that the card left the reader. During a read it
// cancels the read; later in the visit the data already read is kept and a
// notice shows.
func (s *Session) CardRemoved() {
	s.mu.Lock()
	switch {
	case s.state == StateReading || s.adding:
		if s.cancel != nil {
			s.cancel()
		}
	case s.state >= StateIdentity && s.state <= StateReview:
		s.notice = Notice{Kind: NoticeCardRemoved}
	default:
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	s.changed()
}

// Verdict is how the identity panel sums up a Reading.
type Verdict string

// Verdicts, from best to worst.
const (
	VerdictChip       Verdict = "chip"       // chip read, passive authentication passed, no anti-clone failure
	VerdictQR         Verdict = "qr"         // QR only: unsigned data
	VerdictUnverified Verdict = "unverified" // chip read but its signature could not be checked
	VerdictFailed     Verdict = "failed"     // a check failed: the data may be forged or the chip cloned
)

// Judge sums up a Reading's verification, with the failing or missing
// check when there is one.
func Judge(r *cardreader.Reading) (Verdict, cardreader.Check) {
	if r == nil {
		return VerdictFailed, cardreader.Check{}
	}
	v := r.Verification
	for _, c := range v.All() { // passive, active, chip, and DG1 against DG13
		if c.Status == cardreader.StatusFailed {
			return VerdictFailed, c
		}
	}
	if r.Source == cardreader.SourceQR {
		return VerdictQR, v.Passive
	}
	if v.Passive.Status == cardreader.StatusPassed {
		return VerdictChip, v.Passive
	}
	return VerdictUnverified, v.Passive
}

// CanProceed reports whether the identity may be used for a dossier. A
// failed verification blocks the citizen at a self-service kiosk; at the
// counter the clerk may accept it after checking the card (Override).
func (s *Session) CanProceed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.canProceedLocked()
}

func (s *Session) canProceedLocked() bool {
	if s.requester == nil {
		return false
	}
	v, _ := Judge(s.requester)
	return v != VerdictFailed || s.override
}

// Now is the session's clock (tests move it).
func (s *Session) Now() time.Time { return s.cfg.Now() }

// Overridden reports whether the clerk accepted this visit's identity by
// hand after its verification failed (the screens show it).
func (s *Session) Overridden() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.override
}

// Override lets a signed-in clerk accept an identity whose verification
// failed, after checking the physical card; it is audited. Values then keep
// the provenance the form gives unverified data.
func (s *Session) Override(ctx context.Context) error {
	s.mu.Lock()
	if s.cfg.Mode != Counter || s.clerk == "" || s.state != StateIdentity {
		s.mu.Unlock()
		return fmt.Errorf("%w: override", ErrState)
	}
	s.override = true
	clerk := s.clerk
	s.mu.Unlock()
	s.audit(ctx, Event{Kind: ActionOverride, ClerkID: clerk})
	s.changed()
	return nil
}

// Continue moves on from the identity panel to the procedure picker.
func (s *Session) Continue() error {
	s.mu.Lock()
	if _, ok := next(s.state, InContinue); !ok {
		s.mu.Unlock()
		return fmt.Errorf("%w: continue in %s", ErrState, s.state)
	}
	if !s.canProceedLocked() {
		s.mu.Unlock()
		return ErrNotVerified
	}
	s.moveLocked(InContinue)
	s.notice = Notice{}
	s.lastTouch = s.cfg.Now()
	s.mu.Unlock()
	s.changed()
	return nil
}

// Procedures returns the catalog for the picker, most used first (by
// today's dossiers at this kiosk), then in catalog order, with how many
// times each was used today. It reads the store: call it off the UI
// goroutine, or use ByUse with counts already at hand.
func (s *Session) Procedures(ctx context.Context) ([]*catalog.Procedure, map[string]int) {
	use := map[string]int{}
	if s.cfg.Queue != nil {
		if es, err := s.cfg.Queue.Today(ctx); err == nil {
			use = Usage(es)
		}
	}
	return ByUse(s.cfg.Catalog.All(), use), use
}

// Usage counts today's dossiers by procedure reference.
func Usage(es []Entry) map[string]int {
	use := map[string]int{}
	for _, e := range es {
		use[e.ProcedureCode]++
	}
	return use
}

// ByUse orders procedures most used first, keeping catalog order otherwise.
func ByUse(all []*catalog.Procedure, use map[string]int) []*catalog.Procedure {
	out := append([]*catalog.Procedure(nil), all...)
	sort.SliceStable(out, func(i, j int) bool { return use[out[i].Ref()] > use[out[j].Ref()] })
	return out
}

// Choose opens the form of procedure p, prefilled from the card.
func (s *Session) Choose(p *catalog.Procedure) error {
	s.mu.Lock()
	if _, ok := next(s.state, InChoose); !ok {
		s.mu.Unlock()
		return fmt.Errorf("%w: choose in %s", ErrState, s.state)
	}
	f, err := openIntake(s.cfg.Catalog, p, s.cfg.Form, s.requester)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	s.moveLocked(InChoose)
	s.form, s.notice, s.problem = f, Notice{}, ""
	s.lastTouch = s.cfg.Now()
	s.mu.Unlock()
	s.changed()
	return nil
}

// Set types a value into the form.
func (s *Session) Set(path, value string) error {
	s.mu.Lock()
	if s.state != StateForm || s.form == nil {
		s.mu.Unlock()
		return fmt.Errorf("%w: set in %s", ErrState, s.state)
	}
	err := s.form.Set(path, value)
	s.lastTouch = s.cfg.Now()
	s.warning = false
	s.mu.Unlock()
	return err
}

// SetAttachment ticks a line of the checklist.
func (s *Session) SetAttachment(key string, have bool) {
	s.mu.Lock()
	if s.form != nil {
		s.form.SetAttachment(key, have)
	}
	s.lastTouch = s.cfg.Now()
	s.mu.Unlock()
}

// AttachFile puts a document's file (a scanned part's PDF) on the
// checklist line key, replacing what was there; nil data removes it.
func (s *Session) AttachFile(key, name, mediaType string, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastTouch = s.cfg.Now()
	if s.form == nil {
		return fmt.Errorf("%w: no form", ErrState)
	}
	return s.form.AttachFile(key, name, mediaType, data)
}

// Next moves forward: form → attachments → review. It validates first and
// returns ErrInvalid or ErrMissing (with the state unchanged) when the step
// is not complete.
func (s *Session) Next() error {
	s.mu.Lock()
	lang := s.cfg.Lang()
	var err error
	switch s.state {
	case StateIdentity:
		s.mu.Unlock()
		return s.Continue()
	case StateForm:
		if n, _ := s.form.Validate(lang); n > 0 {
			err = fmt.Errorf("%w: %d fields", ErrInvalid, n)
		} else {
			s.moveLocked(InNext)
		}
	case StateAttachments:
		if n, missing := s.form.Validate(lang); n > 0 {
			s.moveLocked(InInvalid)
			err = fmt.Errorf("%w: %d fields", ErrInvalid, n)
		} else if len(missing) > 0 {
			err = fmt.Errorf("%w: %d", ErrMissing, len(missing))
		} else {
			s.moveLocked(InNext)
		}
	case StateReceipt:
		s.moveLocked(InFinish)
	default:
		err = fmt.Errorf("%w: next in %s", ErrState, s.state)
	}
	s.lastTouch = s.cfg.Now()
	s.mu.Unlock()
	s.changed()
	return err
}

// Back moves one screen back; from the identity panel or a failed read it
// ends the visit (and wipes).
func (s *Session) Back(ctx context.Context) {
	s.mu.Lock()
	to, ok := next(s.state, InBack)
	switch {
	case !ok:
		s.mu.Unlock()
		return
	case to == StateWiped:
		s.mu.Unlock()
		s.Wipe(ctx, WipeCancel)
		return
	}
	s.state = to
	s.notice = Notice{}
	s.lastTouch = s.cfg.Now()
	s.mu.Unlock()
	s.changed()
}

// Submit files the dossier from Review. It runs on its own goroutine: the
// state is StateSubmitting until the queue answers, then Receipt. A portal that
// is down still gives a receipt with the local code.
func (s *Session) Submit(ctx context.Context) error {
	s.mu.Lock()
	if _, ok := next(s.state, InSubmit); !ok {
		s.mu.Unlock()
		return fmt.Errorf("%w: submit in %s", ErrState, s.state)
	}
	lang := s.cfg.Lang()
	if n, missing := s.form.Validate(lang); n > 0 || len(missing) > 0 {
		s.mu.Unlock()
		return ErrInvalid
	}
	ds, err := s.form.Dossiers(DossierMeta{KioskID: s.cfg.KioskID, CounterID: s.cfg.CounterID, ClerkID: s.clerk, Now: s.cfg.Now()})
	if err == nil && len(ds) == 0 {
		err = ErrInvalid
	}
	if err != nil {
		s.mu.Unlock()
		return err
	}
	m := s.form.Metrics()
	files := s.form.Files()
	var components []string
	for _, a := range s.form.Attachments(lang) {
		if a.Have {
			components = append(components, a.Name)
		}
	}
	s.moveLocked(InSubmit)
	s.mu.Unlock()
	s.changed()
	go s.submit(ctx, ds, files, m, components)
	return nil
}

func (s *Session) submit(ctx context.Context, ds []dossier.Dossier, files map[string][]byte, m Metrics, components []string) {
	// One call, one transaction: a bundle is stored whole or not at all.
	filed, err := s.cfg.Queue.Submit(ctx, ds, files, m)
	if err == nil && len(filed) != len(ds) {
		err = fmt.Errorf("session: queue filed %d of %d dossiers", len(filed), len(ds))
	}
	s.mu.Lock()
	if s.state != StateSubmitting {
		s.mu.Unlock()
		return
	}
	if err != nil {
		// Nothing was stored: go back to Review so nothing is lost.
		s.moveLocked(InSubmitFailed)
		s.problem = "error.submit"
		s.mu.Unlock()
		s.changed()
		return
	}
	var proc *catalog.Procedure
	if s.form != nil {
		proc = s.form.Procedure()
	}
	r := buildReceipt(proc, ds, filed, components, s.requester)
	s.moveLocked(InFiled)
	s.filed, s.receipt = filed[0], r
	s.lastTouch = s.cfg.Now()
	clerk := s.clerk
	s.mu.Unlock()
	for _, f := range filed {
		s.audit(ctx, Event{Kind: ActionSubmit, ClerkID: clerk, DossierID: f.DossierID, Detail: fmt.Sprintf("synced=%t", f.Synced)})
	}
	s.changed()
}

// Finish leaves the receipt for the rating screen.
func (s *Session) Finish() error {
	s.mu.Lock()
	if !s.moveLocked(InFinish) {
		s.mu.Unlock()
		return fmt.Errorf("%w: finish in %s", ErrState, s.state)
	}
	s.lastTouch = s.cfg.Now()
	s.mu.Unlock()
	s.changed()
	return nil
}

// Rate stores the citizen's one-tap rating (1–3; 0 skips) and ends the
// visit with a wipe.
func (s *Session) Rate(ctx context.Context, score int) error {
	s.mu.Lock()
	if _, ok := next(s.state, InRate); !ok {
		s.mu.Unlock()
		return fmt.Errorf("%w: rate in %s", ErrState, s.state)
	}
	id := s.filed.DossierID
	s.mu.Unlock()
	var err error
	if score > 0 && s.cfg.Queue != nil {
		err = s.cfg.Queue.Rate(ctx, id, score)
	}
	s.Wipe(ctx, WipeDone)
	return err
}

// Wipe ends the visit: cancels any read, wipes every Reading (photo bytes
// zeroed), drops the form, the dossier and the receipt, and returns to
// StateWelcome (through StateWiped, which listeners see once). The clerk stays signed
// in.
func (s *Session) Wipe(ctx context.Context, why WipeReason) {
	s.mu.Lock()
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
	s.dropLocked()
	s.moveLocked(InWipe)
	s.wipes++
	clerk := s.clerk
	s.mu.Unlock()
	s.audit(ctx, Event{Kind: ActionWipe, ClerkID: clerk, Detail: string(why)})
	s.changed()
	s.mu.Lock()
	if s.state == StateWiped {
		s.moveLocked(InReset)
	}
	s.mu.Unlock()
	s.changed()
}

func (s *Session) dropLocked() {
	for _, r := range s.readings {
		r.Wipe()
	}
	if s.form != nil {
		s.form.Wipe()
	}
	s.readings, s.requester, s.form, s.receipt = nil, nil, nil, nil
	s.filed = Filed{}
	s.step, s.lifted, s.problem, s.notice = StepConnecting, false, "", Notice{}
	s.override, s.adding, s.warning = false, false, false
	s.lastTouch = s.cfg.Now()
}

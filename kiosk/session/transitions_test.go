package session

import (
	"strings"
	"testing"
	"time"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/kiosk/catalog"
	"motcua/offline/dossier"
)

var allStates = []State{StateWelcome, StateReading, StateReadFailed, StateIdentity, StateChooseProcedure, StateForm,
	StateAttachments, StateReview, StateSubmitting, StateReceipt, StateRating, StateWiped}

var allInputs = []Input{InRead, InReadDone, InReadFailed, InContinue, InChoose, InNext, InInvalid, InBack, InSubmit,
	InFiled, InSubmitFailed, InFinish, InRate, InWipe, InReset}

// TestTransitions pins every (state, input) pair: the ones listed move
// there, every other one is refused, except a wipe, which is allowed from
// everywhere.
func TestTransitions(t *testing.T) {
	type key struct {
		st State
		in Input
	}
	want := map[key]State{
		{StateWelcome, InRead}:            StateReading,
		{StateReading, InReadDone}:        StateIdentity,
		{StateReading, InReadFailed}:      StateReadFailed,
		{StateReading, InBack}:            StateWiped,
		{StateReadFailed, InRead}:         StateReading,
		{StateReadFailed, InBack}:         StateWiped,
		{StateIdentity, InRead}:           StateReading,
		{StateIdentity, InContinue}:       StateChooseProcedure,
		{StateIdentity, InBack}:           StateWiped,
		{StateChooseProcedure, InChoose}:  StateForm,
		{StateChooseProcedure, InBack}:    StateIdentity,
		{StateForm, InChoose}:             StateForm,
		{StateForm, InNext}:               StateAttachments,
		{StateForm, InBack}:               StateChooseProcedure,
		{StateAttachments, InNext}:        StateReview,
		{StateAttachments, InInvalid}:     StateForm,
		{StateAttachments, InBack}:        StateForm,
		{StateReview, InSubmit}:           StateSubmitting,
		{StateReview, InBack}:             StateAttachments,
		{StateSubmitting, InFiled}:        StateReceipt,
		{StateSubmitting, InSubmitFailed}: StateReview,
		{StateReceipt, InFinish}:          StateRating,
		{StateRating, InRate}:             StateWiped,
		{StateWiped, InRead}:              StateReading,
		{StateWiped, InReset}:             StateWelcome,
	}
	for _, st := range allStates {
		for _, in := range allInputs {
			to, ok := next(st, in)
			w, listed := want[key{st, in}]
			switch {
			case in == InWipe:
				if !ok || to != StateWiped {
					t.Errorf("(%s, %s) = %s, %t; a wipe must always reach %s", st, in, to, ok, StateWiped)
				}
			case listed && (!ok || to != w):
				t.Errorf("(%s, %s) = %s, %t; want %s", st, in, to, ok, w)
			case !listed && ok:
				t.Errorf("(%s, %s) = %s; want refused", st, in, to)
			}
		}
	}
}

// TestEveryStateReachable walks the table from Welcome: no state is
// unreachable and every state but Welcome can get back to Welcome.
func TestEveryStateReachable(t *testing.T) {
	reach := map[State]bool{StateWelcome: true}
	for changed := true; changed; {
		changed = false
		for st := range reach {
			for _, in := range allInputs {
				if to, ok := next(st, in); ok && !reach[to] {
					reach[to], changed = true, true
				}
			}
		}
	}
	for _, st := range allStates {
		if !reach[st] {
			t.Errorf("%s cannot be reached from %s", st, StateWelcome)
		}
		if len(transitions[st]) == 0 {
			t.Errorf("%s has no row in the table", st)
		}
		if strings.HasPrefix(st.String(), "state(") {
			t.Errorf("%d has no name", int(st))
		}
	}
}

func TestBuildReceipt(t *testing.T) {
	at := time.Date(2026, 3, 6, 9, 30, 0, 0, time.UTC)
	due := func(d int) cccd.Date { return cccd.Date{Year: 2026, Month: 3, Day: d} }
	one := []dossier.Dossier{{ProcedureCode: "1.004222", ProcedureName: "Đăng ký thường trú",
		Applicants: []dossier.Applicant{{FullName: "Trần Thị Bình", ID: "001190000002"}}}}
	two := append(one, dossier.Dossier{ProcedureCode: "tam-tru", ProcedureName: "Đăng ký tạm trú"})
	bundle := &catalog.Procedure{Slug: "lien-thong", Code: "", Name: catalog.Text{VI: "Liên thông"}}
	reader := &cardreader.Reading{}
	reader.Citizen.FullName, reader.Citizen.ID = "Nguyễn Văn An", "001090000001"
	tests := []struct {
		name      string
		p         *catalog.Procedure
		ds        []dossier.Dossier
		filed     []Filed
		requester *cardreader.Reading
		code      string
		local     bool
		proc      string
		applicant string
		due       cccd.Date
		linked    int
	}{
		{"synced", nil, one, []Filed{{DossierID: "a", LocalCode: "K-1", Code: "000.00.00.H00-260306-0001", Synced: true, ReceivedAt: at, Due: due(17)}},
			reader, "000.00.00.H00-260306-0001", false, "1.004222", "Nguyễn Văn An", due(17), 0},
		{"queued shows the local code", nil, one, []Filed{{DossierID: "a", LocalCode: "K-1", ReceivedAt: at}},
			nil, "K-1", true, "1.004222", "Trần Thị Bình", cccd.Date{}, 0},
		{"synced without a code is local", nil, one, []Filed{{DossierID: "a", LocalCode: "K-1", Synced: true}},
			nil, "K-1", true, "1.004222", "Trần Thị Bình", cccd.Date{}, 0},
		{"bundle names the bundle, lists both, latest due", bundle, two,
			[]Filed{{DossierID: "a", LocalCode: "K-1", Code: "C-1", Synced: true, Due: due(9)}, {DossierID: "b", LocalCode: "K-2", Due: due(17)}},
			reader, "C-1", true, "lien-thong", "Nguyễn Văn An", due(17), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := buildReceipt(tt.p, tt.ds, tt.filed, []string{"CT01"}, tt.requester)
			if r.Code != tt.code || r.Local != tt.local || r.ProcedureCode != tt.proc || r.ApplicantName != tt.applicant ||
				r.Due != tt.due || len(r.Linked) != tt.linked || r.DossierID != tt.filed[0].DossierID || len(r.Components) != 1 {
				t.Errorf("%+v", r)
			}
		})
	}
}

// A card lifted mid-read (issue 12.7) is shown as such, on the stage the
// read had reached, until the read goes on.
func TestCardLiftedShown(t *testing.T) {
	s := &Session{state: StateReading}
	s.progress(StepReading)
	s.progress(StepCardLifted)
	if !s.CardLifted() || s.Step() != StepReading {
		t.Fatalf("lifted %v at step %v", s.CardLifted(), s.Step())
	}
	s.progress(StepReading) // put back: the read resumes
	if s.CardLifted() {
		t.Error("still lifted after the read went on")
	}
}

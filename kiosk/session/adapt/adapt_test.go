package adapt_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/cardreader/emrtd"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/qrkey"
	"motcua/kiosk/session"
	"motcua/kiosk/session/adapt"
)

func TestClassify(t *testing.T) {
	live := context.Background()
	dead, cancel := context.WithCancel(context.Background())
	cancel()
	other := errors.New("something else")
	tests := []struct {
		ctx  context.Context
		err  error
		want error
	}{
		{live, fmt.Errorf("read: %w", iso7816.ErrCardRemoved), session.ErrCardRemoved},
		{live, fmt.Errorf("bac: %w", emrtd.ErrAccessDenied), session.ErrWrongCard},
		{live, emrtd.ErrNotEMRTD, session.ErrWrongCard},
		{live, qrkey.ErrNoKey, session.ErrWrongCard},
		{dead, context.Canceled, session.ErrCardRemoved},
		{live, other, other},
	}
	for _, tt := range tests {
		got := adapt.Classify(tt.ctx, tt.err)
		if !errors.Is(got, tt.want) || !errors.Is(got, tt.err) {
			t.Errorf("Classify(%v) = %v, want it to match %v and keep the cause", tt.err, got, tt.want)
		}
	}
	if adapt.Classify(live, nil) != nil {
		t.Error("Classify(nil) != nil")
	}
}

func TestSimCardWithoutCard(t *testing.T) {
	c := adapt.NewSimCard("")
	var steps []session.Step
	progress := func(s session.Step) { steps = append(steps, s) }
	if _, err := c.Read(context.Background(), session.ReadRequest{}, progress); !errors.Is(err, session.ErrNoReader) {
		t.Fatalf("empty reader: %v", err)
	}
	if _, err := c.Read(context.Background(), session.ReadRequest{QR: "1|2"}, progress); !errors.Is(err, session.ErrBadQR) {
		t.Fatalf("bad QR: %v", err)
	}
	qr := cccd.QRFromCitizen(cccd.Citizen{ID: "079090004217", FullName: "Nguyễn Văn An",
		DateOfBirth: cccd.Date{Year: 1990, Month: 3, Day: 12}, Sex: cccd.Male, PlaceOfResidence: "TP. Hồ Chí Minh",
		IssueDate: cccd.Date{Year: 2021, Month: 4, Day: 10}}).String()
	r, err := c.Read(context.Background(), session.ReadRequest{QR: qr}, progress)
	if err != nil {
		t.Fatal(err)
	}
	if r.Source != cardreader.SourceQR || r.Citizen.ID != "079090004217" {
		t.Errorf("QR-only reading %+v", r)
	}
	if len(steps) == 0 || steps[0] != session.StepConnecting {
		t.Errorf("steps %v", steps)
	}
}

func TestProgressLiftedCard(t *testing.T) {
	var got []session.Step
	p := adapt.Progress(func(s session.Step) { got = append(got, s) })
	p(emrtd.StepReading)
	p(emrtd.StepCardLifted)
	p(emrtd.StepResuming)
	want := []session.Step{session.StepReading, session.StepCardLifted, session.StepReading}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("steps %v, want %v", got, want)
	}
}

package pcsccard_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"motcua/cardreader/cccd"
	"motcua/cardreader/pki"
	"motcua/cardreader/simreader"
	"motcua/internal/pcscdtest"
	"motcua/kiosk/session"
	"motcua/kiosk/session/adapt/pcsccard"
)

// The PC/SC source reads the virtual chip through the real pcscd and vpcd:
// keys from the QR, the four steps, a chip-verified Reading; removal
// events reach the session.
func TestReadThroughPCSC(t *testing.T) {
	env := pcscdtest.Start(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cl := env.Serve(t)
	seeds := filepath.Join("..", "..", "..", "..", "seeds")
	card, holder, err := simreader.NewCard(filepath.Join(seeds, "cards", "tran-thi-binh.json"))
	if err != nil {
		t.Fatal(err)
	}
	trust, err := pki.LoadTrustStore(filepath.Join(seeds, "pki", "trust"))
	if err != nil {
		t.Fatal(err)
	}
	src := &pcsccard.Source{Reader: env.Reader, Trust: trust, Wait: 10 * time.Second}
	progress := func(session.Step) {}

	if _, err := src.Read(ctx, session.ReadRequest{}, progress); !errors.Is(err, session.ErrNeedQR) {
		t.Fatalf("read without a QR: %v", err)
	}
	if _, err := src.Read(ctx, session.ReadRequest{QR: "garbage"}, progress); !errors.Is(err, session.ErrBadQR) {
		t.Fatalf("read with a bad QR: %v", err)
	}

	removed := make(chan struct{}, 4)
	go pcsccard.WatchRemovals(ctx, func() { removed <- struct{}{} })
	cl.Insert(card)
	var steps []session.Step
	qr := cccd.QRFromCitizen(holder.Citizen).String()
	r, err := src.Read(ctx, session.ReadRequest{QR: qr}, func(s session.Step) { steps = append(steps, s) })
	if err != nil {
		t.Fatal(err)
	}
	defer r.Wipe()
	if r.Citizen.ID != holder.Citizen.ID {
		t.Errorf("read ID %s, want the card's", r.Citizen.ID)
	}
	if v, c := session.Judge(r); v != session.VerdictChip {
		t.Errorf("verdict %s (%s)", v, c.Code)
	}
	if len(steps) < 4 {
		t.Errorf("steps %v", steps)
	}
	cl.Remove()
	select {
	case <-removed:
	case <-time.After(10 * time.Second):
		t.Error("no removal event")
	}
}

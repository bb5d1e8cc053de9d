package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/cardreader"
	"motcua/cardreader/emrtd"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/pcsc"
	"motcua/cardreader/simreader"
	"motcua/cardreader/vchip"
	"motcua/cardreader/vpcd"
	"motcua/internal/pcscdtest"
)

var epoch = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// openSim builds a fixture as simreader does for the in-process read.
func openSim(t *testing.T, path string) *simreader.Sim { return openSimB(t, path) }

func openSimB(t testing.TB, path string) *simreader.Sim {
	t.Helper()
	sim, err := simreader.Open(path, simreader.Options{MaxLe: emrtd.AutoLe, Now: func() time.Time { return epoch }})
	if err != nil {
		t.Fatal(err)
	}
	return sim
}

// freshChip is a new virtual chip of the same built card.
func freshChip(t *testing.T, sim *simreader.Sim) *vchip.Card { return freshChipB(t, sim) }

func freshChipB(t testing.TB, sim *simreader.Sim) *vchip.Card {
	t.Helper()
	cfg, err := simreader.Config(sim.Built)
	if err != nil {
		t.Fatal(err)
	}
	return vchip.New(cfg)
}

// comparable drops what differs between two reads of one card by nature:
// the cost and the clock.
func comparable(t *testing.T, r *cardreader.Reading) []byte {
	t.Helper()
	cp := *r
	cp.Stats = cardreader.Stats{}
	cp.ReadAt = time.Time{}
	b, err := json.Marshal(cp)
	if err != nil {
		t.Fatal(err)
	}
	return append(b, r.Photo.Data...)
}

// removed takes the card out and waits until pcscd has seen it go, so the
// next card is not mistaken for this one.
func removed(t *testing.T, cl *vpcd.Client, reader string) {
	t.Helper()
	cl.Remove()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := pcsc.WaitRemoved(ctx, reader); err != nil {
		t.Fatal(err)
	}
}

func readPCSC(t *testing.T, reader string, opts emrtd.Options) (*cardreader.Reading, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	card, err := pcsc.WaitCard(ctx, reader)
	if err != nil {
		t.Fatalf("WaitCard: %v", err)
	}
	defer card.Close()
	return emrtd.Read(ctx, card, opts)
}

// TestPCSCMatchesInProcess reads every fixture twice, in process and through
// the real pcscd, ebfe/scard and vpcd, and wants the same Reading.
func TestPCSCMatchesInProcess(t *testing.T) {
	env := pcscdtest.Start(t)
	cl := env.Serve(t)
	files, _ := filepath.Glob("../../seeds/cards/*.json")
	faults, _ := filepath.Glob("../../seeds/cards/faults/*.json")
	files = append(files, faults...)
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, path := range files {
		sim := openSim(t, path)
		t.Run(sim.Built.Name, func(t *testing.T) {
			want, wantErr := sim.Read(context.Background())
			cl.Insert(freshChip(t, sim))
			defer removed(t, cl, env.Reader)
			got, gotErr := readPCSC(t, env.Reader, sim.Options)
			switch {
			case wantErr != nil || gotErr != nil:
				if (wantErr == nil) != (gotErr == nil) || wantErr.Error() != gotErr.Error() {
					t.Fatalf("in process: %v; through pcscd: %v", wantErr, gotErr)
				}
				t.Logf("both reads fail as the fixture intends: %v", gotErr)
				return
			}
			if !bytes.Equal(comparable(t, got), comparable(t, want)) {
				t.Fatalf("Reading through pcscd differs from in process")
			}
			if got.Stats.APDUs == 0 || got.Citizen.ID == "" {
				t.Fatalf("empty read: %d APDUs", got.Stats.APDUs)
			}
		})
	}
}

// TestLiftedAndPutBack: through the real pcscd and vpcd, the card leaves
// the field in the middle of the files and comes back 500 ms later: the
// read resumes (pcsc.Card reconnects) and verifies; a lost first APDU is
// retried once.
func TestLiftedAndPutBack(t *testing.T) {
	env := pcscdtest.Start(t)
	cl := env.Serve(t)
	sim := openSim(t, "../../seeds/cards/nguyen-van-an.json")
	for _, tc := range []struct {
		name   string
		faults vchip.Faults
		warn   bool
	}{
		{"lifted and put back", vchip.Faults{RemoveAfter: 15, ReturnAfter: vchip.Duration(500 * time.Millisecond)}, true},
		{"first APDU lost", vchip.Faults{TransientAt: 1}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := freshChip(t, sim).Config()
			cfg.Faults = tc.faults
			cl.Insert(vchip.New(cfg))
			defer removed(t, cl, env.Reader)
			var steps []emrtd.Step
			opts := sim.Options
			opts.Progress = func(s emrtd.Step) { steps = append(steps, s) }
			r, err := readPCSC(t, env.Reader, opts)
			if err != nil {
				t.Fatalf("read: %v (steps %v)", err, steps)
			}
			if !r.Verification.Trusted() || r.Citizen.ID != sim.Built.Citizen.ID {
				t.Fatalf("verification %+v", r.Verification)
			}
			resumed := slices.Contains(steps, emrtd.StepResuming)
			if resumed != tc.warn {
				t.Fatalf("steps %v", steps)
			}
		})
	}
}

// TestRemovedMidRead: the card leaves the field in the middle of the files.
func TestRemovedMidRead(t *testing.T) {
	env := pcscdtest.Start(t)
	cl := env.Serve(t)
	sim := openSim(t, "../../seeds/cards/nguyen-van-an.json")
	cfg := freshChip(t, sim).Config()
	cfg.Faults = vchip.Faults{RemoveAfter: 15}
	cl.Insert(vchip.New(cfg))
	defer removed(t, cl, env.Reader)
	opts := sim.Options
	opts.ResumeWithin = time.Second // it never comes back: the removal stands
	_, err := readPCSC(t, env.Reader, opts)
	if !errors.Is(err, iso7816.ErrCardRemoved) {
		t.Fatalf("read with the card pulled: %v, want ErrCardRemoved", err)
	}
	if strings.Contains(err.Error(), sim.Built.Citizen.ID[3:]) {
		t.Fatal("error text carries the ID number")
	}
}

// syncBuffer is an io.Writer the test can read while cardsim writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestScript drives cardsim as a script would: insert → read → remove,
// twice with different cards, watching pcscd's events.
func TestScript(t *testing.T) {
	env := pcscdtest.Start(t)
	stdin, script := io.Pipe()
	out := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"--vpcd", env.VPCDAddr}, stdin, out, io.Discard) }()
	defer func() {
		cancel()
		script.Close()
		<-done
	}()
	wctx, wcancel := context.WithCancel(context.Background())
	defer wcancel()
	events := pcsc.Watch(wctx)
	next := func(kind pcsc.EventKind) {
		t.Helper()
		deadline := time.After(20 * time.Second)
		for {
			select {
			case e := <-events:
				if e.Reader != env.Reader || e.Kind == pcsc.ReaderAdded {
					continue
				}
				if e.Kind != kind {
					t.Fatalf("event %v, want %v", e.Kind, kind)
				}
				return
			case <-deadline:
				t.Fatalf("no %v event", kind)
			}
		}
	}
	for _, name := range []string{"nguyen-van-an", "tran-thi-binh"} {
		path := "../../seeds/cards/" + name + ".json"
		io.WriteString(script, "insert "+path+"\n")
		next(pcsc.Inserted)
		sim := openSim(t, path)
		r, err := readPCSC(t, env.Reader, sim.Options)
		if err != nil {
			t.Fatal(err)
		}
		if r.Citizen.ID != sim.Built.Citizen.ID {
			t.Fatal("read another card than the one inserted")
		}
		io.WriteString(script, "remove\n")
		next(pcsc.Removed)
	}
	io.WriteString(script, "status\nbogus\nquit\n")
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
		done <- nil
	case <-time.After(10 * time.Second):
		t.Fatal("quit did not stop cardsim")
	}
	want := "inserted nguyen-van-an\nremoved\ninserted tran-thi-binh\nremoved\nempty\nerror: unknown command \"bogus\""
	if !strings.Contains(out.String(), want) {
		t.Fatalf("cardsim said:\n%s", out.String())
	}
}

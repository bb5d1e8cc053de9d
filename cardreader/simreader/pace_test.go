package simreader_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"motcua/cardreader"
	"motcua/cardreader/chipauth"
	"motcua/cardreader/emrtd"
	"motcua/cardreader/fixture"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/simreader"
	"motcua/cardreader/vchip"
)

var (
	paceFirst = []emrtd.Access{emrtd.PACE{}, emrtd.BAC{}}
	bacOnly   = []emrtd.Access{emrtd.BAC{}}
)

func fixturePaths(t testing.TB) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("../../seeds/cards", "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("fixtures: %v", err)
	}
	return paths
}

// TestEveryFixtureThroughPACEAndBAC reads every fixture twice: with PACE
// first (it must be used exactly when EF.CardAccess offers it) and with BAC
// only. Passive, active and chip authentication must come out the same
// both ways: chip authentication passes on every pace+ca card.
func TestEveryFixtureThroughPACEAndBAC(t *testing.T) {
	for _, path := range fixturePaths(t) {
		fx, err := fixture.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, way := range []struct {
			name   string
			access []emrtd.Access
			want   cardreader.AccessProtocol
		}{
			{"PACE", paceFirst, cardreader.AccessPACE},
			{"BAC", bacOnly, cardreader.AccessBAC},
		} {
			t.Run(filepath.Base(path)+"/"+way.name, func(t *testing.T) {
				sim, err := simreader.Open(path, simreader.Options{})
				if err != nil {
					t.Fatal(err)
				}
				sim.Options.Access = way.access
				r, err := sim.Read(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				want := way.want
				if fx.Access == fixture.AccessBAC {
					want = cardreader.AccessBAC // no EF.CardAccess: PACE steps aside
				}
				if r.Access != want {
					t.Errorf("access %q, want %q", r.Access, want)
				}
				v := r.Verification
				wantAA := cardreader.StatusPassed
				if fx.AA == "none" {
					wantAA = cardreader.StatusUnsupported
				}
				wantCA := cardreader.StatusUnsupported
				if fx.HasChipAuth() {
					wantCA = cardreader.StatusPassed
				}
				if v.Passive.Status != cardreader.StatusPassed || v.Active.Status != wantAA || v.Chip.Status != wantCA {
					t.Errorf("passive %s, active %s (want %s), chip %+v (want %s)", v.Passive.Status, v.Active.Status, wantAA, v.Chip, wantCA)
				}
				if r.Citizen.ID != fx.Person.ID {
					t.Error("citizen ID differs from the fixture")
				}
			})
		}
	}
}

// paceRead reads the first pace+ca fixture with chip faults, PACE first.
func paceRead(t *testing.T, f vchip.Faults, key func(*emrtd.Key)) (*cardreader.Reading, error) {
	t.Helper()
	for _, path := range fixturePaths(t) {
		fx, err := fixture.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if !fx.HasChipAuth() {
			continue
		}
		sim, err := simreader.Open(path, simreader.Options{})
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := simreader.Config(sim.Built)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Faults = f
		cfg.Sleep = func(time.Duration) {}
		opts := sim.Options
		opts.Access = paceFirst
		if key != nil {
			key(&opts.Key)
		}
		return emrtd.Read(context.Background(), iso7816.NewCardTransport(vchip.New(cfg)), opts)
	}
	t.Fatal("no pace+ca fixture")
	return nil, nil
}

// TestPACEFaults: the PACE and Chip Authentication faults on a genuine
// pace+ca card, each with its exact outcome.
func TestPACEFaults(t *testing.T) {
	t.Run("wrong CAN", func(t *testing.T) {
		_, err := paceRead(t, vchip.Faults{}, func(k *emrtd.Key) { k.CAN = "000000" })
		if !errors.Is(err, emrtd.ErrAccessDenied) || !errors.Is(err, iso7816.Status(0x6300)) {
			t.Errorf("err = %v, want access denied by the chip (6300)", err)
		}
	})
	t.Run("bad chip token", func(t *testing.T) {
		_, err := paceRead(t, vchip.Faults{PACEBadToken: true}, nil)
		if !errors.Is(err, emrtd.ErrAccessDenied) || errors.Is(err, iso7816.Status(0x6300)) {
			t.Errorf("err = %v, want access denied by the host", err)
		}
	})
	t.Run("CA key does not match DG14", func(t *testing.T) {
		r, err := paceRead(t, vchip.Faults{CAKeyMismatch: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		v := r.Verification
		if v.Chip.Status != cardreader.StatusFailed || v.Chip.Code != chipauth.CodeKeyMismatch {
			t.Errorf("chip %+v, want failed %s", v.Chip, chipauth.CodeKeyMismatch)
		}
		if v.Passive.Status != cardreader.StatusPassed || v.Trusted() {
			t.Errorf("passive %s, trusted %v: a clone with genuine files must not be trusted", v.Passive.Status, v.Trusted())
		}
	})
	t.Run("PACE refused: BAC", func(t *testing.T) {
		r, err := paceRead(t, vchip.Faults{Status: []vchip.StatusFault{{INS: 0x22, Status: iso7816.StatusConditionsNotSatisfied, Times: 1}}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Access != cardreader.AccessBAC || r.Verification.Chip.Status != cardreader.StatusPassed {
			t.Errorf("access %s, chip %+v", r.Access, r.Verification.Chip)
		}
	})
}

// BenchmarkReadPACE is a full read of each pace+ca fixture through PACE
// and chip authentication, against the same read through BAC. ns/op counts
// the virtual chip's CPU too.
func BenchmarkReadPACE(b *testing.B) {
	for _, path := range fixturePaths(b) {
		fx, err := fixture.Load(path)
		if err != nil {
			b.Fatal(err)
		}
		if !fx.HasChipAuth() {
			continue
		}
		for _, way := range []struct {
			name   string
			access []emrtd.Access
		}{{"PACE+CA", paceFirst}, {"BAC+CA", bacOnly}} {
			b.Run(fx.Name+"/"+way.name, func(b *testing.B) {
				sim, err := simreader.Open(path, simreader.Options{})
				if err != nil {
					b.Fatal(err)
				}
				sim.Options.Access = way.access
				var st cardreader.Stats
				for b.Loop() {
					r, err := sim.Read(context.Background())
					if err != nil {
						b.Fatal(err)
					}
					st = r.Stats
				}
				b.ReportMetric(float64(st.APDUs), "apdus/op")
				b.ReportMetric(float64(st.Bytes), "wirebytes/op")
			})
		}
	}
}

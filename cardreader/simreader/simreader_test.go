package simreader_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/cardreader/emrtd"
	"motcua/cardreader/fixture"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/lds"
	"motcua/cardreader/simreader"
	"motcua/cardreader/vchip"
)

const seeds = "../../seeds"

func people(t testing.TB) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(seeds, "cards", "*.json"))
	if err != nil || len(paths) < 6 {
		t.Fatalf("fixtures: %v (%d)", err, len(paths))
	}
	return paths
}

// Every fixture of a real person reads whole, with passive and active
// authentication passed (active unsupported only where the card has no
// AA key), and chip authentication passed where the card has a DG14 key.
func TestEveryFixture(t *testing.T) {
	for _, path := range people(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			fx, err := fixture.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			var steps []emrtd.Step
			r, err := simreader.ReadFile(context.Background(), path, simreader.Options{Progress: func(s emrtd.Step) { steps = append(steps, s) }})
			if err != nil {
				t.Fatal(err)
			}
			want := fx.Person
			want.Normalize()
			got := r.Citizen
			if want.ExpiryDate.IsZero() && !want.NoExpiry {
				want.ExpiryDate = got.ExpiryDate // computed by the fixture from the rules
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("citizen\n got %+v\nwant %+v", got, want)
			}
			if r.Generation != fx.Generation {
				t.Errorf("generation %v, want %v", r.Generation, fx.Generation)
			}
			v := r.Verification
			if v.Passive.Status != cardreader.StatusPassed {
				t.Errorf("passive: %+v", v.Passive)
			}
			wantAA := cardreader.StatusPassed
			if fx.AA == "none" {
				wantAA = cardreader.StatusUnsupported
			}
			if v.Active.Status != wantAA {
				t.Errorf("active: %+v, want %s", v.Active, wantAA)
			}
			wantCA := cardreader.StatusUnsupported
			if fx.HasChipAuth() {
				wantCA = cardreader.StatusPassed
			}
			if v.Chip.Status != wantCA {
				t.Errorf("chip: %+v, want %s", v.Chip, wantCA)
			}
			if r.Photo.Format != "jpeg" || r.Photo.Width != fixture.PhotoWidth || r.Photo.Height != fixture.PhotoHeight {
				t.Errorf("photo %s %dx%d", r.Photo.Format, r.Photo.Width, r.Photo.Height)
			}
			if !strings.HasPrefix(r.MRZ, "IDVNM"+cccd.DocumentNumber(want.ID)) {
				t.Errorf("MRZ does not start with the document number")
			}
			// PACE chips also take BAC; which one opened depends on the
			// access protocols emrtd tries by default.
			access := r.Access == cardreader.AccessBAC || (fx.Access != fixture.AccessBAC && r.Access == cardreader.AccessPACE)
			if !access || r.Stats.APDUs == 0 || r.Stats.Bytes == 0 || len(steps) != 4 {
				t.Errorf("access %q, stats %+v, steps %v", r.Access, r.Stats, steps)
			}
		})
	}
}

// The document faults of seeds/cards/faults, each with its outcome.
func TestFaultFixtures(t *testing.T) {
	for _, tc := range []struct {
		file    string
		passive string // passive authentication code; "" for passed
		active  cardreader.CheckStatus
		err     error
		// real-card items (issue 12): what else the reading must show
		mrz      string // the MRZ check's fields that differ; "" for passed
		unparsed string // the one card path left unparsed, "" for none
		warning  string // a warning code the reading must carry
		check    func(*cardreader.Reading) bool
	}{
		{file: "tamper-dg13.json", passive: "hash-mismatch", active: cardreader.StatusPassed},
		{file: "unknown-csca.json", passive: "unknown-csca", active: cardreader.StatusPassed},
		{file: "expired-ds.json", passive: "ds-expired", active: cardreader.StatusPassed},
		{file: "cloned-chip.json", active: cardreader.StatusFailed},
		{file: "truncated-file.json", err: emrtd.ErrTruncatedFile},
		{file: "oversize-length.json", err: emrtd.ErrFileTooLarge},
		{file: "malformed-length.json", err: emrtd.ErrMalformedFile},
		{file: "revoked-ds.json", passive: "ds-revoked", active: cardreader.StatusPassed},
		{file: "clone-own-keys.json", passive: "unknown-csca", active: cardreader.StatusPassed, check: func(r *cardreader.Reading) bool {
			return r.Verification.AntiClone().Status == cardreader.StatusNotChecked && !r.Verification.Trusted()
		}},
		{file: "mrz-dg13-mismatch.json", active: cardreader.StatusPassed, mrz: "sex", check: func(r *cardreader.Reading) bool { return !r.Verification.Trusted() }},
		{file: "month-year-birth.json", active: cardreader.StatusPassed, check: func(r *cardreader.Reading) bool {
			return r.Citizen.DateOfBirth == cccd.Date{Year: 1975, Month: 3} && r.Citizen.ExpiryDate == cccd.Date{Year: 2035, Month: 3, Day: 31}
		}},
		{file: "unknown-dg13-field.json", active: cardreader.StatusPassed, warning: "dg13-unknown-field"},
		{file: "repeated-dg13-field.json", active: cardreader.StatusPassed, unparsed: "citizen.religion", warning: "dg13-unparsed"},
		{file: "odd-date-dg13.json", active: cardreader.StatusPassed, unparsed: "citizen.dateOfBirth", warning: "dg13-unparsed", check: func(r *cardreader.Reading) bool {
			return r.Citizen.DateOfBirth.IsZero() && r.Citizen.Unparsed["citizen.dateOfBirth"].Raw == "khoảng năm 1990" && r.Citizen.FullName != ""
		}},
		{file: "vo-thoi-han.json", active: cardreader.StatusPassed, check: func(r *cardreader.Reading) bool {
			return r.Citizen.NoExpiry && strings.Contains(r.MRZ, "991231")
		}},
		{file: "no-expiry-filler.json", active: cardreader.StatusPassed, check: func(r *cardreader.Reading) bool {
			return r.Citizen.NoExpiry && !strings.Contains(r.MRZ, "991231")
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join(seeds, "cards", "faults", tc.file)
			fx, err := fixture.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			r, err := simreader.ReadFile(context.Background(), path, simreader.Options{})
			if tc.err != nil {
				var fe *emrtd.FileError
				dg := fx.FaultDG
				if dg == 0 {
					dg = 13
				}
				if !errors.Is(err, tc.err) || !errors.As(err, &fe) || fe.FID != dgFID(t, dg) {
					t.Fatalf("got %v, want %v in DG%d", err, tc.err, dg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			p := r.Verification.Passive
			if tc.passive == "" && p.Status != cardreader.StatusPassed || tc.passive != "" && (p.Status != cardreader.StatusFailed || p.Code != tc.passive) {
				t.Errorf("passive %+v, want %q", p, tc.passive)
			}
			if fx.ExpectedPassive() != tc.passive {
				t.Errorf("fixture expects passive %q, test %q", fx.ExpectedPassive(), tc.passive)
			}
			if a := r.Verification.Active; a.Status != tc.active {
				t.Errorf("active %+v, want %s", a, tc.active)
			}
			if tc.active == cardreader.StatusFailed && r.Verification.Active.Code != emrtd.CodeAAFailed {
				t.Errorf("active code %q", r.Verification.Active.Code)
			}
			m := r.Verification.MRZ
			if tc.mrz == "" && m.Status != cardreader.StatusPassed || tc.mrz != "" && (m.Status != cardreader.StatusFailed || m.Code != cardreader.CodeMRZMismatch || m.Evidence["fields"] != tc.mrz) {
				t.Errorf("mrz check %+v, want fields %q", m, tc.mrz)
			}
			if tc.unparsed == "" && len(r.Citizen.Unparsed) != 0 || tc.unparsed != "" && (len(r.Citizen.Unparsed) != 1 || r.Citizen.Unparsed[tc.unparsed].Reason == "") {
				t.Errorf("unparsed %v, want %q", r.Citizen.Unparsed, tc.unparsed)
			}
			if tc.warning != "" && !slices.ContainsFunc(r.Warnings, func(w cardreader.Warning) bool { return w.Code == tc.warning }) {
				t.Errorf("warnings %+v, want %s", r.Warnings, tc.warning)
			}
			for _, w := range r.Warnings {
				if strings.Contains(w.Reason, "Công giáo") || strings.Contains(w.Reason, "1990") {
					t.Errorf("warning %+v leaks a value", w)
				}
			}
			if tc.check != nil && !tc.check(r) {
				t.Errorf("reading %+v", r.Citizen)
			}
		})
	}
}

// chipRead reads a people fixture with chip faults injected.
func chipRead(t *testing.T, name string, f vchip.Faults, key *emrtd.Key) (*cardreader.Reading, error) {
	t.Helper()
	sim, err := simreader.Open(filepath.Join(seeds, "cards", name), simreader.Options{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := simreader.Config(sim.Built)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Faults = f
	cfg.Sleep = func(time.Duration) {}
	return emrtd.Read(context.Background(), iso7816.NewCardTransport(vchip.New(cfg)), sim.Options)
}

// Chip faults on a genuine card, each with its outcome.
func TestChipFaults(t *testing.T) {
	wrong := emrtd.KeyFromID("079090004217", cccd.Date{Year: 1990, Month: 3, Day: 12}, cccd.Date{Year: 2035, Month: 3, Day: 12}, false)
	ok := func(t *testing.T, r *cardreader.Reading, err error) {
		if err != nil {
			t.Fatal(err)
		}
		if r.Verification.Passive.Status != cardreader.StatusPassed || r.Verification.Active.Status != cardreader.StatusPassed {
			t.Errorf("verification %+v", r.Verification)
		}
	}
	is := func(targets ...error) func(*testing.T, *cardreader.Reading, error) {
		return func(t *testing.T, r *cardreader.Reading, err error) {
			for _, target := range targets {
				if !errors.Is(err, target) {
					t.Errorf("got %v, want %v", err, target)
				}
			}
		}
	}
	for _, tc := range []struct {
		name   string
		faults vchip.Faults
		key    *emrtd.Key
		check  func(*testing.T, *cardreader.Reading, error)
	}{
		{name: "wrong key", key: &wrong, check: is(emrtd.ErrAccessDenied)},
		{name: "removed mid-read", faults: vchip.Faults{RemoveAfter: 20}, check: is(emrtd.ErrCardRemoved)},
		{name: "wrong MAC", faults: vchip.Faults{WrongMACAt: 10}, check: is(emrtd.ErrSecureMessaging)},
		{name: "wrong SSC", faults: vchip.Faults{WrongSSCAt: 10}, check: is(emrtd.ErrSecureMessaging)},
		{name: "slow chip", faults: vchip.Faults{Delay: vchip.Duration(50 * time.Millisecond)}, check: ok},
		{name: "6982 on DG13", faults: vchip.Faults{Status: []vchip.StatusFault{{File: 0x010D, Status: 0x6982}}}, check: is(iso7816.StatusSecurityNotSatisfied)},
		{name: "6A82 on DG1", faults: vchip.Faults{Status: []vchip.StatusFault{{File: 0x0101, Status: 0x6A82}}}, check: is(iso7816.StatusFileNotFound)},
		{name: "6700 above 223", faults: vchip.Faults{WrongLengthAbove: 223}, check: ok},
		{name: "6Cxx to 200", faults: vchip.Faults{CorrectLeAbove: 200}, check: ok},
		{name: "cloned chip", faults: vchip.Faults{ClonedChip: true}, check: func(t *testing.T, r *cardreader.Reading, err error) {
			if err != nil || r.Verification.Active.Status != cardreader.StatusFailed || r.Verification.Passive.Status != cardreader.StatusPassed {
				t.Errorf("got %v %+v", err, r.Verification)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := chipRead(t, "nguyen-van-an.json", tc.faults, tc.key)
			tc.check(t, r, err)
			if err != nil && strings.Contains(err.Error(), "079090004217") {
				t.Errorf("error shows the ID: %v", err)
			}
		})
	}
}

func TestNoTrust(t *testing.T) {
	r, err := simreader.ReadFile(context.Background(), people(t)[0], simreader.Options{Trust: emptyStore()})
	if err != nil {
		t.Fatal(err)
	}
	if p := r.Verification.Passive; p.Status != cardreader.StatusNotChecked {
		t.Errorf("passive without trust anchors: %+v", p)
	}
}

func TestNewCard(t *testing.T) {
	card, built, err := simreader.NewCard(people(t)[0])
	if err != nil {
		t.Fatal(err)
	}
	if card.ATR()[0] != 0x3B || built.Citizen.ID == "" {
		t.Error("card not built")
	}
	if _, _, err := simreader.NewCard(filepath.Join(t.TempDir(), "none.json")); err == nil {
		t.Error("a missing fixture built")
	}
}

func dgFID(t *testing.T, dg int) uint16 {
	t.Helper()
	fid, ok := lds.DGFID(dg)
	if !ok {
		t.Fatalf("no data group %d", dg)
	}
	return fid
}

// Reader robustness seen in the field (issue 12 item 7), each with its
// fault fixture: a lost first APDU is retried once; a card lifted and put
// back resumes where it stopped, with the progress shown; a chip whose ATR
// promises extended length it cannot take is read with short APDUs after
// opening it again, secure messaging never out of step.
func TestRobustnessFixtures(t *testing.T) {
	for _, tc := range []struct {
		file  string
		maxLe int
		steps []emrtd.Step // must appear, in this order
		warn  string
	}{
		{"transient-first-apdu.json", 0, []emrtd.Step{emrtd.StepOpening, emrtd.StepConnecting, emrtd.StepReading}, ""},
		{"lifted-card.json", 0, []emrtd.Step{emrtd.StepReading, emrtd.StepCardLifted, emrtd.StepResuming, emrtd.StepVerifying}, "read-resumed"},
		{"extended-length-lies.json", emrtd.AutoLe, []emrtd.Step{emrtd.StepReading, emrtd.StepVerifying}, ""},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var steps []emrtd.Step
			var files [][2]int
			path := filepath.Join(seeds, "cards", "faults", tc.file)
			sim, err := simreader.Open(path, simreader.Options{MaxLe: tc.maxLe, Progress: func(s emrtd.Step) { steps = append(steps, s) }})
			if err != nil {
				t.Fatal(err)
			}
			sim.Options.FileProgress = func(done, total int) { files = append(files, [2]int{done, total}) }
			r, err := sim.Read(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			v := r.Verification
			if v.Passive.Status != cardreader.StatusPassed || v.Active.Status != cardreader.StatusPassed || !v.Trusted() {
				t.Fatalf("verification %+v", v)
			}
			i := 0
			for _, s := range steps {
				if i < len(tc.steps) && s == tc.steps[i] {
					i++
				}
			}
			if i != len(tc.steps) {
				t.Errorf("steps %v, want %v in order", steps, tc.steps)
			}
			if last := files[len(files)-1]; last[0] != last[1] {
				t.Errorf("file progress ends at %v", last)
			}
			has := slices.ContainsFunc(r.Warnings, func(w cardreader.Warning) bool { return w.Code == "read-resumed" })
			if has != (tc.warn != "") {
				t.Errorf("warnings %+v", r.Warnings)
			}
		})
	}
}

// A resumed read costs only the files not yet read: fewer APDUs than two
// whole reads.
func TestResumeKeepsFiles(t *testing.T) {
	whole, err := simreader.ReadFile(context.Background(), filepath.Join(seeds, "cards", "nguyen-van-an.json"), simreader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	lifted, err := simreader.ReadFile(context.Background(), filepath.Join(seeds, "cards", "faults", "lifted-card.json"), simreader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if lifted.Stats.APDUs >= 2*whole.Stats.APDUs || lifted.Stats.APDUs <= whole.Stats.APDUs {
		t.Fatalf("resumed read: %d APDUs, a whole read %d", lifted.Stats.APDUs, whole.Stats.APDUs)
	}
	t.Logf("whole read %d APDUs, resumed read %d", whole.Stats.APDUs, lifted.Stats.APDUs)
}

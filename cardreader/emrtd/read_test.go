package emrtd_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/cardreader/emrtd"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/lds"
	"motcua/cardreader/vchip"
)

// minAPDUs is the fewest APDUs a BAC read of card can take with maxLe: the
// SELECT of EF.CardAccess that finds no PACE, select applet, GET CHALLENGE,
// EXTERNAL AUTHENTICATE, per file one SELECT and ceil(size/maxLe) READ
// BINARY, one INTERNAL AUTHENTICATE.
func minAPDUs(c *vchip.Card, maxLe int) int {
	n := 1 + 3 + 1
	for _, fid := range []uint16{lds.FIDCOM, lds.FIDSOD, lds.FIDDG1, lds.FIDDG2, lds.FIDDG13, lds.FIDDG14, lds.FIDDG15} {
		if b, ok := c.File(fid); ok {
			n += 1 + (len(b)+maxLe-1)/maxLe
		} else if fid == lds.FIDCOM || fid == lds.FIDSOD {
			n++ // the reader tries these whatever EF.COM says
		}
	}
	return n
}

func read(t *testing.T, c *vchip.Card, opts emrtd.Options) (*cardreader.Reading, error) {
	t.Helper()
	if opts.Key == (emrtd.Key{}) {
		opts.Key = holderKey
	}
	return emrtd.Read(context.Background(), iso7816.NewCardTransport(c), opts)
}

func TestReadHandBuiltCard(t *testing.T) {
	c := newCard(t, vchip.Faults{})
	var steps []emrtd.Step
	r, err := read(t, c, emrtd.Options{Progress: func(s emrtd.Step) { steps = append(steps, s) }})
	if err != nil {
		t.Fatal(err)
	}
	want := holder
	if !reflect.DeepEqual(r.Citizen, want) {
		t.Errorf("citizen\n got %+v\nwant %+v", r.Citizen, want)
	}
	if r.Access != cardreader.AccessBAC || r.Source != cardreader.SourceChip || r.Generation != cccd.CCCD2021 {
		t.Errorf("access %q source %q generation %v", r.Access, r.Source, r.Generation)
	}
	if r.Photo.Format != "jpeg" || r.Photo.Width != 240 || r.Photo.Height != 320 || len(r.Photo.Data) != len(photoJPG) {
		t.Errorf("photo %s %dx%d, %d bytes", r.Photo.Format, r.Photo.Width, r.Photo.Height, len(r.Photo.Data))
	}
	if r.MRZ == "" || r.MRZ[:5] != "IDVNM" {
		t.Errorf("MRZ %q", r.MRZ)
	}
	v := r.Verification
	if v.Active.Status != cardreader.StatusPassed {
		t.Errorf("active: %+v", v.Active)
	}
	if v.Passive.Status != cardreader.StatusFailed || v.Passive.Code != "no-sod" {
		t.Errorf("passive without SOD: %+v", v.Passive)
	}
	if v.Chip.Status != cardreader.StatusUnsupported {
		t.Errorf("chip without DG14: %+v", v.Chip)
	}
	if got, want := r.Stats.APDUs, minAPDUs(c, 256); got != want {
		t.Errorf("%d APDUs, minimum %d", got, want)
	}
	if r.Stats.Bytes <= len(photoJPG) {
		t.Errorf("%d bytes on the wire for a %d-byte photo", r.Stats.Bytes, len(photoJPG))
	}
	if len(steps) != 4 || steps[0] != emrtd.StepConnecting || steps[3] != emrtd.StepVerifying {
		t.Errorf("steps %v", steps)
	}
}

func TestReadActiveAuthenticationKinds(t *testing.T) {
	keys(t)
	for _, tc := range []struct {
		name  string
		cfg   func(*vchip.Config)
		want  cardreader.CheckStatus
		code  string
		extra string
	}{
		{"RSA SHA-1", func(c *vchip.Config) {}, cardreader.StatusPassed, "", "SHA-1"},
		{"RSA SHA-256", func(c *vchip.Config) { c.AAHash = 5 /* crypto.SHA256 */ }, cardreader.StatusPassed, "", "SHA-256"},
		{"ECDSA P-256", func(c *vchip.Config) { c.AAKey = ecKey; c.Files = files(t, ecKey) }, cardreader.StatusPassed, "", "SHA-256"},
		{"cloned RSA", func(c *vchip.Config) { c.Faults.ClonedChip = true }, cardreader.StatusFailed, emrtd.CodeAAFailed, ""},
		{"cloned ECDSA", func(c *vchip.Config) { c.AAKey = ecKey; c.Files = files(t, ecKey); c.Faults.ClonedChip = true }, cardreader.StatusFailed, emrtd.CodeAAFailed, ""},
		{"no DG15", func(c *vchip.Config) { delete(c.Files, lds.FIDDG15) }, cardreader.StatusUnsupported, emrtd.CodeAANoKey, ""},
		{"DG15 key, chip without AA", func(c *vchip.Config) { c.AAKey = nil }, cardreader.StatusFailed, emrtd.CodeAARefused, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := newCard(t, vchip.Faults{}).Config()
			cfg.Files = files(t, rsaKey)
			tc.cfg(&cfg)
			r, err := read(t, vchip.New(cfg), emrtd.Options{})
			if err != nil {
				t.Fatal(err)
			}
			a := r.Verification.Active
			if a.Status != tc.want || a.Code != tc.code || (tc.extra != "" && a.Evidence["hash"] != tc.extra) {
				t.Errorf("active %+v, want %s %s %s", a, tc.want, tc.code, tc.extra)
			}
		})
	}
}

func TestReadFaults(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults vchip.Faults
		key    emrtd.Key
		check  func(t *testing.T, c *vchip.Card, r *cardreader.Reading, err error)
	}{
		{name: "wrong key", key: emrtd.KeyFromID(holder.ID, holder.DateOfBirth, cccd.Date{Year: 2043, Month: 8, Day: 15}, false),
			check: wantErr(emrtd.ErrAccessDenied, iso7816.StatusSecurityNotSatisfied)},
		{name: "card removed mid-read", faults: vchip.Faults{RemoveAfter: 12}, check: wantErr(emrtd.ErrCardRemoved)},
		{name: "card removed before access", faults: vchip.Faults{RemoveAfter: 1}, check: wantErr(iso7816.ErrCardRemoved)},
		{name: "wrong MAC in a response", faults: vchip.Faults{WrongMACAt: 6}, check: wantErr(emrtd.ErrSecureMessaging)},
		{name: "wrong SSC in a response", faults: vchip.Faults{WrongSSCAt: 9}, check: wantErr(emrtd.ErrSecureMessaging)},
		{name: "6982 on DG13", faults: vchip.Faults{Status: []vchip.StatusFault{{File: 0x010D, INS: 0xA4, Status: 0x6982}}},
			check: wantFileErr("DG13", iso7816.StatusSecurityNotSatisfied)},
		{name: "6A82 on DG13", faults: vchip.Faults{Status: []vchip.StatusFault{{File: 0x010D, INS: 0xA4, Status: 0x6A82}}},
			check: wantFileErr("DG13", iso7816.StatusFileNotFound)},
		{name: "6982 reading DG2", faults: vchip.Faults{Status: []vchip.StatusFault{{File: 0x0102, INS: 0xB0, Status: 0x6982}}},
			check: wantFileErr("DG2", iso7816.StatusSecurityNotSatisfied)},
		{name: "6A82 on DG2: no photo", faults: vchip.Faults{Status: []vchip.StatusFault{{File: 0x0102, INS: 0xA4, Status: 0x6A82}}},
			check: func(t *testing.T, _ *vchip.Card, r *cardreader.Reading, err error) {
				if err != nil || r.Photo.Format != "" || r.Verification.Active.Status != cardreader.StatusPassed {
					t.Errorf("got %v, photo %q", err, r.Photo.Format)
				}
			}},
		{name: "6A82 on DG15: AA unsupported", faults: vchip.Faults{Status: []vchip.StatusFault{{File: 0x010F, INS: 0xA4, Status: 0x6A82}}},
			check: func(t *testing.T, _ *vchip.Card, r *cardreader.Reading, err error) {
				if err != nil || r.Verification.Active.Status != cardreader.StatusUnsupported {
					t.Errorf("got %v, active %+v", err, r.Verification.Active)
				}
			}},
		{name: "6700 above Le 200", faults: vchip.Faults{WrongLengthAbove: 200}, check: wantRead(192, 8)},
		{name: "6700 above Le 100", faults: vchip.Faults{WrongLengthAbove: 100}, check: wantRead(96, 14)},
		{name: "6Cxx: card wants Le 128", faults: vchip.Faults{CorrectLeAbove: 128}, check: wantRead(128, 4)},
		{name: "6C once on EF.COM", faults: vchip.Faults{Status: []vchip.StatusFault{{File: 0x011E, INS: 0xB0, Status: 0x6C16, Times: 1}}}, check: wantRead(256, 2)},
		{name: "slow chip", faults: vchip.Faults{Delay: vchip.Duration(1)}, check: wantRead(256, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCard(t, tc.faults)
			r, err := read(t, c, emrtd.Options{Key: tc.key})
			tc.check(t, c, r, err)
		})
	}
}

func wantErr(targets ...error) func(*testing.T, *vchip.Card, *cardreader.Reading, error) {
	return func(t *testing.T, _ *vchip.Card, r *cardreader.Reading, err error) {
		t.Helper()
		for _, target := range targets {
			if !errors.Is(err, target) {
				t.Errorf("got %v, want %v", err, target)
			}
		}
		if r != nil {
			t.Error("a Reading came back with the error")
		}
	}
}

func wantFileErr(name string, sw iso7816.Status) func(*testing.T, *vchip.Card, *cardreader.Reading, error) {
	return func(t *testing.T, _ *vchip.Card, r *cardreader.Reading, err error) {
		t.Helper()
		var fe *emrtd.FileError
		if !errors.As(err, &fe) || fe.Name != name || !errors.Is(err, sw) {
			t.Errorf("got %v, want a %s error with %v", err, name, sw)
		}
	}
}

// wantRead checks a read recovered: the Reading is whole, and it took at
// most extra APDUs more than the minimum for the Le the card allows.
func wantRead(finalLe, extra int) func(*testing.T, *vchip.Card, *cardreader.Reading, error) {
	return func(t *testing.T, c *vchip.Card, r *cardreader.Reading, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if r.Citizen.ID != holder.ID || r.Photo.Width != 240 || r.Verification.Active.Status != cardreader.StatusPassed {
			t.Errorf("incomplete reading: %+v", r.Verification)
		}
		if min := minAPDUs(c, finalLe); r.Stats.APDUs < min || r.Stats.APDUs > min+extra {
			t.Errorf("%d APDUs, want %d to %d", r.Stats.APDUs, min, min+extra)
		}
	}
}

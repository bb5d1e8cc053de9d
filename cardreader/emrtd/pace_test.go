package emrtd_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"errors"
	"testing"

	"github.com/ProtonMail/go-crypto/brainpool"

	"motcua/cardreader"
	"motcua/cardreader/bac"
	"motcua/cardreader/chipauth"
	"motcua/cardreader/emrtd"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/lds"
	"motcua/cardreader/pace"
	"motcua/cardreader/vchip"
)

// paceFiles adds to the hand-built card what a CCCD has for PACE and Chip
// Authentication: EF.CardAccess and DG14 with a brainpoolP256r1 CA key.
func paceFiles(t testing.TB, cardAccess []pace.Info) (map[uint16][]byte, *ecdsa.PrivateKey) {
	t.Helper()
	f := files(t, rsaKey)
	caKey, err := ecdsa.GenerateKey(brainpool.P256r1(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	spki, err := lds.MarshalPublicKey(&caKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	f[lds.FIDDG14], err = lds.EncodeDG14(&lds.SecurityInfos{
		ChipAuthentication:    []lds.ChipAuthenticationInfo{{Protocol: lds.OIDCAECDHAES128, Version: 1}},
		ChipAuthenticationKey: []lds.ChipAuthenticationPublicKeyInfo{{Protocol: lds.OIDPKECDH, PublicKey: spki}},
	})
	if err != nil {
		t.Fatal(err)
	}
	com := &lds.COM{LDSVersion: "0107", UnicodeVersion: "040000", DataGroups: []int{1, 2, 3, 13, 14, 15}}
	f[lds.FIDCOM] = com.Encode()
	if cardAccess != nil {
		caInfo, _ := chipauth.MarshalInfo(chipauth.Info{Protocol: chipauth.OIDCAECDHAES128, Version: 1, KeyID: -1})
		if f[lds.FIDCardAccess], err = pace.MarshalCardAccess(cardAccess, caInfo); err != nil {
			t.Fatal(err)
		}
	}
	return f, caKey
}

var cccdPACE = []pace.Info{{Protocol: pace.OIDPACEECDHGMAES128, Version: 2, ParameterID: pace.ParamBrainpoolP256r1}}

func newPACECard(t testing.TB, cardAccess []pace.Info, f vchip.Faults) *vchip.Card {
	return newPACECardCAN(t, cardAccess, f, holderKey.CAN)
}

// newPACECardCAN is newPACECard with the chip's CAN ("" for none).
func newPACECardCAN(t testing.TB, cardAccess []pace.Info, f vchip.Faults, can string) *vchip.Card {
	t.Helper()
	keys(t)
	files, caKey := paceFiles(t, cardAccess)
	return vchip.New(vchip.Config{
		Files:       files,
		MRZ:         bac.NewMRZInfo(holder.ID, holder.DateOfBirth, holder.ExpiryDate, false),
		CAN:         can,
		AAKey:       rsaKey,
		ChipAuthKey: caKey,
		Faults:      f,
	})
}

var paceThenBAC = []emrtd.Access{emrtd.PACE{}, emrtd.BAC{}}

func TestReadPACE(t *testing.T) {
	noCAN := holderKey
	noCAN.CAN = ""
	wrongCAN := holderKey
	wrongCAN.CAN = "999999"
	dhOnly := []pace.Info{{Protocol: []int{0, 4, 0, 127, 0, 7, 2, 2, 4, 1, 2}, Version: 2, ParameterID: 0}}
	passed := cardreader.Check{Status: cardreader.StatusPassed}
	for _, tc := range []struct {
		name       string
		cardAccess []pace.Info
		faults     vchip.Faults
		key        emrtd.Key
		access     []emrtd.Access
		wantErr    error
		want       cardreader.AccessProtocol
		active     cardreader.CheckStatus
		chip       cardreader.Check
	}{
		{"PACE with CAN, then CA", cccdPACE, vchip.Faults{}, holderKey, paceThenBAC, nil, cardreader.AccessPACE, cardreader.StatusPassed, passed},
		{"PACE with the MRZ", cccdPACE, vchip.Faults{}, noCAN, paceThenBAC, nil, cardreader.AccessPACE, cardreader.StatusPassed, passed},
		{"BAC only, then CA", cccdPACE, vchip.Faults{}, holderKey, []emrtd.Access{emrtd.BAC{}}, nil, cardreader.AccessBAC, cardreader.StatusPassed, passed},
		{"no EF.CardAccess: BAC", nil, vchip.Faults{}, holderKey, paceThenBAC, nil, cardreader.AccessBAC, cardreader.StatusPassed, passed},
		{"EF.CardAccess 6982: BAC", cccdPACE, vchip.Faults{Status: []vchip.StatusFault{{File: lds.FIDCardAccess, Status: iso7816.StatusSecurityNotSatisfied}}}, holderKey, paceThenBAC, nil, cardreader.AccessBAC, cardreader.StatusPassed, passed},
		{"only PACE-DH offered: BAC", dhOnly, vchip.Faults{}, holderKey, paceThenBAC, nil, cardreader.AccessBAC, cardreader.StatusPassed, passed},
		{"MSE refused 6A80: BAC", cccdPACE, vchip.Faults{Status: []vchip.StatusFault{{INS: pace.InsMSE, Status: iso7816.StatusIncorrectData, Times: 1}}}, holderKey, paceThenBAC, nil, cardreader.AccessBAC, cardreader.StatusPassed, passed},
		{"wrong CAN", cccdPACE, vchip.Faults{}, wrongCAN, paceThenBAC, emrtd.ErrAccessDenied, "", "", cardreader.Check{}},
		{"bad chip token", cccdPACE, vchip.Faults{PACEBadToken: true}, holderKey, paceThenBAC, emrtd.ErrAccessDenied, "", "", cardreader.Check{}},
		{"CA key does not match DG14", cccdPACE, vchip.Faults{CAKeyMismatch: true}, holderKey, paceThenBAC, nil, cardreader.AccessPACE, cardreader.StatusPassed,
			cardreader.Check{Status: cardreader.StatusFailed, Code: chipauth.CodeKeyMismatch}},
		{"cloned chip: AA and CA fail", cccdPACE, vchip.Faults{ClonedChip: true}, holderKey, paceThenBAC, nil, cardreader.AccessPACE, cardreader.StatusFailed,
			cardreader.Check{Status: cardreader.StatusFailed, Code: chipauth.CodeKeyMismatch}},
		{"CA refused", cccdPACE, vchip.Faults{Status: []vchip.StatusFault{{File: lds.FIDDG15, INS: 0x86, Status: iso7816.StatusConditionsNotSatisfied}}}, holderKey, paceThenBAC, nil, cardreader.AccessPACE, cardreader.StatusPassed,
			cardreader.Check{Status: cardreader.StatusFailed, Code: chipauth.CodeRefused}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newPACECard(t, tc.cardAccess, tc.faults)
			r, err := read(t, c, emrtd.Options{Key: tc.key, Access: tc.access})
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || r != nil {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Access != tc.want || r.Citizen.ID != holder.ID {
				t.Errorf("access %q, citizen %q", r.Access, r.Citizen.ID)
			}
			if r.Verification.Active.Status != tc.active {
				t.Errorf("active %+v, want %s", r.Verification.Active, tc.active)
			}
			if got := r.Verification.Chip; got.Status != tc.chip.Status || got.Code != tc.chip.Code {
				t.Errorf("chip %+v, want %s/%s", got, tc.chip.Status, tc.chip.Code)
			}
			if r.Verification.Chip.Status == cardreader.StatusPassed && r.Verification.Chip.Evidence["curve"] != "brainpoolP256r1" {
				t.Errorf("chip evidence %v", r.Verification.Chip.Evidence)
			}
		})
	}
}

// TestPACEWithoutCAN: a chip that knows no CAN answers 6A88 to MSE:SET AT
// for it, and the reader runs PACE again with the MRZ password.
func TestPACEWithoutCAN(t *testing.T) {
	c := newPACECardCAN(t, cccdPACE, vchip.Faults{}, "")
	r, err := read(t, c, emrtd.Options{Access: paceThenBAC})
	if err != nil {
		t.Fatal(err)
	}
	if r.Access != cardreader.AccessPACE || r.Verification.Chip.Status != cardreader.StatusPassed {
		t.Errorf("access %s, chip %+v", r.Access, r.Verification.Chip)
	}
}

// TestPACEAPDUs pins the cost of opening with PACE: SELECT and READ of
// EF.CardAccess, MSE:SET AT and four GENERAL AUTHENTICATE, then SELECT of
// the application; BAC takes SELECT, GET CHALLENGE and EXTERNAL
// AUTHENTICATE. Chip Authentication adds MSE, GENERAL AUTHENTICATE and the
// SELECT that proves the new keys.
func TestPACEAPDUs(t *testing.T) {
	count := func(access []emrtd.Access) int {
		c := newPACECard(t, cccdPACE, vchip.Faults{})
		r, err := read(t, c, emrtd.Options{Access: access, ChipAuth: noChipAuth{}})
		if err != nil {
			t.Fatal(err)
		}
		return r.Stats.APDUs
	}
	viaPACE, viaBAC := count(paceThenBAC), count([]emrtd.Access{emrtd.BAC{}})
	if viaPACE-viaBAC != (2+5+1)-3 {
		t.Errorf("PACE read %d APDUs, BAC read %d: want PACE to cost 5 more", viaPACE, viaBAC)
	}
	c := newPACECard(t, cccdPACE, vchip.Faults{})
	r, err := read(t, c, emrtd.Options{Access: paceThenBAC})
	if err != nil {
		t.Fatal(err)
	}
	if r.Stats.APDUs-viaPACE != 3 {
		t.Errorf("chip authentication took %d APDUs, want 3", r.Stats.APDUs-viaPACE)
	}
}

// noChipAuth leaves chip authentication out, to count the rest.
type noChipAuth struct{}

func (noChipAuth) ChipAuthenticate(context.Context, *emrtd.Session, *lds.SecurityInfos) (cardreader.Check, error) {
	return cardreader.Check{Status: cardreader.StatusNotChecked}, nil
}

// TestChipAuthRemoved: a card leaving the field during chip authentication
// ends the read with the transport error, not a failed check.
func TestChipAuthRemoved(t *testing.T) {
	probe := newPACECard(t, cccdPACE, vchip.Faults{})
	r, err := read(t, probe, emrtd.Options{Access: paceThenBAC, ChipAuth: noChipAuth{}})
	if err != nil {
		t.Fatal(err)
	}
	c := newPACECard(t, cccdPACE, vchip.Faults{RemoveAfter: r.Stats.APDUs + 1})
	if _, err := read(t, c, emrtd.Options{Access: paceThenBAC}); !errors.Is(err, emrtd.ErrCardRemoved) {
		t.Errorf("err = %v, want ErrCardRemoved", err)
	}
}

func benchmarkOpen(b *testing.B, a emrtd.Access) {
	c := newPACECard(b, cccdPACE, vchip.Faults{})
	tr := iso7816.NewCardTransport(c)
	ctx := context.Background()
	var apdus int
	for b.Loop() {
		c.Reset()
		s := emrtd.NewSession(tr, 0)
		if err := a.Open(ctx, s, holderKey); err != nil {
			b.Fatal(err)
		}
		apdus = s.Stats().APDUs
	}
	b.ReportMetric(float64(apdus), "apdus/op")
}

// BenchmarkOpen compares opening the chip with PACE (brainpoolP256r1) and
// BAC. Host and virtual chip share the CPU, so ns/op counts both sides.
func BenchmarkOpen(b *testing.B) {
	b.Run("PACE", func(b *testing.B) { benchmarkOpen(b, emrtd.PACE{}) })
	b.Run("BAC", func(b *testing.B) { benchmarkOpen(b, emrtd.BAC{}) })
}

// BenchmarkReadPACECA is a full read through PACE with chip and active
// authentication against the in-process virtual chip.
func BenchmarkReadPACECA(b *testing.B) {
	for _, bc := range []struct {
		name   string
		access []emrtd.Access
	}{{"PACE+CA", paceThenBAC}, {"BAC+CA", []emrtd.Access{emrtd.BAC{}}}} {
		b.Run(bc.name, func(b *testing.B) {
			c := newPACECard(b, cccdPACE, vchip.Faults{})
			tr := iso7816.NewCardTransport(c)
			ctx := context.Background()
			var st cardreader.Stats
			for b.Loop() {
				c.Reset()
				r, err := emrtd.Read(ctx, tr, emrtd.Options{Key: holderKey, Access: bc.access})
				if err != nil {
					b.Fatal(err)
				}
				if r.Verification.Chip.Status != cardreader.StatusPassed {
					b.Fatalf("chip %+v", r.Verification.Chip)
				}
				st = r.Stats
			}
			b.ReportMetric(float64(st.APDUs), "apdus/op")
			b.ReportMetric(float64(st.Bytes), "wirebytes/op")
		})
	}
}

package bac_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"testing"

	"motcua/cardreader/bac"
	"motcua/cardreader/cccd"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/lds"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ICAO 9303 Part 11 Appendix D.2 and D.3.
const (
	icaoMRZInfo = "L898902C<369080619406236"
	icaoSeed    = "239AB9CB282DAF66231DC5A4DF6BFBAE"
	icaoRndIC   = "4608F91988702212"
	icaoRndIFD  = "781723860C06C226"
	icaoKIFD    = "0B795240CB7049B01C19B33E32804F0B"
	icaoKIC     = "0B4F80323EB3191CB04970CB4052790B"
	icaoCmdData = "72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A7"
	icaoResp    = "46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D7449"
	icaoSSC     = "887022120C06C226"
)

func TestMRZInfoICAO(t *testing.T) {
	m := bac.MRZInfo{DocumentNumber: "L898902C", DateOfBirth: "690806", DateOfExpiry: "940623"}
	if got := m.String(); got != icaoMRZInfo {
		t.Fatalf("MRZ information %q, want %q", got, icaoMRZInfo)
	}
	if got := bac.KeySeed(m.String()); !bytes.Equal(got, unhex(t, icaoSeed)) {
		t.Errorf("Kseed %X, want %s", got, icaoSeed)
	}
	kenc, kmac := bac.Keys(unhex(t, icaoSeed))
	if hex.EncodeToString(kenc) != "ab94fdecf2674fdfb9b391f85d7f76f2" || hex.EncodeToString(kmac) != "7962d9ece03d1acd4c76089dce131543" {
		t.Errorf("KEnc %X KMac %X", kenc, kmac)
	}
}

func TestNewMRZInfo(t *testing.T) {
	for _, tc := range []struct {
		name     string
		id       string
		dob, exp cccd.Date
		noExpiry bool
		want     string
	}{
		// The fictional example of docs/reference/cccd-tech.md §2.2.
		{"full dates", "079203001234", cccd.Date{Year: 2003, Month: 8, Day: 15}, cccd.Date{Year: 2028, Month: 8, Day: 15}, false, "20300123450308153280815" + "2"},
		{"year-only birth", "001185000111", cccd.Date{Year: 1985}, cccd.Date{Year: 2025, Month: 12, Day: 31}, false, "185000111" + string(lds.CheckDigit("185000111")) + "85<<<<" + string(lds.CheckDigit("85<<<<")) + "251231" + string(lds.CheckDigit("251231"))},
		{"no expiry", "001055000222", cccd.Date{Year: 1955, Month: 1, Day: 2}, cccd.Date{}, true, "055000222" + string(lds.CheckDigit("055000222")) + "550102" + string(lds.CheckDigit("550102")) + "991231" + string(lds.CheckDigit("991231"))},
	} {
		if got := bac.NewMRZInfo(tc.id, tc.dob, tc.exp, tc.noExpiry).String(); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestCheckDigit(t *testing.T) {
	for s, want := range map[string]byte{"L898902C<": '3', "690806": '1', "940623": '6', "<<<<<<": '0', "203001234": '5', "030815": '3', "280815": '2'} {
		if got := lds.CheckDigit(s); got != want {
			t.Errorf("CheckDigit(%q) = %c, want %c", s, got, want)
		}
	}
}

// replay is the ICAO chip: it answers the two BAC commands with the
// Appendix D bytes and checks the host sent the Appendix D cryptogram.
type replay struct{ t *testing.T }

func (r replay) Transmit(_ context.Context, c []byte) ([]byte, error) {
	cmd, err := iso7816.ParseCommand(c)
	if err != nil {
		r.t.Fatal(err)
	}
	switch cmd.INS {
	case bac.InsGetChallenge:
		return append(unhex(r.t, icaoRndIC), 0x90, 0x00), nil
	case bac.InsExternalAuthenticate:
		if !bytes.Equal(cmd.Data, unhex(r.t, icaoCmdData)) {
			r.t.Errorf("EXTERNAL AUTHENTICATE data\n got %X\nwant %s", cmd.Data, icaoCmdData)
			return []byte{0x69, 0x82}, nil
		}
		return append(unhex(r.t, icaoResp), 0x90, 0x00), nil
	}
	return []byte{0x6D, 0x00}, nil
}

var icaoInfo = bac.MRZInfo{DocumentNumber: "L898902C", DateOfBirth: "690806", DateOfExpiry: "940623"}

func TestAuthenticateICAO(t *testing.T) {
	rnd := bytes.NewReader(unhex(t, icaoRndIFD+icaoKIFD))
	s, err := bac.Authenticate(context.Background(), replay{t}, icaoInfo, rnd)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(s.SSC(), unhex(t, icaoSSC)) {
		t.Errorf("SSC %X, want %s", s.SSC(), icaoSSC)
	}
}

func TestCardICAO(t *testing.T) {
	c := bac.NewCard(icaoInfo)
	rnd := bytes.NewReader(unhex(t, icaoRndIC+icaoKIC))
	ch, err := c.Challenge(rnd)
	if err != nil || !bytes.Equal(ch, unhex(t, icaoRndIC)) {
		t.Fatalf("challenge %X, %v", ch, err)
	}
	resp, s, err := c.Authenticate(unhex(t, icaoCmdData), rnd)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(resp, unhex(t, icaoResp)) {
		t.Errorf("chip cryptogram\n got %X\nwant %s", resp, icaoResp)
	}
	if !bytes.Equal(s.SSC(), unhex(t, icaoSSC)) {
		t.Errorf("SSC %X, want %s", s.SSC(), icaoSSC)
	}
}

func TestCardRejects(t *testing.T) {
	rnd := bytes.NewReader(make([]byte, 64))
	c := bac.NewCard(icaoInfo)
	if _, _, err := c.Authenticate(unhex(t, icaoCmdData), rnd); !errors.Is(err, bac.ErrAuthentication) {
		t.Errorf("no challenge: %v", err)
	}
	// Right cryptogram for another challenge.
	if _, err := c.Challenge(rnd); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Authenticate(unhex(t, icaoCmdData), rnd); !errors.Is(err, bac.ErrAuthentication) {
		t.Errorf("stale cryptogram: %v", err)
	}
	// Wrong key: another document's MRZ information.
	other := bac.NewCard(bac.MRZInfo{DocumentNumber: "L898902C", DateOfBirth: "690806", DateOfExpiry: "940624"})
	if _, err := other.Challenge(bytes.NewReader(unhex(t, icaoRndIC))); err != nil {
		t.Fatal(err)
	}
	if _, _, err := other.Authenticate(unhex(t, icaoCmdData), rnd); !errors.Is(err, bac.ErrAuthentication) {
		t.Errorf("wrong key: %v", err)
	}
}

// A host with the wrong key is refused; it sees ErrAuthentication.
func TestAuthenticateWrongKey(t *testing.T) {
	card := bac.NewCard(icaoInfo)
	tr := cardFunc(func(c []byte) []byte {
		cmd, _ := iso7816.ParseCommand(c)
		switch cmd.INS {
		case bac.InsGetChallenge:
			ch, _ := card.Challenge(bytes.NewReader(make([]byte, 8)))
			return append(ch, 0x90, 0x00)
		default:
			if _, _, err := card.Authenticate(cmd.Data, bytes.NewReader(make([]byte, 16))); err != nil {
				return []byte{0x69, 0x82}
			}
			return []byte{0x90, 0x00}
		}
	})
	wrong := icaoInfo
	wrong.DateOfBirth = "690807"
	_, err := bac.Authenticate(context.Background(), tr, wrong, bytes.NewReader(make([]byte, 24)))
	if !errors.Is(err, bac.ErrAuthentication) || !errors.Is(err, iso7816.StatusSecurityNotSatisfied) {
		t.Fatalf("got %v, want ErrAuthentication with 6982", err)
	}
}

type cardFunc func([]byte) []byte

func (f cardFunc) Transmit(_ context.Context, c []byte) ([]byte, error) { return f(c), nil }

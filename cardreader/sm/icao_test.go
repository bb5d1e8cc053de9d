package sm_test

import (
	"bytes"
	"encoding/hex"
	"testing"

	"motcua/cardreader/iso7816"
	"motcua/cardreader/sm"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The worked example of ICAO 9303 Part 11 Appendix D.4: after BAC, select
// EF.COM and read it in two READ BINARY commands.
var icaoExchange = []struct {
	name      string
	plain     iso7816.Command
	protected string // the protected command APDU
	response  string // the protected response APDU
	data      string // the decrypted response data
}{
	{
		name:      "SELECT EF.COM",
		plain:     iso7816.Command{INS: 0xA4, P1: 0x02, P2: 0x0C, Data: []byte{0x01, 0x1E}},
		protected: "0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800",
		response:  "990290008E08FA855A5D4C50A8ED9000",
	},
	{
		name:      "READ BINARY 4 bytes",
		plain:     iso7816.Command{INS: 0xB0, Ne: 4},
		protected: "0CB000000D9701048E08ED6705417E96BA5500",
		response:  "8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000",
		data:      "60145F01",
	},
	{
		name:      "READ BINARY 18 bytes at 4",
		plain:     iso7816.Command{INS: 0xB0, P2: 0x04, Ne: 0x12},
		protected: "0CB000040D9701128E082EA28A70F3C7B53500",
		response:  "871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D749000",
		data:      "04303130365F36063034303030305C026175",
	},
}

const (
	icaoKSenc = "979EC13B1CBFE9DCD01AB0FED307EAE5"
	icaoKSmac = "F1CB1F1FB5ADF208806B89DC579DC1F8"
	icaoSSC   = "887022120C06C226"
)

func icaoSession(t testing.TB) *sm.Session {
	s, err := sm.New(sm.TDES, unhex(t, icaoKSenc), unhex(t, icaoKSmac), unhex(t, icaoSSC))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestICAOHostSide(t *testing.T) {
	s := icaoSession(t)
	for _, tc := range icaoExchange {
		cmd, err := s.WrapCommand(tc.plain)
		if err != nil {
			t.Fatalf("%s: wrap: %v", tc.name, err)
		}
		if got := hex.EncodeToString(cmd.Bytes()); !bytes.Equal(cmd.Bytes(), unhex(t, tc.protected)) {
			t.Errorf("%s: protected command\n got %s\nwant %s", tc.name, got, tc.protected)
		}
		r, err := s.UnwrapResponse(unhex(t, tc.response))
		if err != nil {
			t.Fatalf("%s: unwrap: %v", tc.name, err)
		}
		if r.Status != iso7816.StatusOK || !bytes.Equal(r.Data, unhex(t, tc.data)) {
			t.Errorf("%s: response %v %X, want 9000 %s", tc.name, r.Status, r.Data, tc.data)
		}
	}
	if got, want := s.SSC(), unhex(t, "887022120C06C22C"); !bytes.Equal(got, want) {
		t.Errorf("final SSC %X, want %X", got, want)
	}
}

func TestICAOCardSide(t *testing.T) {
	s := icaoSession(t)
	for _, tc := range icaoExchange {
		raw, err := iso7816.ParseCommand(unhex(t, tc.protected))
		if err != nil {
			t.Fatal(err)
		}
		cmd, err := s.UnwrapCommand(raw)
		if err != nil {
			t.Fatalf("%s: unwrap command: %v", tc.name, err)
		}
		if !bytes.Equal(cmd.Bytes(), tc.plain.Bytes()) {
			t.Errorf("%s: command %X, want %X", tc.name, cmd.Bytes(), tc.plain.Bytes())
		}
		resp := s.WrapResponse(iso7816.Response{Data: unhex(t, tc.data), Status: iso7816.StatusOK})
		if !bytes.Equal(resp, unhex(t, tc.response)) {
			t.Errorf("%s: response\n got %X\nwant %s", tc.name, resp, tc.response)
		}
	}
}

// Appendix D.2/D.3: the BAC keys from the MRZ information and the session
// keys from K.IFD xor K.IC.
func TestDeriveKeyICAO(t *testing.T) {
	for _, tc := range []struct {
		name, seed string
		counter    uint32
		want       string
	}{
		{"KEnc", "239AB9CB282DAF66231DC5A4DF6BFBAE", sm.CounterEnc, "AB94FDECF2674FDFB9B391F85D7F76F2"},
		{"KMac", "239AB9CB282DAF66231DC5A4DF6BFBAE", sm.CounterMAC, "7962D9ECE03D1ACD4C76089DCE131543"},
		{"KSenc", "0036D272F5C350ACAC50C3F572D23600", sm.CounterEnc, icaoKSenc},
		{"KSmac", "0036D272F5C350ACAC50C3F572D23600", sm.CounterMAC, icaoKSmac},
	} {
		if got := sm.DeriveKey(unhex(t, tc.seed), tc.counter, sm.TDES); !bytes.Equal(got, unhex(t, tc.want)) {
			t.Errorf("%s = %X, want %s", tc.name, got, tc.want)
		}
	}
}

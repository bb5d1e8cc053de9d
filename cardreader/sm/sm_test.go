package sm_test

import (
	"bytes"
	"errors"
	"testing"

	"motcua/cardreader/iso7816"
	"motcua/cardreader/sm"
)

// pair returns a host and a card session that share keys and SSC.
func pair(t testing.TB, alg sm.Algorithm) (host, card *sm.Session) {
	t.Helper()
	kenc := bytes.Repeat([]byte{0x11}, alg.KeySize())
	kmac := bytes.Repeat([]byte{0x22}, alg.KeySize())
	ssc := make([]byte, alg.BlockSize())
	ssc[len(ssc)-1] = 0xFE // so the first increments carry
	var err error
	if host, err = sm.New(alg, kenc, kmac, ssc); err != nil {
		t.Fatal(err)
	}
	if card, err = sm.New(alg, kenc, kmac, ssc); err != nil {
		t.Fatal(err)
	}
	return host, card
}

func TestRoundTrip(t *testing.T) {
	big := bytes.Repeat([]byte{0xA5}, 1000)
	cmds := []struct {
		cmd  iso7816.Command
		resp iso7816.Response
	}{
		{iso7816.Command{INS: 0xA4, P1: 2, P2: 0x0C, Data: []byte{1, 0x1E}}, iso7816.Response{Status: iso7816.StatusOK}},
		{iso7816.Command{INS: 0xB0, P1: 0x01, P2: 0x02, Ne: 256}, iso7816.Response{Data: big[:256], Status: iso7816.StatusOK}},
		{iso7816.Command{INS: 0xB0, Ne: 1000}, iso7816.Response{Data: big, Status: iso7816.StatusOK}},
		{iso7816.Command{INS: 0xB1, Data: []byte{0x54, 0x02, 0x80, 0x00}, Ne: 7}, iso7816.Response{Data: []byte{0x53, 0x05, 1, 2, 3, 4, 5}, Status: iso7816.StatusOK}},
		{iso7816.Command{INS: 0x88, Data: big[:8], Ne: 256}, iso7816.Response{Data: big[:128], Status: iso7816.StatusOK}},
		{iso7816.Command{INS: 0xA4, P1: 2, P2: 0x0C, Data: []byte{1, 3}}, iso7816.Response{Status: iso7816.StatusSecurityNotSatisfied}},
		{iso7816.Command{INS: 0xB0, Ne: 65536}, iso7816.Response{Data: big[:15], Status: iso7816.StatusEndOfFileWarning}},
		{iso7816.Command{INS: 0xD6, Data: big[:300]}, iso7816.Response{Status: iso7816.StatusOK}},
	}
	for _, alg := range []sm.Algorithm{sm.TDES, sm.AES128, sm.AES192, sm.AES256} {
		host, card := pair(t, alg)
		for i, tc := range cmds {
			p, err := host.WrapCommand(tc.cmd)
			if err != nil {
				t.Fatal(err)
			}
			if p.CLA != 0x0C || (tc.cmd.Extended() && !p.Extended()) {
				t.Errorf("%v #%d: protected CLA %02X extended %v", alg, i, p.CLA, p.Extended())
			}
			parsed, err := iso7816.ParseCommand(p.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			got, err := card.UnwrapCommand(parsed)
			if err != nil {
				t.Fatalf("%v #%d: unwrap command: %v", alg, i, err)
			}
			if !bytes.Equal(got.Bytes(), tc.cmd.Bytes()) {
				t.Errorf("%v #%d: command %X, want %X", alg, i, got.Bytes(), tc.cmd.Bytes())
			}
			r, err := host.UnwrapResponse(card.WrapResponse(tc.resp))
			if err != nil {
				t.Fatalf("%v #%d: unwrap response: %v", alg, i, err)
			}
			if r.Status != tc.resp.Status || !bytes.Equal(r.Data, tc.resp.Data) {
				t.Errorf("%v #%d: response %v %X, want %v", alg, i, r.Status, r.Data, tc.resp.Status)
			}
		}
		if !bytes.Equal(host.SSC(), card.SSC()) {
			t.Errorf("%v: SSCs diverged: host %X card %X", alg, host.SSC(), card.SSC())
		}
	}
}

func TestTampering(t *testing.T) {
	for _, alg := range []sm.Algorithm{sm.TDES, sm.AES128} {
		cmd := iso7816.Command{INS: 0xB0, Ne: 16}
		resp := iso7816.Response{Data: bytes.Repeat([]byte{7}, 16), Status: iso7816.StatusOK}
		for _, tc := range []struct {
			name   string
			mangle func(host, card *sm.Session, raw []byte) []byte
			want   error
		}{
			{"MAC bit flipped", func(_, _ *sm.Session, raw []byte) []byte { raw[len(raw)-3] ^= 1; return raw }, sm.ErrMAC},
			{"data bit flipped", func(_, _ *sm.Session, raw []byte) []byte { raw[5] ^= 0x80; return raw }, sm.ErrMAC},
			{"status changed", func(_, _ *sm.Session, raw []byte) []byte {
				i := bytes.Index(raw, []byte{0x99, 0x02})
				raw[i+3] = 0x01
				return raw
			}, sm.ErrMAC},
			{"card skipped an SSC", func(_, card *sm.Session, _ []byte) []byte {
				card.IncrementSSC()
				return card.WrapResponse(resp)
			}, sm.ErrMAC},
			{"plain success", func(_, _ *sm.Session, _ []byte) []byte { return []byte{0x90, 0x00} }, sm.ErrMissingObjects},
			{"no MAC", func(_, _ *sm.Session, raw []byte) []byte {
				i := bytes.Index(raw, []byte{0x8E, 0x08})
				return append(raw[:i:i], 0x90, 0x00)
			}, sm.ErrMissingObjects},
			{"unknown object", func(_, _ *sm.Session, raw []byte) []byte { return append([]byte{0x42, 0x00}, raw...) }, sm.ErrMalformed},
		} {
			host, card := pair(t, alg)
			p, _ := host.WrapCommand(cmd)
			if _, err := card.UnwrapCommand(p); err != nil {
				t.Fatal(err)
			}
			raw := tc.mangle(host, card, card.WrapResponse(resp))
			_, err := host.UnwrapResponse(raw)
			if !errors.Is(err, tc.want) || !errors.Is(err, sm.ErrSecureMessaging) {
				t.Errorf("%v %s: got %v, want %v", alg, tc.name, err, tc.want)
			}
		}
	}
}

func TestCardRejectsCommands(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mangle func(c iso7816.Command) iso7816.Command
		want   error
	}{
		{"MAC flipped", func(c iso7816.Command) iso7816.Command { c.Data[len(c.Data)-1] ^= 1; return c }, sm.ErrMAC},
		{"header changed", func(c iso7816.Command) iso7816.Command { c.P2 ^= 1; return c }, sm.ErrMAC},
		{"plain CLA", func(c iso7816.Command) iso7816.Command { c.CLA = 0; return c }, sm.ErrNotProtected},
		{"MAC missing", func(c iso7816.Command) iso7816.Command { c.Data = c.Data[:len(c.Data)-10]; return c }, sm.ErrMissingObjects},
		{"garbage", func(c iso7816.Command) iso7816.Command { c.Data = []byte{0x87, 0x7F}; return c }, sm.ErrMalformed},
	} {
		host, card := pair(t, sm.TDES)
		p, _ := host.WrapCommand(iso7816.Command{INS: 0xA4, P1: 2, P2: 0x0C, Data: []byte{1, 0x1E}})
		if _, err := card.UnwrapCommand(tc.mangle(p)); !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
	}
	// A replayed command: the card's counter has moved on.
	host, card := pair(t, sm.TDES)
	p, _ := host.WrapCommand(iso7816.Command{INS: 0xB0, Ne: 4})
	if _, err := card.UnwrapCommand(p); err != nil {
		t.Fatal(err)
	}
	card.WrapResponse(iso7816.Response{Status: iso7816.StatusOK})
	if _, err := card.UnwrapCommand(p); !errors.Is(err, sm.ErrMAC) {
		t.Errorf("replay: got %v, want ErrMAC", err)
	}
}

func TestPlainErrorStatusPassesThrough(t *testing.T) {
	host, _ := pair(t, sm.TDES)
	r, err := host.UnwrapResponse([]byte{0x69, 0x88})
	if err != nil || r.Status != iso7816.StatusSMDataObjectsIncorrect {
		t.Fatalf("got %v %v", r.Status, err)
	}
}

func TestPad(t *testing.T) {
	for _, tc := range []struct{ in, want []byte }{
		{nil, []byte{0x80, 0, 0, 0, 0, 0, 0, 0}},
		{[]byte{1, 2, 3, 4, 5, 6, 7}, []byte{1, 2, 3, 4, 5, 6, 7, 0x80}},
		{[]byte{1, 2, 3, 4, 5, 6, 7, 8}, []byte{1, 2, 3, 4, 5, 6, 7, 8, 0x80, 0, 0, 0, 0, 0, 0, 0}},
	} {
		got := sm.Pad(append([]byte(nil), tc.in...), 8)
		if !bytes.Equal(got, tc.want) {
			t.Errorf("Pad(%X) = %X", tc.in, got)
		}
		back, ok := sm.Unpad(got)
		if !ok || !bytes.Equal(back, tc.in) {
			t.Errorf("Unpad(%X) = %X, %v", got, back, ok)
		}
	}
	if _, ok := sm.Unpad([]byte{1, 2, 0}); ok {
		t.Error("Unpad accepted data with no 80 marker")
	}
}

func TestDeriveKeySizes(t *testing.T) {
	for _, alg := range []sm.Algorithm{sm.TDES, sm.AES128, sm.AES192, sm.AES256} {
		if k := sm.DeriveKey([]byte("seed"), sm.CounterPACE, alg); len(k) != alg.KeySize() {
			t.Errorf("%v: key of %d bytes", alg, len(k))
		}
	}
	if _, err := sm.New(sm.TDES, make([]byte, 16), make([]byte, 16), make([]byte, 16)); !errors.Is(err, sm.ErrKey) {
		t.Errorf("16-byte SSC for 3DES accepted: %v", err)
	}
}

func FuzzUnwrapResponse(f *testing.F) {
	f.Add(unhex(f, "8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000"))
	f.Add(unhex(f, "990290008E08FA855A5D4C50A8ED9000"))
	f.Add([]byte{0x69, 0x88})
	f.Add([]byte{0x87, 0x82, 0xFF, 0xFF, 0x01})
	f.Fuzz(func(t *testing.T, raw []byte) {
		for _, alg := range []sm.Algorithm{sm.TDES, sm.AES128} {
			host, _ := pair(t, alg)
			r, err := host.UnwrapResponse(raw)
			if err == nil && len(r.Data) > 0 && len(raw) < 16 {
				t.Fatalf("data from %d bytes without a MAC", len(raw))
			}
		}
	})
}

func FuzzUnwrapCommand(f *testing.F) {
	f.Add(unhex(f, "0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800"))
	f.Add(unhex(f, "0CB000000D9701048E08ED6705417E96BA5500"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		cmd, err := iso7816.ParseCommand(raw)
		if err != nil {
			return
		}
		_, card := pair(t, sm.TDES)
		card.UnwrapCommand(cmd)
	})
}

func BenchmarkReadBinaryRoundTrip(b *testing.B) {
	for _, alg := range []sm.Algorithm{sm.TDES, sm.AES128} {
		b.Run(alg.String(), func(b *testing.B) {
			host, card := pair(b, alg)
			data := bytes.Repeat([]byte{1}, 256)
			b.SetBytes(256)
			b.ReportAllocs()
			for b.Loop() {
				p, _ := host.WrapCommand(iso7816.Command{INS: 0xB0, Ne: 256})
				card.UnwrapCommand(p)
				host.UnwrapResponse(card.WrapResponse(iso7816.Response{Data: data, Status: iso7816.StatusOK}))
			}
		})
	}
}

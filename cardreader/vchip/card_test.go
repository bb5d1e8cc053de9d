package vchip_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"motcua/cardreader/bac"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/sm"
	"motcua/cardreader/vchip"
)

var mrz = bac.MRZInfo{DocumentNumber: "203001234", DateOfBirth: "030815", DateOfExpiry: "280815"}

func testCard(f vchip.Faults) *vchip.Card {
	return vchip.New(vchip.Config{
		Files: map[uint16][]byte{
			vchip.FIDCardAccess: {0x31, 0x00},
			vchip.FIDCOM:        {0x60, 0x03, 0x5C, 0x01, 0x61},
			vchip.FIDDG1:        append([]byte{0x61, 0x81, 0x90}, bytes.Repeat([]byte{'<'}, 0x90)...),
			vchip.FIDDG3:        {0x63, 0x00},
		},
		MRZ:    mrz,
		Faults: f,
	})
}

// host drives a card APDU by APDU.
type host struct {
	t  *testing.T
	c  *vchip.Card
	sm *sm.Session
}

func (h *host) raw(cmd iso7816.Command) iso7816.Response {
	h.t.Helper()
	out, err := h.c.Process(cmd.Bytes())
	if err != nil {
		h.t.Fatal(err)
	}
	r, err := iso7816.ParseResponse(out)
	if err != nil {
		h.t.Fatal(err)
	}
	return r
}

func (h *host) secure(cmd iso7816.Command) (iso7816.Response, error) {
	h.t.Helper()
	p, err := h.sm.WrapCommand(cmd)
	if err != nil {
		h.t.Fatal(err)
	}
	out, err := h.c.Process(p.Bytes())
	if err != nil {
		return iso7816.Response{}, err
	}
	return h.sm.UnwrapResponse(out)
}

func (h *host) open() {
	h.t.Helper()
	if r := h.raw(selectAID); r.Status != iso7816.StatusOK {
		h.t.Fatalf("select AID: %v", r.Status)
	}
	s, err := bac.Authenticate(context.Background(), iso7816.NewCardTransport(h.c), mrz, bytes.NewReader(make([]byte, 24)))
	if err != nil {
		h.t.Fatal(err)
	}
	h.sm = s
}

var selectAID = iso7816.Command{INS: 0xA4, P1: 4, P2: 0x0C, Data: vchip.AID}

func selectEF(fid uint16) iso7816.Command {
	return iso7816.Command{INS: 0xA4, P1: 2, P2: 0x0C, Data: []byte{byte(fid >> 8), byte(fid)}}
}

func TestAccessControl(t *testing.T) {
	h := &host{t: t, c: testCard(vchip.Faults{})}
	for _, tc := range []struct {
		name string
		cmd  iso7816.Command
		want iso7816.Status
	}{
		{"EF.CardAccess needs no access", selectEF(vchip.FIDCardAccess), iso7816.StatusOK},
		{"read it in plain", iso7816.Command{INS: 0xB0, Ne: 256}, iso7816.StatusEndOfFileWarning},
		{"DG1 outside the application", selectEF(vchip.FIDDG1), iso7816.StatusFileNotFound},
		{"unknown AID", iso7816.Command{INS: 0xA4, P1: 4, P2: 0x0C, Data: []byte{0xA0, 0, 0, 0, 0x63}}, iso7816.StatusFileNotFound},
		{"eMRTD AID", selectAID, iso7816.StatusOK},
		{"DG1 before BAC", selectEF(vchip.FIDDG1), iso7816.StatusSecurityNotSatisfied},
		{"READ BINARY by SFI before BAC", iso7816.Command{INS: 0xB0, P1: 0x81, Ne: 4}, iso7816.StatusSecurityNotSatisfied},
		{"absent file", selectEF(0x0105), iso7816.StatusFileNotFound},
		{"EXTERNAL AUTHENTICATE without a challenge", iso7816.Command{INS: 0x82, Data: make([]byte, 40), Ne: 40}, iso7816.StatusSecurityNotSatisfied},
		{"GET CHALLENGE with a wrong Le", iso7816.Command{INS: 0x84, Ne: 16}, iso7816.StatusWrongLength},
		{"extended length not supported", iso7816.Command{INS: 0xB0, Ne: 1000}, iso7816.StatusWrongLength},
		{"unknown INS", iso7816.Command{INS: 0x20}, iso7816.StatusINSNotSupported},
		{"unknown CLA", iso7816.Command{CLA: 0x80, INS: 0xB0, Ne: 1}, iso7816.StatusCLANotSupported},
		{"protected without a session", iso7816.Command{CLA: 0x0C, INS: 0xB0, Data: []byte{0x8E, 0}}, iso7816.StatusSMDataObjectsMissing},
	} {
		if r := h.raw(tc.cmd); r.Status != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, r.Status, tc.want)
		}
	}
}

func TestSecureSession(t *testing.T) {
	h := &host{t: t, c: testCard(vchip.Faults{})}
	h.open()
	for _, tc := range []struct {
		name string
		cmd  iso7816.Command
		want iso7816.Status
		data int
	}{
		{"select DG1", selectEF(vchip.FIDDG1), iso7816.StatusOK, 0},
		{"read 256 of 147", iso7816.Command{INS: 0xB0, Ne: 256}, iso7816.StatusEndOfFileWarning, 147},
		{"read at 100", iso7816.Command{INS: 0xB0, P2: 100, Ne: 47}, iso7816.StatusOK, 47},
		{"offset beyond the end", iso7816.Command{INS: 0xB0, P2: 200, Ne: 1}, iso7816.StatusWrongP1P2, 0},
		{"read EF.COM by SFI", iso7816.Command{INS: 0xB0, P1: 0x9E, Ne: 5}, iso7816.StatusOK, 5},
		{"DG3 needs EAC", selectEF(vchip.FIDDG3), iso7816.StatusSecurityNotSatisfied, 0},
		{"no AA key", iso7816.Command{INS: 0x88, Data: make([]byte, 8), Ne: 256}, iso7816.StatusINSNotSupported, 0},
		{"no BAC inside SM", iso7816.Command{INS: 0x82, Data: make([]byte, 40), Ne: 40}, iso7816.StatusConditionsNotSatisfied, 0},
	} {
		r, err := h.secure(tc.cmd)
		if err != nil || r.Status != tc.want || len(r.Data) != tc.data {
			t.Errorf("%s: %v %d bytes %v, want %v %d bytes", tc.name, r.Status, len(r.Data), err, tc.want, tc.data)
		}
	}
}

func TestSMErrorsEndTheSession(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mangle func(h *host) []byte
		want   iso7816.Status
	}{
		{"bad MAC", func(h *host) []byte {
			p, _ := h.sm.WrapCommand(selectEF(vchip.FIDDG1))
			b := p.Bytes()
			b[len(b)-2] ^= 1
			return b
		}, iso7816.StatusSMDataObjectsIncorrect},
		{"wrong SSC", func(h *host) []byte {
			h.sm.IncrementSSC()
			p, _ := h.sm.WrapCommand(selectEF(vchip.FIDDG1))
			return p.Bytes()
		}, iso7816.StatusSMDataObjectsIncorrect},
		{"no MAC", func(h *host) []byte {
			return iso7816.Command{CLA: 0x0C, INS: 0xA4, P1: 2, P2: 0x0C, Data: []byte{0x97, 0x01, 0x00}, Ne: 256}.Bytes()
		}, iso7816.StatusSMDataObjectsMissing},
		{"plain command", func(h *host) []byte { return selectEF(vchip.FIDDG1).Bytes() }, iso7816.StatusSecurityNotSatisfied},
	} {
		h := &host{t: t, c: testCard(vchip.Faults{})}
		h.open()
		out, err := h.c.Process(tc.mangle(h))
		if err != nil {
			t.Fatal(err)
		}
		if r, _ := iso7816.ParseResponse(out); r.Status != tc.want || len(r.Data) != 0 {
			t.Errorf("%s: %X, want plain %v", tc.name, out, tc.want)
		}
		// The session is gone: a correct protected command is refused.
		h2 := &host{t: t, c: h.c, sm: h.sm}
		if _, err := h2.secure(selectEF(vchip.FIDDG1)); err != nil {
			t.Errorf("%s: after: %v", tc.name, err)
		}
		p, _ := h.sm.WrapCommand(selectEF(vchip.FIDCOM))
		out, _ = h.c.Process(p.Bytes())
		if !bytes.Equal(out, []byte{0x69, 0x87}) {
			t.Errorf("%s: session still open: %X", tc.name, out)
		}
	}
}

func TestRemoveAndInsert(t *testing.T) {
	c := testCard(vchip.Faults{RemoveAfter: 2})
	h := &host{t: t, c: c}
	h.raw(selectAID)
	h.raw(selectAID)
	for range 2 {
		if _, err := c.Process(selectAID.Bytes()); !errors.Is(err, iso7816.ErrCardRemoved) {
			t.Fatalf("got %v, want ErrCardRemoved", err)
		}
	}
	c.Insert()
	if r := h.raw(selectAID); r.Status != iso7816.StatusOK {
		t.Errorf("after Insert: %v", r.Status)
	}
}

// TransientAt fires once per placement of the card: the Nth APDU after it
// is placed fails, no later one does (a Reset within the placement keeps
// the count), and Insert, a new placement, loses the Nth APDU again.
func TestTransientOncePerPlacement(t *testing.T) {
	c := testCard(vchip.Faults{TransientAt: 2})
	lost := func() []int {
		var out []int
		for n := 1; n <= 5; n++ {
			if n == 3 {
				c.Reset()
			}
			if _, err := c.Process(selectAID.Bytes()); errors.Is(err, iso7816.ErrTransient) {
				out = append(out, n)
			} else if err != nil {
				t.Fatalf("APDU %d: %v", n, err)
			}
		}
		return out
	}
	if got := lost(); !slices.Equal(got, []int{2}) {
		t.Errorf("first placement lost APDUs %v, want [2]", got)
	}
	if got := lost(); len(got) != 0 {
		t.Errorf("same placement lost APDUs %v again", got)
	}
	c.Insert()
	if got := lost(); !slices.Equal(got, []int{2}) {
		t.Errorf("after Insert lost APDUs %v, want [2]", got)
	}
}

func TestDelay(t *testing.T) {
	var slept time.Duration
	c := vchip.New(vchip.Config{MRZ: mrz, Faults: vchip.Faults{Delay: vchip.Duration(20 * time.Millisecond)},
		Sleep: func(d time.Duration) { slept += d }})
	for range 3 {
		c.Process(selectAID.Bytes())
	}
	if slept != 60*time.Millisecond {
		t.Errorf("slept %v, want 60ms", slept)
	}
}

func TestFaultsJSON(t *testing.T) {
	in := `{"removeAfterApdus": 12, "wrongMacAt": 3, "wrongSscAt": 4, "delay": "20ms",
		"status": [{"file": "010D", "ins": "B0", "status": "6982"}, {"status": "6A82", "times": 2}],
		"wrongLengthAbove": 200, "correctLeAbove": 128, "clonedChip": true}`
	var f vchip.Faults
	if err := json.Unmarshal([]byte(in), &f); err != nil {
		t.Fatal(err)
	}
	want := vchip.Faults{RemoveAfter: 12, WrongMACAt: 3, WrongSSCAt: 4, Delay: vchip.Duration(20 * time.Millisecond),
		Status:           []vchip.StatusFault{{File: 0x010D, INS: 0xB0, Status: 0x6982}, {Status: 0x6A82, Times: 2}},
		WrongLengthAbove: 200, CorrectLeAbove: 128, ClonedChip: true}
	if !reflect.DeepEqual(f, want) {
		t.Fatalf("decoded %+v\nwant %+v", f, want)
	}
	out, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var back vchip.Faults
	if err := json.Unmarshal(out, &back); err != nil || !reflect.DeepEqual(back, want) {
		t.Errorf("round trip %s: %+v %v", out, back, err)
	}
	for _, bad := range []string{`{"status":[{"status":"69"}]}`, `{"status":[{"status":"6982","file":"XYZ"}]}`, `{"delay":"soon"}`} {
		if err := json.Unmarshal([]byte(bad), &f); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestATR(t *testing.T) {
	for _, ext := range []bool{false, true} {
		atr := vchip.New(vchip.Config{ExtendedLength: ext}).ATR()
		if atr[0] != 0x3B || len(atr) != 10 {
			t.Errorf("ATR %X", atr)
		}
		var x byte
		for _, b := range atr[1:] {
			x ^= b
		}
		if x != 0 {
			t.Errorf("ATR %X: bad TCK", atr)
		}
		if got := atr[8]&0x40 != 0; got != ext {
			t.Errorf("ATR %X: extended length %v, want %v", atr, got, ext)
		}
	}
}

// FuzzProcess feeds arbitrary APDUs to a chip in each state: it must
// answer with a status word, never panic.
func FuzzProcess(f *testing.F) {
	f.Add(selectAID.Bytes(), false)
	f.Add([]byte{0x0C, 0xB0, 0, 0, 0x0D, 0x97, 0x01, 0x00, 0x8E, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0}, true)
	f.Add([]byte{0x00, 0xB0, 0x9E, 0x00, 0x00, 0x00, 0x00}, true)
	f.Add([]byte{0x00, 0x82, 0x00, 0x00, 0x28}, false)
	f.Fuzz(func(t *testing.T, apdu []byte, open bool) {
		h := &host{t: t, c: testCard(vchip.Faults{})}
		if open {
			h.open()
		}
		out, err := h.c.Process(apdu)
		if err != nil || len(out) < 2 {
			t.Fatalf("%X -> %X, %v", apdu, out, err)
		}
	})
}

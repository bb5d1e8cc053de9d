package emrtd_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"motcua/cardreader"
	"motcua/cardreader/emrtd"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/lds"
	"motcua/cardreader/vchip"
)

// Hostile or broken files: each gives a precise *FileError.
func TestMalformedFiles(t *testing.T) {
	dg13 := func(t *testing.T) []byte { b, _ := newCard(t, vchip.Faults{}).File(lds.FIDDG13); return b }
	for _, tc := range []struct {
		name string
		file func(t *testing.T) []byte
		want error
	}{
		{"truncated", func(t *testing.T) []byte { b := dg13(t); return b[:len(b)-10] }, emrtd.ErrTruncatedFile},
		{"length field too long by one", func(t *testing.T) []byte {
			b := bytes.Clone(dg13(t))
			b[3]++ // 6D 82 HH LL
			return b
		}, emrtd.ErrTruncatedFile},
		{"oversize length", func(*testing.T) []byte { return []byte{0x6D, 0x83, 0xFF, 0xFF, 0xFF, 0x30} }, emrtd.ErrFileTooLarge},
		{"five-byte length", func(*testing.T) []byte { return []byte{0x6D, 0x84, 0, 0, 0, 1, 0x30} }, emrtd.ErrFileTooLarge},
		{"indefinite length", func(*testing.T) []byte { return []byte{0x6D, 0x80, 0x30, 0x00, 0x00, 0x00} }, emrtd.ErrMalformedFile},
		{"empty file", func(*testing.T) []byte { return []byte{} }, emrtd.ErrTruncatedFile},
		{"not DG13 inside", func(*testing.T) []byte { return []byte{0x6D, 0x03, 0x02, 0x01, 0x01} }, emrtd.ErrMalformedFile},
		{"header cut short", func(*testing.T) []byte { return []byte{0x6D, 0x82, 0x01} }, emrtd.ErrMalformedFile},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := newCard(t, vchip.Faults{}).Config()
			cfg.Files = files(t, rsaKey)
			cfg.Files[lds.FIDDG13] = tc.file(t)
			_, err := read(t, vchip.New(cfg), emrtd.Options{})
			var fe *emrtd.FileError
			if !errors.Is(err, tc.want) || !errors.As(err, &fe) || fe.Name != "DG13" {
				t.Errorf("got %v, want DG13 %v", err, tc.want)
			}
		})
	}
}

func TestExtendedLength(t *testing.T) {
	cfg := newCard(t, vchip.Faults{}).Config()
	cfg.ExtendedLength = true
	c := vchip.New(cfg)
	tr := atrTransport{iso7816.NewCardTransport(c), c.ATR()}
	r, err := emrtd.Read(context.Background(), tr, emrtd.Options{Key: holderKey, MaxLe: emrtd.AutoLe})
	if err != nil {
		t.Fatal(err)
	}
	if want := minAPDUs(c, emrtd.MaxExtendedLe); r.Stats.APDUs != want || r.Verification.Active.Status != cardreader.StatusPassed {
		t.Errorf("%d APDUs, want %d; %+v", r.Stats.APDUs, want, r.Verification.Active)
	}
	// A card without extended length refuses it: the reader falls back.
	c = newCard(t, vchip.Faults{})
	r, err = emrtd.Read(context.Background(), iso7816.NewCardTransport(c), emrtd.Options{Key: holderKey, MaxLe: 4096})
	if err != nil {
		t.Fatal(err)
	}
	if r.Citizen.ID != holder.ID {
		t.Error("incomplete reading after extended length fallback")
	}
}

type atrTransport struct {
	iso7816.Transport
	atr []byte
}

func (a atrTransport) ATR() []byte { return a.atr }

func TestExtendedLengthFromATR(t *testing.T) {
	for _, tc := range []struct {
		atr  []byte
		want bool
	}{
		{vchip.New(vchip.Config{ExtendedLength: true}).ATR(), true},
		{vchip.New(vchip.Config{}).ATR(), false},
		{[]byte{0x3B}, false},
		{[]byte{0x3B, 0x8F, 0x80, 0x01}, false},
		{nil, false},
	} {
		if got := emrtd.ExtendedLengthFromATR(tc.atr); got != tc.want {
			t.Errorf("%X: %v, want %v", tc.atr, got, tc.want)
		}
	}
}

func TestKeyHidesItself(t *testing.T) {
	for _, s := range []string{holderKey.String(), holderKey.GoString()} {
		if bytes.Contains([]byte(s), []byte("203001234")) {
			t.Errorf("key prints its document number: %s", s)
		}
	}
}

// hostile answers the host with whatever the fuzzer made, after a real
// chip's answers for the first skip APDUs (so the fuzzer reaches secure
// messaging and file reading).
type hostile struct {
	c    iso7816.Transport
	skip int
	data []byte
}

func (h *hostile) Transmit(ctx context.Context, cmd []byte) ([]byte, error) {
	if h.skip > 0 {
		h.skip--
		return h.c.Transmit(ctx, cmd)
	}
	if len(h.data) == 0 {
		return nil, iso7816.ErrCardRemoved
	}
	n := int(h.data[0])
	h.data = h.data[1:]
	n = min(n, len(h.data))
	out := h.data[:n]
	h.data = h.data[n:]
	return out, nil
}

func FuzzReadHostileCard(f *testing.F) {
	f.Add(uint8(0), []byte{2, 0x90, 0x00, 10, 0x46, 0x08, 0xF9, 0x19, 0x88, 0x70, 0x22, 0x12, 0x90, 0x00})
	f.Add(uint8(3), []byte{2, 0x69, 0x88})
	f.Add(uint8(5), []byte{16, 0x99, 0x02, 0x90, 0x00, 0x8E, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x90, 0x00})
	f.Add(uint8(30), []byte{2, 0x6C, 0x10, 2, 0x67, 0x00})
	f.Fuzz(func(t *testing.T, skip uint8, data []byte) {
		c := newCard(t, vchip.Faults{})
		h := &hostile{c: iso7816.NewCardTransport(c), skip: int(skip % 64), data: data}
		r, err := emrtd.Read(context.Background(), h, emrtd.Options{Key: holderKey})
		if err == nil && r == nil {
			t.Fatal("nil Reading without an error")
		}
	})
}

// A DG2 beyond 32767 bytes is read on with READ BINARY B1, in as few
// APDUs as the Le allows.
func TestLargeFile(t *testing.T) {
	img := make([]byte, 50000)
	for i := range img {
		img[i] = byte(i*31 + i>>8)
	}
	copy(img, []byte{0xFF, 0xD8, 0xFF, 0xE0})
	for _, tc := range []struct {
		name  string
		ext   bool
		maxLe int
	}{
		{"short", false, 256},
		{"Le 223", false, 223},
		{"extended", true, emrtd.MaxExtendedLe},
		{"extended 4096", true, 4096},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := newCard(t, vchip.Faults{}).Config()
			cfg.Files = files(t, rsaKey)
			cfg.Files[lds.FIDDG2] = lds.EncodeDG2(img, 480, 640)
			cfg.ExtendedLength = tc.ext
			c := vchip.New(cfg)
			r, err := read(t, c, emrtd.Options{MaxLe: tc.maxLe})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(r.Photo.Data, img) || r.Photo.Width != 480 {
				t.Errorf("photo of %d bytes, %dx%d", len(r.Photo.Data), r.Photo.Width, r.Photo.Height)
			}
			// B1 chunks carry a 3- or 4-byte DO'53' header: allow for it.
			dg2, _ := c.File(lds.FIDDG2)
			extra := 0
			if len(dg2) > 0x7FFF && tc.maxLe < len(dg2) {
				extra = (len(dg2)-0x7FFF)/(tc.maxLe-4) + 1 - (len(dg2)-0x7FFF)/tc.maxLe
			}
			if min := minAPDUs(c, tc.maxLe); r.Stats.APDUs < min || r.Stats.APDUs > min+extra+1 {
				t.Errorf("%d APDUs, minimum %d (+%d for B1 headers)", r.Stats.APDUs, min, extra)
			}
		})
	}
}

// A chip that answers 6700 in plain under secure messaging has ended the
// session: ReadFiles without a way to open the card again stops with
// ErrSecureMessaging (never goes on with out-of-step counters), and Read,
// which can, opens it again and reads whole with short APDUs.
func TestExtendedLengthNeverDesynchronises(t *testing.T) {
	c := newCard(t, vchip.Faults{ATRClaimsExtended: true})
	tr := atrTransport{iso7816.NewCardTransport(c), c.ATR()}
	s := emrtd.NewSession(tr, emrtd.MaxExtendedLe)
	if err := (emrtd.BAC{}).Open(context.Background(), s, holderKey); err != nil {
		t.Fatal(err)
	}
	if _, err := emrtd.ReadFiles(context.Background(), s); !errors.Is(err, emrtd.ErrSecureMessaging) {
		t.Fatalf("ReadFiles after the chip ended secure messaging: %v, want ErrSecureMessaging", err)
	}
	c.Insert()
	r, err := emrtd.Read(context.Background(), tr, emrtd.Options{Key: holderKey, MaxLe: emrtd.AutoLe})
	if err != nil {
		t.Fatal(err)
	}
	if r.Citizen.ID != holder.ID || r.Verification.Active.Status != cardreader.StatusPassed {
		t.Fatalf("reading after the fallback: %+v", r.Verification)
	}
}

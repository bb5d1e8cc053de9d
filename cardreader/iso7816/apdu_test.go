package iso7816

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"testing"
)

func TestCommandBytes(t *testing.T) {
	tests := []struct {
		name string
		cmd  Command
		hex  string
	}{
		{"case 1", Command{0x00, 0x84, 0, 0, nil, 0}, "00840000"},
		{"case 2 short", Command{0x00, 0x84, 0, 0, nil, 8}, "0084000008"},
		{"case 2 Le 256", Command{0x00, 0xB0, 0, 0, nil, 256}, "00B0000000"},
		{"case 3 short", Command{0x00, 0xA4, 0x04, 0x0C, []byte{0xA0, 0, 0, 2, 0x47, 0x10, 1}, 0}, "00A4040C07A0000002471001"},
		{"case 4 short", Command{0x00, 0x82, 0, 0, []byte{1, 2}, 40}, "008200000201022" + "8"},
		{"case 2 extended", Command{0x00, 0xB0, 0, 0, nil, 4096}, "00B00000001000"},
		{"case 2 extended 65536", Command{0x00, 0xB0, 0, 0, nil, 65536}, "00B00000000000"},
		{"case 4 extended", Command{0x0C, 0xB0, 0, 0, []byte{0x97, 2, 0x10, 0}, 65536}, "0CB00000000004970210000000"},
	}
	for _, tt := range tests {
		got := hex.EncodeToString(tt.cmd.Bytes())
		if got != lower(tt.hex) {
			t.Errorf("%s: Bytes = %s, want %s", tt.name, got, lower(tt.hex))
			continue
		}
		back, err := ParseCommand(tt.cmd.Bytes())
		if err != nil {
			t.Errorf("%s: ParseCommand: %v", tt.name, err)
			continue
		}
		if back.CLA != tt.cmd.CLA || back.INS != tt.cmd.INS || back.P1 != tt.cmd.P1 || back.P2 != tt.cmd.P2 ||
			!bytes.Equal(back.Data, tt.cmd.Data) || back.Ne != tt.cmd.Ne {
			t.Errorf("%s: round trip = %+v, want %+v", tt.name, back, tt.cmd)
		}
	}
}

func lower(s string) string { b, _ := hex.DecodeString(s); return hex.EncodeToString(b) }

func TestParseCommandRejects(t *testing.T) {
	for _, h := range []string{"", "00a404", "00a4040c05a000", "00a4040c0001", "00a4040c00000201"} {
		b, _ := hex.DecodeString(h)
		if _, err := ParseCommand(b); !errors.Is(err, ErrMalformedAPDU) {
			t.Errorf("ParseCommand(%s) = %v, want ErrMalformedAPDU", h, err)
		}
	}
}

func TestResponseAndStatus(t *testing.T) {
	r, err := ParseResponse([]byte{1, 2, 0x6A, 0x82})
	if err != nil || !bytes.Equal(r.Data, []byte{1, 2}) || r.Status != StatusFileNotFound {
		t.Fatalf("ParseResponse = %+v, %v", r, err)
	}
	if !bytes.Equal(r.Bytes(), []byte{1, 2, 0x6A, 0x82}) {
		t.Errorf("Bytes = %x", r.Bytes())
	}
	if _, err := ParseResponse([]byte{0x90}); !errors.Is(err, ErrMalformedAPDU) {
		t.Errorf("one-byte response: %v", err)
	}
	err = &StatusError{Op: "select DG3", Status: StatusSecurityNotSatisfied}
	if !errors.Is(err, StatusSecurityNotSatisfied) || errors.Is(err, StatusFileNotFound) {
		t.Errorf("errors.Is on StatusError is wrong")
	}
	if got := Status(0x6C10).String(); got != "6C10 (wrong Le, card wants 16)" {
		t.Errorf("6C10 = %q", got)
	}
	if !Status(0x6110).OK() || Status(0x6982).OK() {
		t.Error("OK() is wrong")
	}
}

type echoCard struct{ gone bool }

func (c *echoCard) ATR() []byte { return []byte{0x3B, 0x80, 0x80, 0x01, 0x01} }
func (c *echoCard) Reset()      {}
func (c *echoCard) Process(cmd []byte) ([]byte, error) {
	if c.gone {
		return nil, ErrCardRemoved
	}
	return append(append([]byte{}, cmd...), 0x90, 0x00), nil
}

func TestCardTransport(t *testing.T) {
	card := &echoCard{}
	tr := NewCardTransport(card)
	resp, err := tr.Transmit(context.Background(), []byte{0, 0x84, 0, 0, 8})
	if err != nil || !bytes.Equal(resp, []byte{0, 0x84, 0, 0, 8, 0x90, 0}) {
		t.Fatalf("Transmit = %x, %v", resp, err)
	}
	card.gone = true
	if _, err := tr.Transmit(context.Background(), []byte{0, 0x84, 0, 0, 8}); !errors.Is(err, ErrCardRemoved) {
		t.Errorf("removed card: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := tr.Transmit(ctx, []byte{0, 0x84, 0, 0, 8}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

func FuzzParseCommand(f *testing.F) {
	for _, h := range []string{"00840000", "0084000008", "00a4040c07a0000002471001", "0cb00000000004970210000000", "00b00000001000"} {
		b, _ := hex.DecodeString(h)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseCommand(b)
		if err != nil {
			return
		}
		// Whatever parses must re-encode to something that parses the same.
		again, err := ParseCommand(c.Bytes())
		if err != nil || !bytes.Equal(again.Data, c.Data) || again.Ne != c.Ne || again.INS != c.INS {
			t.Fatalf("re-encode of %x: %+v vs %+v, %v", b, again, c, err)
		}
	})
}

func TestExchange(t *testing.T) {
	tr := NewCardTransport(&echoCard{})
	data, err := Exchange(context.Background(), tr, Command{INS: 0x84, Ne: 8}, "GET CHALLENGE")
	if err != nil || !bytes.Equal(data, []byte{0, 0x84, 0, 0, 8}) {
		t.Fatalf("Exchange = %x, %v", data, err)
	}
	refuse := NewCardTransport(statusCard(StatusConditionsNotSatisfied))
	_, err = Exchange(context.Background(), refuse, Command{INS: 0x82}, "EXTERNAL AUTHENTICATE")
	var se *StatusError
	if !errors.As(err, &se) || se.Op != "EXTERNAL AUTHENTICATE" || !errors.Is(err, StatusConditionsNotSatisfied) {
		t.Fatalf("refusal = %v", err)
	}
	gone := &echoCard{gone: true}
	if _, err := Exchange(context.Background(), NewCardTransport(gone), Command{INS: 0x84}, "x"); !errors.Is(err, ErrCardRemoved) {
		t.Fatalf("removed card = %v", err)
	}
}

// statusCard answers every command with one status word.
type statusCard Status

func (c statusCard) ATR() []byte { return nil }
func (c statusCard) Reset()      {}
func (c statusCard) Process(cmd []byte) ([]byte, error) {
	return Response{Status: Status(c)}.Bytes(), nil
}

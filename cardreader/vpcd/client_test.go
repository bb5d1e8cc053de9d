package vpcd

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"motcua/cardreader/iso7816"
)

// echoCard answers every APDU with its INS byte and 9000, counts resets, and
// leaves the field on INS FF.
type echoCard struct {
	mu     sync.Mutex
	atr    []byte
	resets int
}

func (c *echoCard) ATR() []byte { return c.atr }
func (c *echoCard) Reset() {
	c.mu.Lock()
	c.resets++
	c.mu.Unlock()
}
func (c *echoCard) Process(b []byte) ([]byte, error) {
	switch b[1] {
	case 0xFF:
		return nil, iso7816.ErrCardRemoved
	case 0xEE:
		return nil, errors.New("card fault")
	}
	return []byte{b[1], 0x90, 0x00}, nil
}

// driver plays pcscd's side of the vpcd link on a loopback listener.
type driver struct {
	ln    net.Listener
	conns chan net.Conn
}

func newDriver(t *testing.T, addr string) *driver {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	d := &driver{ln: ln, conns: make(chan net.Conn, 4)}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			d.conns <- c
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return d
}

func (d *driver) accept(t *testing.T) net.Conn {
	t.Helper()
	select {
	case c := <-d.conns:
		t.Cleanup(func() { c.Close() })
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("card did not connect")
	}
	return nil
}

func send(t *testing.T, c net.Conn, payload []byte) {
	t.Helper()
	// Like Debian's vpcd: length and payload in two writes.
	var hdr [2]byte
	binary.BigEndian.PutUint16(hdr[:], uint16(len(payload)))
	if _, err := c.Write(hdr[:]); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write(payload); err != nil {
		t.Fatal(err)
	}
}

func recv(t *testing.T, c net.Conn) []byte {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	var hdr [2]byte
	if _, err := io.ReadFull(c, hdr[:]); err != nil {
		t.Fatal(err)
	}
	out := make([]byte, binary.BigEndian.Uint16(hdr[:]))
	if _, err := io.ReadFull(c, out); err != nil {
		t.Fatal(err)
	}
	return out
}

func run(t *testing.T, cl *Client) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cl.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
}

func TestProtocol(t *testing.T) {
	d := newDriver(t, "127.0.0.1:0")
	card := &echoCard{atr: []byte{0x3B, 0x80, 0x80, 0x01, 0x01}}
	cl := New(d.ln.Addr().String())
	cl.Insert(card)
	run(t, cl)
	c := d.accept(t)

	for _, tc := range []struct {
		name  string
		send  []byte
		reply []byte // nil: no reply expected
	}{
		{"power on", []byte{ctrlOn}, nil},
		{"get ATR", []byte{ctrlGetATR}, card.atr},
		{"APDU", []byte{0x00, 0xA4, 0x04, 0x0C}, []byte{0xA4, 0x90, 0x00}},
		{"reset", []byte{ctrlReset}, nil},
		{"power off", []byte{ctrlOff}, nil},
		{"unknown control", []byte{0x7F}, nil},
		{"card fault answers 6F00", []byte{0x00, 0xEE, 0x00, 0x00}, []byte{0x6F, 0x00}},
		{"get ATR again", []byte{ctrlGetATR}, card.atr},
	} {
		send(t, c, tc.send)
		if tc.reply != nil {
			if got := recv(t, c); !bytes.Equal(got, tc.reply) {
				t.Fatalf("%s: reply % X, want % X", tc.name, got, tc.reply)
			}
		}
	}
	card.mu.Lock()
	resets := card.resets
	card.mu.Unlock()
	if resets != 2 {
		t.Errorf("resets = %d, want 2 (reset and power off)", resets)
	}
	if n := cl.APDUs(); n != 2 {
		t.Errorf("APDUs = %d, want 2", n)
	}

	// The card leaves the field mid-command: a zero-length reply, then the
	// link closes and the reader stays empty.
	send(t, c, []byte{0x00, 0xFF, 0x00, 0x00})
	if got := recv(t, c); len(got) != 0 {
		t.Fatalf("removal reply % X, want empty", got)
	}
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatal("link still open after the card left")
	}
	if cl.Card() != nil {
		t.Fatal("card still inserted after it reported removal")
	}
	select {
	case <-d.conns:
		t.Fatal("client redialed with no card")
	case <-time.After(200 * time.Millisecond):
	}
}

func TestInsertRemoveSwap(t *testing.T) {
	d := newDriver(t, "127.0.0.1:0")
	cl := New(d.ln.Addr().String())
	run(t, cl)
	a := &echoCard{atr: []byte{0x3B, 0x01, 0xAA}}
	b := &echoCard{atr: []byte{0x3B, 0x01, 0xBB}}

	cl.Insert(a)
	c1 := d.accept(t)
	send(t, c1, []byte{ctrlGetATR})
	if got := recv(t, c1); !bytes.Equal(got, a.atr) {
		t.Fatalf("ATR % X, want card a", got)
	}
	cl.Swap(b)
	if _, err := c1.Read(make([]byte, 1)); err == nil {
		t.Fatal("swap did not close the old link")
	}
	c2 := d.accept(t)
	send(t, c2, []byte{ctrlGetATR})
	if got := recv(t, c2); !bytes.Equal(got, b.atr) {
		t.Fatalf("ATR % X, want card b", got)
	}
	cl.Remove()
	if _, err := c2.Read(make([]byte, 1)); err == nil {
		t.Fatal("remove did not close the link")
	}
	if cl.Connected() {
		t.Fatal("Connected after Remove")
	}
}

// TestReconnect: pcscd absent at first, then present, then restarted.
func TestReconnect(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nobody listening yet

	cl := New(addr)
	cl.MinBackoff, cl.MaxBackoff = 10*time.Millisecond, 50*time.Millisecond
	cl.Insert(&echoCard{atr: []byte{0x3B, 0x00}})
	run(t, cl)
	time.Sleep(100 * time.Millisecond) // a few failed dials

	d := newDriver(t, addr)
	c := d.accept(t)
	c.Close() // pcscd went away
	c = d.accept(t)
	send(t, c, []byte{ctrlGetATR})
	if got := recv(t, c); !bytes.Equal(got, []byte{0x3B, 0x00}) {
		t.Fatalf("after reconnect: ATR % X", got)
	}
}

func TestReadFrame(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want []byte
		err  bool
	}{
		{"control", []byte{0, 1, 4}, []byte{4}, false},
		{"apdu", []byte{0, 4, 0, 0xA4, 4, 0}, []byte{0, 0xA4, 4, 0}, false},
		{"empty frame", []byte{0, 0}, nil, true},
		{"truncated payload", []byte{0, 5, 1, 2}, nil, true},
		{"truncated header", []byte{0}, nil, true},
		{"eof", nil, nil, true},
	} {
		got, err := readFrame(bytes.NewReader(tc.in), nil)
		if (err != nil) != tc.err || !bytes.Equal(got, tc.want) {
			t.Errorf("%s: readFrame = % X, %v", tc.name, got, err)
		}
	}
}

func FuzzReadFrame(f *testing.F) {
	f.Add([]byte{0, 1, 4})
	f.Add([]byte{0, 4, 0, 0xA4, 4, 0, 0, 1})
	f.Add([]byte{0xFF, 0xFF, 1})
	f.Fuzz(func(t *testing.T, in []byte) {
		r := bytes.NewReader(in)
		for {
			msg, err := readFrame(r, nil)
			if err != nil {
				return
			}
			if len(msg) == 0 || len(msg) > MaxFrame {
				t.Fatalf("frame of %d bytes", len(msg))
			}
			// What was read re-encodes to the same bytes.
			enc, err := appendFrame(nil, msg)
			if err != nil || int(binary.BigEndian.Uint16(enc)) != len(msg) {
				t.Fatal("frame does not round-trip")
			}
		}
	})
}

package pcsc_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"motcua/cardreader/iso7816"
	"motcua/cardreader/pcsc"
	"motcua/cardreader/vpcd"
	"motcua/internal/pcscdtest"
)

// testCard is a tiny card with one instruction per transport behaviour:
//
//	A4 SELECT          → 9000
//	B0 READ BINARY     → Ne bytes 0,1,2,... then 9000
//	C1 chained answer  → 300 bytes handed out through 61xx / GET RESPONSE
//	C2 wants Le=8      → 6C08 unless Le is 8, then 8 bytes and 9000
//	C3 leave the field → the card is removed mid-command
type testCard struct {
	mu      sync.Mutex
	pending []byte // data waiting for GET RESPONSE
	resets  int
}

var testATR = []byte{0x3B, 0x80, 0x80, 0x01, 0x01}

func (c *testCard) ATR() []byte { return testATR }

func (c *testCard) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pending = nil
	c.resets++
}

func (c *testCard) Process(b []byte) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cmd, err := iso7816.ParseCommand(b)
	if err != nil {
		return sw(iso7816.StatusWrongLength), nil
	}
	switch cmd.INS {
	case 0xA4:
		return sw(iso7816.StatusOK), nil
	case 0xB0:
		out := make([]byte, cmd.Ne)
		for i := range out {
			out[i] = byte(i)
		}
		return iso7816.Response{Data: out, Status: iso7816.StatusOK}.Bytes(), nil
	case 0xC1:
		c.pending = make([]byte, 300)
		for i := range c.pending {
			c.pending[i] = byte(i * 7)
		}
		return c.more(), nil
	case 0xC0: // GET RESPONSE
		if c.pending == nil {
			return sw(iso7816.StatusConditionsNotSatisfied), nil
		}
		return c.more(), nil
	case 0xC2:
		if cmd.Ne != 8 {
			return sw(0x6C08), nil
		}
		return iso7816.Response{Data: []byte("8 bytes!"), Status: iso7816.StatusOK}.Bytes(), nil
	case 0xC3:
		return nil, iso7816.ErrCardRemoved
	}
	return sw(iso7816.StatusINSNotSupported), nil
}

// more hands out the next chunk of pending data, 61xx while more remains.
func (c *testCard) more() []byte {
	n := min(len(c.pending), 200)
	chunk := c.pending[:n]
	c.pending = c.pending[n:]
	st := iso7816.StatusOK
	if len(c.pending) > 0 {
		st = iso7816.Status(0x6100 | min(len(c.pending), 256)&0xFF)
	} else {
		c.pending = nil
	}
	return iso7816.Response{Data: chunk, Status: st}.Bytes()
}

func sw(s iso7816.Status) []byte { return iso7816.Response{Status: s}.Bytes() }

// serve starts a vpcd card client for env's slot, stopped when t ends.
func serve(t *testing.T, env *pcscdtest.Env) *vpcd.Client { return serveB(t, env) }

func serveB(t testing.TB, env *pcscdtest.Env, opts ...func(*vpcd.Client)) *vpcd.Client {
	t.Helper()
	// Registered first, so it runs after Serve's cleanup has stopped the
	// client.
	t.Cleanup(func() { waitEmpty(t, env.Reader) })
	return env.Serve(t, opts...)
}

// waitEmpty waits until pcscd has noticed that the reader is empty (it polls
// every 400 ms), so the next test starts from a clean reader.
func waitEmpty(t testing.TB, reader string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := pcsc.WaitRemoved(ctx, reader); err != nil {
		t.Fatalf("reader %q: %v", reader, err)
	}
}

func waitCard(t *testing.T, reader string) *pcsc.Card {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return waitCardB(t, ctx, reader)
}

func waitCardB(t testing.TB, ctx context.Context, reader string) *pcsc.Card {
	t.Helper()
	card, err := pcsc.WaitCard(ctx, reader)
	if err != nil {
		t.Fatalf("WaitCard(%q): %v", reader, err)
	}
	t.Cleanup(func() { card.Close() })
	return card
}

func TestTransmit(t *testing.T) {
	env := pcscdtest.Start(t)
	cl := serve(t, env)
	cl.Insert(&testCard{})
	card := waitCard(t, env.Reader)
	if card.Reader() != env.Reader {
		t.Fatalf("connected to %q, want %q", card.Reader(), env.Reader)
	}
	if !bytes.Equal(card.ATR(), testATR) {
		t.Fatalf("ATR % X, want % X", card.ATR(), testATR)
	}
	chained := make([]byte, 300)
	for i := range chained {
		chained[i] = byte(i * 7)
	}
	count := make([]byte, 256)
	for i := range count {
		count[i] = byte(i)
	}
	for _, tc := range []struct {
		name string
		cmd  iso7816.Command
		data []byte
		sw   iso7816.Status
	}{
		{"select", iso7816.Command{INS: 0xA4, P1: 4, P2: 0x0C, Data: []byte{0xA0, 0, 0, 2, 0x47, 0x10, 1}}, nil, iso7816.StatusOK},
		{"read 256", iso7816.Command{INS: 0xB0, Ne: 256}, count, iso7816.StatusOK},
		{"read 17", iso7816.Command{INS: 0xB0, Ne: 17}, count[:17], iso7816.StatusOK},
		{"61xx chain joined", iso7816.Command{INS: 0xC1}, chained, iso7816.StatusOK},
		{"6Cxx resent with Le", iso7816.Command{INS: 0xC2, Ne: 1}, []byte("8 bytes!"), iso7816.StatusOK},
		{"unknown INS", iso7816.Command{INS: 0x77}, nil, iso7816.StatusINSNotSupported},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := card.Transmit(context.Background(), tc.cmd.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			rsp, err := iso7816.ParseResponse(raw)
			if err != nil {
				t.Fatal(err)
			}
			if rsp.Status != tc.sw || !bytes.Equal(rsp.Data, tc.data) {
				t.Fatalf("got %d bytes %v, want %d bytes %v", len(rsp.Data), rsp.Status, len(tc.data), tc.sw)
			}
		})
	}
	if _, err := card.Transmit(context.Background(), []byte{0}); !errors.Is(err, iso7816.ErrMalformedAPDU) {
		t.Errorf("1-byte command: err %v, want ErrMalformedAPDU", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := card.Transmit(ctx, iso7816.Command{INS: 0xA4}.Bytes()); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err %v, want context.Canceled", err)
	}
}

func TestErrors(t *testing.T) {
	env := pcscdtest.Start(t)
	cl := serve(t, env)

	// Empty reader.
	if c, err := pcsc.Open(context.Background(), env.Reader); !errors.Is(err, iso7816.ErrNoCard) {
		if c != nil {
			c.Close()
		}
		t.Fatalf("Open on an empty reader: %v, want ErrNoCard", err)
	}
	if _, err := pcsc.Open(context.Background(), "no such reader"); !errors.Is(err, pcsc.ErrNoReader) {
		t.Fatalf("Open on a missing reader: %v, want ErrNoReader", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	_, err := pcsc.WaitCard(ctx, env.Reader)
	cancel()
	if !errors.Is(err, pcsc.ErrTimeout) {
		t.Fatalf("WaitCard with no card: %v, want ErrTimeout", err)
	}

	cl.Insert(&testCard{})
	card := waitCard(t, env.Reader)

	// A second exclusive connection is refused while the first holds it.
	if c2, err := pcsc.Open(context.Background(), env.Reader); !errors.Is(err, pcsc.ErrSharingViolation) {
		if c2 != nil {
			c2.Close()
		}
		t.Fatalf("second Open: %v, want ErrSharingViolation", err)
	}

	// The card leaves the field in the middle of a command.
	_, err = card.Transmit(context.Background(), iso7816.Command{INS: 0xC3}.Bytes())
	if !errors.Is(err, iso7816.ErrCardRemoved) {
		t.Fatalf("card removed mid-command: %v, want ErrCardRemoved", err)
	}
	if _, err := card.Transmit(context.Background(), iso7816.Command{INS: 0xA4}.Bytes()); err == nil {
		t.Fatal("Transmit after removal succeeded")
	}
	card.Close()
	if _, err := card.Transmit(context.Background(), iso7816.Command{INS: 0xA4}.Bytes()); !errors.Is(err, pcsc.ErrClosed) {
		t.Fatalf("Transmit after Close: %v, want ErrClosed", err)
	}
}

// nextEvent waits for the next event for reader (others are dropped).
func nextEvent(t *testing.T, ev <-chan pcsc.Event, reader string) pcsc.Event {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case e, ok := <-ev:
			if !ok {
				t.Fatal("event channel closed")
			}
			if e.Reader == reader || (reader == "" && e.Kind == pcsc.ServiceDown) {
				return e
			}
		case <-timeout:
			t.Fatalf("no event for %q within 20 s", reader)
		}
	}
}

func expectKinds(t *testing.T, ev <-chan pcsc.Event, reader string, kinds ...pcsc.EventKind) {
	t.Helper()
	for _, k := range kinds {
		if e := nextEvent(t, ev, reader); e.Kind != k {
			t.Fatalf("event %v for %q, want %v", e.Kind, reader, k)
		}
	}
}

func TestWatch(t *testing.T) {
	env := pcscdtest.Start(t)
	cl := serve(t, env)
	ctx, cancel := context.WithCancel(context.Background())
	ev := pcsc.Watch(ctx)
	expectKinds(t, ev, env.Reader, pcsc.ReaderAdded)

	for range 2 { // two full cycles: insert → read → remove
		cl.Insert(&testCard{})
		e := nextEvent(t, ev, env.Reader)
		if e.Kind != pcsc.Inserted || !bytes.Equal(e.ATR, testATR) {
			t.Fatalf("got %v ATR % X, want inserted with the test ATR", e.Kind, e.ATR)
		}
		card, err := pcsc.Open(context.Background(), env.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := card.Transmit(context.Background(), iso7816.Command{INS: 0xA4}.Bytes()); err != nil {
			t.Fatal(err)
		}
		card.Close()
		cl.Remove()
		expectKinds(t, ev, env.Reader, pcsc.Removed)
	}

	cancel()
	for range ev { // the channel must close after cancellation
	}
}

// TestServiceRestart kills pcscd mid-session, as a crash would: the watch
// sees the readers go and come back, and the card can be read again.
func TestServiceRestart(t *testing.T) {
	env := pcscdtest.Start(t)
	env.Exclusive(t)
	cl := serve(t, env)
	cl.Insert(&testCard{})
	card := waitCard(t, env.Reader)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ev := pcsc.Watch(ctx)
	expectKinds(t, ev, env.Reader, pcsc.ReaderAdded, pcsc.Inserted)
	client, err := pcsc.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()

	env.KillDaemon(t)
	if _, err := card.Transmit(context.Background(), iso7816.Command{INS: 0xA4}.Bytes()); !errors.Is(err, pcsc.ErrServiceNotRunning) &&
		!errors.Is(err, pcsc.ErrReaderGone) && !errors.Is(err, iso7816.ErrCardRemoved) {
		t.Fatalf("Transmit with pcscd dead: %v, want a service, reader or card error", err)
	}
	card.Close()
	expectKinds(t, ev, env.Reader, pcsc.ReaderGone)

	env.WaitDaemon(t)
	expectKinds(t, ev, env.Reader, pcsc.ReaderAdded)
	// A Client made before the crash re-establishes its context.
	names, err := client.ReaderNames()
	if err != nil || !slices.Contains(names, env.Reader) {
		t.Fatalf("old client after restart: %v, %v", names, err)
	}
	card = waitCard(t, env.Reader)
	raw, err := card.Transmit(context.Background(), iso7816.Command{INS: 0xA4}.Bytes())
	if err != nil {
		t.Fatalf("after restart: %v", err)
	}
	if !bytes.Equal(raw, sw(iso7816.StatusOK)) {
		t.Fatalf("after restart: % X", raw)
	}
}

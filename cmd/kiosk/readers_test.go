package main

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"motcua/cardreader/pcsc"
	"motcua/internal/pcscdtest"
)

// emptyCard is the smallest card: an ATR and 6D00 to everything.
type emptyCard struct{}

func (emptyCard) ATR() []byte                      { return []byte{0x3B, 0x80, 0x80, 0x01, 0x01} }
func (emptyCard) Reset()                           {}
func (emptyCard) Process(b []byte) ([]byte, error) { return []byte{0x6D, 0x00}, nil }

func TestReaders(t *testing.T) {
	env := pcscdtest.Start(t)
	cl := env.Serve(t)

	list := func() pcsc.Reader {
		t.Helper()
		code, out, errs := kiosk(t, "readers", "--json")
		if code != 0 {
			t.Fatalf("readers: exit %d: %s", code, errs)
		}
		var rs []pcsc.Reader
		if err := json.Unmarshal([]byte(out), &rs); err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if r.Name == env.Reader {
				return r
			}
		}
		t.Fatalf("readers does not list %q:\n%s", env.Reader, out)
		return pcsc.Reader{}
	}
	if r := list(); r.CardPresent || !r.Contactless {
		t.Fatalf("empty reader listed as %+v", r)
	}
	cl.Insert(emptyCard{})
	wctx, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
	card, err := pcsc.WaitCard(wctx, env.Reader)
	wcancel()
	if err != nil {
		t.Fatal(err)
	}
	card.Close()
	if r := list(); !r.CardPresent || len(r.ATR) == 0 {
		t.Fatalf("reader with a card listed as %+v", r)
	}
	cl.Remove()
	wctx, wcancel = context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := pcsc.WaitRemoved(wctx, env.Reader); err != nil {
		t.Fatal(err)
	}
	code, out, _ := kiosk(t, "readers")
	if code != 0 || !containsLine(out, env.Reader+"\tcontactless\tempty") {
		t.Fatalf("text listing:\n%s", out)
	}
}

func containsLine(s, line string) bool {
	return slices.Contains(strings.Split(s, "\n"), line)
}

// kiosk runs one kiosk command line and returns its exit code and output.
func kiosk(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &env{stdout: &out, stderr: &errb})
	return code, out.String(), errb.String()
}

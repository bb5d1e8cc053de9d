package heartbeat_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/offline/heartbeat"
	"motcua/offline/portalserver"
)

var t0 = time.Date(2026, 3, 6, 9, 30, 0, 0, time.UTC)

func valid() heartbeat.Status {
	return heartbeat.Status{Version: "1.4.0", Mode: heartbeat.ModeCounter, Ward: "Phường Hoàn Kiếm", At: t0, Queue: 2,
		OldestQueued: t0.Add(-time.Hour), LastSync: t0.Add(-time.Minute), Online: true,
		Reader: heartbeat.Device{State: heartbeat.StateOK, Model: "ACS ACR1252U"}, Card: heartbeat.CardNone,
		Printer: heartbeat.Device{State: heartbeat.StatePaperOut}, TrustListIssued: t0.AddDate(0, -1, 0), FreeDiskBytes: 5 << 30}
}

func TestParse(t *testing.T) {
	good, _ := json.Marshal(valid())
	for _, tc := range []struct {
		name string
		edit func(m map[string]any)
		ok   bool
	}{
		{"valid", func(map[string]any) {}, true},
		{"unknown fields dropped", func(m map[string]any) { m["fullName"] = "Nguyễn Văn An"; m["idNumber"] = "001203004567" }, true},
		{"no version", func(m map[string]any) { delete(m, "version") }, false},
		{"unknown mode", func(m map[string]any) { m["mode"] = "party" }, false},
		{"negative queue", func(m map[string]any) { m["queue"] = -1 }, false},
		{"oldest in an empty queue", func(m map[string]any) { m["queue"] = 0 }, false},
		{"reader out of paper", func(m map[string]any) { m["reader"] = map[string]any{"state": "paper-out"} }, false},
		{"odd card state", func(m map[string]any) { m["card"] = "sideways" }, false},
		{"no time", func(m map[string]any) { delete(m, "at") }, false},
		{"long model", func(m map[string]any) { m["printer"] = map[string]any{"state": "ok", "model": strings.Repeat("x", 65)} }, false},
		{"queue as text", func(m map[string]any) { m["queue"] = "many" }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m map[string]any
			json.Unmarshal(good, &m)
			tc.edit(m)
			b, _ := json.Marshal(m)
			st, err := heartbeat.Parse(b)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok %v", err, tc.ok)
			}
			if err != nil {
				if !errors.Is(err, heartbeat.ErrInvalid) {
					t.Fatalf("err %v is not ErrInvalid", err)
				}
				return
			}
			out, _ := json.Marshal(st)
			if bytes.Contains(out, []byte("Nguyễn")) || bytes.Contains(out, []byte("001203004567")) {
				t.Fatalf("personal data kept: %s", out)
			}
		})
	}
	if _, err := heartbeat.Parse(bytes.Repeat([]byte(" "), heartbeat.MaxBody+1)); !errors.Is(err, heartbeat.ErrInvalid) {
		t.Fatalf("oversized: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	good, _ := json.Marshal(valid())
	f.Add(good)
	f.Add([]byte(`{"version":"1","mode":"demo","at":"2026-03-06T09:30:00Z","queue":0}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := heartbeat.Parse(b)
		if err != nil {
			return
		}
		// What Parse accepts, re-encoded, parses to the same thing.
		out, err := json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		again, err := heartbeat.Parse(out)
		if err != nil {
			t.Fatalf("re-encoded heartbeat refused: %v\n%s", err, out)
		}
		out2, _ := json.Marshal(again)
		if !bytes.Equal(out, out2) {
			t.Fatalf("not stable:\n%s\n%s", out, out2)
		}
	})
}

func TestStartRefusesPlainHTTP(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	status := func() heartbeat.Status { return valid() }
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"http://portal.example.vn", false},
		{"http://10.0.0.5:8470", false},
		{"ftp://127.0.0.1", false},
		{"", false},
		{"http://127.0.0.1:1", true},
		{"http://localhost:1", true},
		{"https://portal.example.vn", true},
	} {
		_, err := heartbeat.Start(ctx, heartbeat.Config{URL: tc.url, Token: "t", Client: &http.Client{Timeout: 10 * time.Millisecond}}, status)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, heartbeat.ErrConfig)) {
			t.Errorf("%q: err = %v, want ok %v", tc.url, err, tc.ok)
		}
	}
}

// A real portal server takes the heartbeats: one at once, then one on each
// change (the interval is an hour, so only changes can explain them).
func TestSenderToPortal(t *testing.T) {
	st, err := portalserver.OpenBolt(t.TempDir(), true)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := portalserver.Open(portalserver.Config{Store: st, Tokens: map[string]string{"tok": "KIOSK-A"}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	var mu sync.Mutex
	cur := valid()
	status := func() heartbeat.Status {
		mu.Lock()
		defer mu.Unlock()
		s := cur
		s.At = time.Now()
		return s
	}
	ctx, cancel := context.WithCancel(context.Background())
	s, err := heartbeat.Start(ctx, heartbeat.Config{URL: ts.URL, Token: "tok", Interval: time.Hour,
		PollInterval: 10 * time.Millisecond, MinGap: time.Millisecond}, status)
	if err != nil {
		t.Fatal(err)
	}
	waitHistory := func(n int) []portalserver.Heartbeat {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			h, err := st.History(context.Background(), "KIOSK-A")
			if err != nil {
				t.Fatal(err)
			}
			if len(h) >= n {
				return h
			}
			if time.Now().After(deadline) {
				_, _, serr := s.Sent()
				t.Fatalf("%d heartbeats, want %d (sender: %v)", len(h), n, serr)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitHistory(1)
	mu.Lock()
	cur.Queue, cur.Reader.State = 3, heartbeat.StateMissing
	mu.Unlock()
	h := waitHistory(2)
	got, err := heartbeat.Parse(h[0].Body)
	if err != nil || got.Queue != 3 || got.Reader.State != heartbeat.StateMissing {
		t.Fatalf("latest %+v %v", got, err)
	}
	// Only the clock and free disk moving is no state change.
	mu.Lock()
	cur.FreeDiskBytes--
	mu.Unlock()
	s.Notify()
	time.Sleep(50 * time.Millisecond)
	if h, _ := st.History(context.Background(), "KIOSK-A"); len(h) != 2 {
		t.Fatalf("%d heartbeats after a free-disk wobble, want 2", len(h))
	}
	cancel()
	<-s.Done()
	if n, _, err := s.Sent(); n != 2 || err != nil {
		t.Fatalf("sent %d, %v", n, err)
	}
}

func TestPortalRefusesBadHeartbeats(t *testing.T) {
	srv, err := portalserver.Open(portalserver.Config{Dir: t.TempDir(), NoSync: true, Tokens: map[string]string{"tok": "KIOSK-A"}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	good, _ := json.Marshal(valid())
	for _, tc := range []struct {
		name, tok string
		body      []byte
		want      int
	}{
		{"valid", "tok", good, 204},
		{"wrong token", "nope", good, 401},
		{"not JSON", "tok", []byte("up"), 400},
		{"invalid", "tok", []byte(`{"version":"1","mode":"x","at":"2026-03-06T09:30:00Z"}`), 400},
		{"too big", "tok", bytes.Repeat([]byte(" "), heartbeat.MaxBody+10), 413},
	} {
		req, _ := http.NewRequest("POST", ts.URL+heartbeat.Path, bytes.NewReader(tc.body))
		req.Header.Set("Authorization", "Bearer "+tc.tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, resp.StatusCode, tc.want)
		}
	}
	fleet, _ := srv.Store().Fleet(context.Background())
	if len(fleet) != 1 {
		t.Fatalf("fleet %v", fleet)
	}
}

// The sender survives a portal that is down or refuses it: the error is
// reported by Sent, and delivery resumes when the portal is back.
func TestSenderPortalDownThenUp(t *testing.T) {
	var mu sync.Mutex
	status := http.StatusServiceUnavailable
	got := 0
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer tok" || r.URL.Path != heartbeat.Path {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if status == http.StatusNoContent {
			got++
		}
		w.WriteHeader(status)
	}))
	defer ts.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := heartbeat.Start(ctx, heartbeat.Config{URL: ts.URL, Token: "tok", Interval: 20 * time.Millisecond,
		PollInterval: 5 * time.Millisecond, MinGap: time.Millisecond}, valid)
	if err != nil {
		t.Fatal(err)
	}
	wait := func(cond func() bool, what string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	wait(func() bool { _, _, err := s.Sent(); return errors.Is(err, heartbeat.ErrRejected) }, "the refusal to be reported")
	mu.Lock()
	status = http.StatusNoContent
	mu.Unlock()
	wait(func() bool { k, _, err := s.Sent(); return k >= 2 && err == nil }, "delivery to resume")
	mu.Lock()
	if got < 2 {
		t.Fatalf("portal took %d", got)
	}
	mu.Unlock()
}

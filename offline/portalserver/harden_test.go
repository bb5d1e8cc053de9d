package portalserver

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"motcua/offline/dossier"
	"motcua/offline/internal/testdossier"
	"motcua/offline/portal"
)

// served is a Server behind a real listener with the given limits.
type served struct {
	srv  *Server
	addr string
}

func serveWith(t *testing.T, cfg Config, lim Limits) *served {
	t.Helper()
	if cfg.Dir == "" {
		cfg.Dir = t.TempDir()
	}
	if cfg.Tokens == nil {
		cfg.Tokens = map[string]string{"tok": "KIOSK-A"}
	}
	cfg.NoSync = true
	srv, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	l, err := Listen("127.0.0.1:0", lim)
	if err != nil {
		t.Fatal(err)
	}
	hs := HTTPServer(srv.Handler(), lim, nil)
	go hs.Serve(l)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		hs.Shutdown(ctx)
		hs.Close()
		srv.Close()
	})
	return &served{srv: srv, addr: l.Addr().String()}
}

func (s *served) dial(t *testing.T) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", s.addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// closedWithin reports whether the server ends the connection within d
// (any answer it writes first is read and ignored).
func closedWithin(c net.Conn, d time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// An unauthenticated upload is answered 401 at once, and the server closes
// the connection instead of reading the 20 MB it was promised.
func TestUnauthorizedClosesWithoutDraining(t *testing.T) {
	s := serveWith(t, Config{}, Limits{})
	c := s.dial(t)
	const promised = 20 << 20
	fmt.Fprintf(c, "PUT %s%s HTTP/1.1\r\nHost: portal\r\nAuthorization: Bearer wrong\r\nContent-Length: %d\r\n\r\n",
		portal.PathAttachments, strings.Repeat("ab", 32), promised)
	c.Write(make([]byte, 4096))
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || !resp.Close {
		t.Fatalf("status %d, close %v; want 401 and Connection: close", resp.StatusCode, resp.Close)
	}
	// Keep sending the body: the server must have stopped listening.
	c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	sent := 4096
	chunk := make([]byte, 64<<10)
	var werr error
	for sent < promised {
		var n int
		n, werr = c.Write(chunk)
		sent += n
		if werr != nil {
			break
		}
	}
	if werr == nil {
		t.Fatalf("the server read all %d bytes of an unauthenticated body", sent)
	}
	t.Logf("connection refused more after %d of %d bytes (%v)", sent, promised, werr)
}

func TestTimeouts(t *testing.T) {
	lim := Limits{ReadHeaderTimeout: 200 * time.Millisecond, ReadTimeout: 400 * time.Millisecond,
		IdleTimeout: 300 * time.Millisecond, WriteTimeout: time.Second}
	s := serveWith(t, Config{}, lim)
	for _, tc := range []struct {
		name string
		send string
	}{
		{"headers never finished", "GET /v1/health HTTP/1.1\r\nHost: portal\r\n"},
		{"body never sent", "POST /v1/dossiers HTTP/1.1\r\nHost: portal\r\nAuthorization: Bearer tok\r\n" +
			"Idempotency-Key: 0190b3f4-5d6e-7f80-9a1b-2c3d4e5f6a7b\r\nContent-Length: 1000\r\n\r\n{"},
		{"idle after a request", "GET /v1/health HTTP/1.1\r\nHost: portal\r\nAuthorization: Bearer tok\r\n\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := s.dial(t)
			io.WriteString(c, tc.send)
			if !closedWithin(c, 5*time.Second) {
				t.Fatal("the server kept a stalled connection open")
			}
		})
	}
	// A well-behaved client is unaffected.
	cl, _ := portal.NewHTTPClient("http://"+s.addr, "tok")
	if err := cl.Probe(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestConnectionCap(t *testing.T) {
	s := serveWith(t, Config{}, Limits{MaxConns: 2, ReadHeaderTimeout: time.Minute})
	hold := []net.Conn{s.dial(t), s.dial(t)} // accepted, sending nothing
	time.Sleep(50 * time.Millisecond)
	third := s.dial(t) // queued in the backlog, not served
	io.WriteString(third, "GET /v1/health HTTP/1.1\r\nHost: portal\r\nAuthorization: Bearer tok\r\n\r\n")
	third.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if n, _ := third.Read(make([]byte, 1)); n > 0 {
		t.Fatal("a third connection was served past a cap of 2")
	}
	hold[0].Close()
	third.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(third), nil)
	if err != nil {
		t.Fatalf("after a slot freed: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

// Uploads beyond MaxUploads wait, then get 503 with Retry-After; nothing is
// lost and the slots come back.
func TestUploadSlots(t *testing.T) {
	s := serveWith(t, Config{MaxUploads: 2, UploadWait: 200 * time.Millisecond}, Limits{})
	data := bytes.Repeat([]byte("x"), 1000)
	sum := sha256.Sum256(data)
	key := hex.EncodeToString(sum[:])
	start := func() net.Conn { // an upload that sends half its body and stalls
		c := s.dial(t)
		fmt.Fprintf(c, "PUT %s%s HTTP/1.1\r\nHost: portal\r\nAuthorization: Bearer tok\r\nContent-Length: %d\r\n\r\n", portal.PathAttachments, key, len(data))
		c.Write(data[:500])
		return c
	}
	a, b := start(), start()
	time.Sleep(100 * time.Millisecond)
	cl, _ := portal.NewHTTPClient("http://"+s.addr, "tok")
	err := cl.PutAttachment(context.Background(), dossier.Attachment{SHA256: key, Size: int64(len(data))}, bytes.NewReader(data))
	var pe *portal.Error
	if !errors.As(err, &pe) || pe.HTTPStatus != 503 || !errors.Is(err, portal.ErrUnavailable) {
		t.Fatalf("third upload: %v, want 503", err)
	}
	for _, c := range []net.Conn{a, b} {
		c.Write(data[500:])
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("stalled upload finished: %v %v", resp, err)
		}
	}
	if err := cl.PutAttachment(context.Background(), dossier.Attachment{SHA256: key, Size: int64(len(data))}, bytes.NewReader(data)); err != nil {
		t.Fatalf("after the slots freed: %v", err)
	}
}

// Forty concurrent 20 MB uploads: with 4 slots the heap stays far below the
// 800 MB they would take if all were read at once.
func TestUploadMemoryBounded(t *testing.T) {
	s := serveWith(t, Config{MaxUploads: 4, UploadWait: time.Minute}, Limits{})
	data := bytes.Repeat([]byte("motcua "), (20<<20)/7)
	sum := sha256.Sum256(data)
	key := hex.EncodeToString(sum[:])
	// A tight GC target makes the heap follow what is live, not garbage.
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		smp := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			metrics.Read(smp)
			if v := smp[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 40 {
		wg.Go(func() {
			req, _ := http.NewRequest("PUT", "http://"+s.addr+portal.PathAttachments+key, bytes.NewReader(data))
			req.Header.Set("Authorization", "Bearer tok")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				errs <- err
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				errs <- fmt.Errorf("status %d", resp.StatusCode)
			}
		})
	}
	wg.Wait()
	close(stop)
	<-sampled
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// The client side shares the heap: one 20 MB source slice plus
	// transport buffers. Unbounded, the server alone would hold 40 × 20 MB.
	const limit = 400 << 20
	t.Logf("peak heap %d MB for 40 × %d MB uploads with 4 slots", peak.Load()>>20, len(data)>>20)
	if peak.Load() > limit {
		t.Fatalf("peak heap %d MB, want under %d MB", peak.Load()>>20, limit>>20)
	}
}

// Hashes are compared in lower case: an upper-case upload key or dossier
// attachment hash finds the same attachment; a non-hex key is refused.
func TestHashesLowerCase(t *testing.T) {
	s := serveWith(t, Config{}, Limits{})
	data := []byte("%PDF-1.4 upper")
	sum := sha256.Sum256(data)
	lower := hex.EncodeToString(sum[:])
	upper := strings.ToUpper(lower)
	put := func(key string) int {
		req, _ := http.NewRequest("PUT", "http://"+s.addr+portal.PathAttachments+key, bytes.NewReader(data))
		req.Header.Set("Authorization", "Bearer tok")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, tc := range []struct {
		key  string
		want int
	}{{upper, 200}, {strings.Repeat("zz", 32), 400}, {lower[:62], 400}} {
		if got := put(tc.key); got != tc.want {
			t.Errorf("PUT %s: %d, want %d", tc.key, got, tc.want)
		}
	}
	cl, _ := portal.NewHTTPClient("http://"+s.addr, "tok")
	d := testdossier.New(0, time.Now())
	d.Attachments = []dossier.Attachment{{Key: "k", Name: "a.pdf", Type: "application/pdf", SHA256: upper, Size: int64(len(data))}}
	if _, err := cl.Submit(context.Background(), d); err != nil {
		t.Fatalf("dossier with an upper-case hash: %v", err)
	}
}

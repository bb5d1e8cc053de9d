package sync

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"motcua/offline/dossier"
	"motcua/offline/internal/testdossier"
	"motcua/offline/portal"
	"motcua/offline/portalserver"
	"motcua/offline/store"
)

// The reliability tests kill real processes with SIGKILL. The test binary
// re-runs itself as the kiosk (or the portal) with H5_HELPER naming the
// role, so nothing has to be built first.
//
//	go test ./offline/sync -run Kill                            # as in make test: 240 rounds
//	go test ./offline/sync -run Kill -soak -timeout 60m         # 3,000 rounds, ~15-20 minutes
//	MOTCUA_SOAK=1 go test ./offline/sync -run Kill -timeout 60m # the same, by environment
//	go test ./offline/sync -run Kill -rounds 20000 -timeout 3h
var (
	soak   = flag.Bool("soak", false, "long kill soak (many more rounds)")
	rounds = flag.Int("rounds", 0, "kill rounds (default 240; 3000 with -soak)")
)

const helperEnv = "H5_HELPER"

// TestHelperProcess is not a test: it is the child process of the kill
// tests, selected by H5_HELPER.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		return
	}
	defer os.Exit(0)
	dir, url := os.Getenv("H5_DIR"), os.Getenv("H5_PORTAL")
	switch mode {
	case "enqueue":
		st, err := store.OpenDir(dir, filepath.Join(dir, "data.key"), store.Options{KioskID: "KIOSK-01", Timeout: 10 * time.Second})
		if err != nil {
			fmt.Println("error", err)
			os.Exit(3)
		}
		fmt.Println("ready")
		for i := 0; ; i++ {
			d := testdossier.New(rand.IntN(100), time.Now())
			if _, _, err := st.Enqueue(d, nil); err != nil {
				fmt.Println("error", err)
				os.Exit(3)
			}
			fmt.Println("ok", d.ID) // acknowledged: it must survive the kill
		}
	case "sync":
		st, err := store.OpenDir(dir, filepath.Join(dir, "data.key"), store.Options{KioskID: "KIOSK-01", Timeout: 10 * time.Second})
		if err != nil {
			fmt.Println("error", err)
			os.Exit(3)
		}
		client, _ := portal.NewHTTPClient(url, "tok")
		w, _ := New(Config{Store: st, Client: client, Concurrency: 4, RetryBase: time.Millisecond, ProbeBase: time.Millisecond, ProbeMax: 5 * time.Millisecond})
		fmt.Println("ready")
		for {
			w.Drain(context.Background())
			time.Sleep(time.Millisecond)
		}
	case "portal":
		srv, err := portalserver.Open(portalserver.Config{Dir: dir, Tokens: map[string]string{"tok": "KIOSK-01"}})
		if err != nil {
			fmt.Println("error", err)
			os.Exit(3)
		}
		l, err := net.Listen("tcp", os.Getenv("H5_ADDR"))
		if err != nil {
			fmt.Println("error", err)
			os.Exit(3)
		}
		fmt.Println("ready")
		http.Serve(l, srv.Handler())
	}
}

// child is a running helper process.
type child struct {
	cmd   *exec.Cmd
	lines chan string
}

func startChild(t *testing.T, mode string, env ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(append(os.Environ(), helperEnv+"="+mode), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, lines: make(chan string, 1024)}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
		close(c.lines)
	}()
	return c
}

// waitReady reads lines until "ready".
func (c *child) waitReady(t *testing.T) {
	t.Helper()
	for l := range c.lines {
		if l == "ready" {
			return
		}
		if strings.HasPrefix(l, "error") {
			t.Fatalf("helper: %s", l)
		}
	}
	t.Fatal("helper exited before it was ready")
}

// kill sends SIGKILL, reaps the process and returns the lines it printed.
func (c *child) kill(t *testing.T) []string {
	t.Helper()
	c.cmd.Process.Signal(syscall.SIGKILL)
	c.cmd.Wait()
	var got []string
	for l := range c.lines {
		got = append(got, l)
	}
	return got
}

func openKioskStore(t *testing.T, dir string) *store.Store {
	t.Helper()
	st, err := store.OpenDir(dir, filepath.Join(dir, "data.key"), store.Options{KioskID: "KIOSK-01", Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestKillDuringEnqueueAndSync kills the kiosk with SIGKILL at random
// points while it enqueues (durably) and while it syncs, with the portal
// also dropping some connections after committing. After every round the
// store must hold every acknowledged dossier and be consistent; at the end,
// after a final drain, the portal must hold every dossier exactly once.
func TestKillDuringEnqueueAndSync(t *testing.T) {
	n := *rounds
	if n == 0 {
		n = 240
		if *soak || os.Getenv("MOTCUA_SOAK") != "" {
			n = 3000
		}
	}
	kdir := t.TempDir()
	srv, err := portalserver.Open(portalserver.Config{Dir: t.TempDir(), Tokens: map[string]string{"tok": "KIOSK-01"}, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: srv.Handler()}
	go hs.Serve(l)
	defer hs.Close()
	url := "http://" + l.Addr().String()
	openKioskStore(t, kdir).Close() // first open creates the file and the key

	acked := map[string]bool{}
	var killsEnqueue, killsSync, ackedTotal int
	for r := 0; r < n; r++ {
		mode := "enqueue"
		if r%2 == 1 {
			mode = "sync"
			if rand.IntN(3) == 0 {
				srv.Faults().Set(portalserver.FaultSettings{DropAfterCommitNext: 1 + rand.IntN(3)})
			}
		}
		c := startChild(t, mode, "H5_DIR="+kdir, "H5_PORTAL="+url)
		if rand.IntN(10) > 0 { // one round in ten dies while still starting up
			c.waitReady(t)
		}
		time.Sleep(time.Duration(rand.IntN(40_000)) * time.Microsecond)
		lines := c.kill(t)
		for _, ln := range lines {
			if id, ok := strings.CutPrefix(ln, "ok "); ok && dossier.ValidID(id) {
				acked[id] = true
				ackedTotal++
			}
			if strings.HasPrefix(ln, "error") {
				t.Fatalf("round %d (%s): %s", r, mode, ln)
			}
		}
		if mode == "enqueue" {
			killsEnqueue++
		} else {
			killsSync++
		}
		// The local queue is consistent after every kill, and every
		// acknowledged dossier is there.
		st := openKioskStore(t, kdir)
		if probs, err := st.Check(); err != nil || len(probs) > 0 {
			st.Close()
			t.Fatalf("round %d (%s): store inconsistent: %v %v", r, mode, probs, err)
		}
		if r%20 == 0 || r == n-1 {
			for id := range acked {
				if _, err := st.Get(id); err != nil {
					st.Close()
					t.Fatalf("round %d: acknowledged dossier %s lost: %v", r, id, err)
				}
			}
		}
		st.Close()
	}
	srv.Faults().Set(portalserver.FaultSettings{})

	st := openKioskStore(t, kdir)
	defer st.Close()
	// How often a kill fell between the portal's commit and the kiosk's:
	// dossiers the portal has that the kiosk still thinks are queued.
	onPortal := map[string]bool{}
	srv.Each(func(r portalserver.Record) error { onPortal[r.DossierID] = true; return nil })
	queued, _ := st.List(store.Filter{State: store.Queued})
	inDoubt := 0
	for _, r := range queued {
		if onPortal[r.ID] {
			inDoubt++
		}
	}
	before := len(onPortal)
	client, _ := portal.NewHTTPClient(url, "tok")
	w, _ := New(Config{Store: st, Client: client, RetryBase: time.Millisecond})
	res, err := w.Drain(context.Background())
	if err != nil || res.Left != 0 {
		t.Fatalf("final drain: %+v %v", res, err)
	}
	recs, _ := st.List(store.Filter{})
	c, _ := srv.Count()
	if c.Dossiers != len(recs) || c.DistinctKioskDossierIDs != len(recs) {
		t.Fatalf("portal %+v, kiosk holds %d dossiers: lost or duplicated", c, len(recs))
	}
	codes := map[string]string{}
	srv.Each(func(r portalserver.Record) error { codes[r.DossierID] = r.Code; return nil })
	for _, r := range recs {
		if r.State != store.Filed || codes[r.ID] != r.Code {
			t.Fatalf("dossier %s: local %s code %q, portal code %q", r.ID, r.State, r.Code, codes[r.ID])
		}
	}
	for id := range acked {
		if _, ok := codes[id]; !ok {
			t.Fatalf("acknowledged dossier %s never reached the portal", id)
		}
	}
	t.Logf("%d rounds (%d killed enqueueing, %d killed syncing); %d dossiers acknowledged, %d stored; "+
		"%d filed during the kill rounds, %d of them filed at the portal but not yet recorded locally when killed; final portal %+v",
		n, killsEnqueue, killsSync, ackedTotal, len(recs), before, inDoubt, c)
}

// TestPortalCrashAndRestart kills the portal (durable store) with SIGKILL
// several times while the kiosk drains into it, restarting it on the same
// address; the kiosk must notice, wait, resume, and the portal must end up
// with every dossier exactly once.
func TestPortalCrashAndRestart(t *testing.T) {
	const total = 300
	pdir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	kdir := t.TempDir()
	st, err := store.OpenDir(kdir, filepath.Join(kdir, "data.key"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for i := 0; i < total; i++ {
		if _, _, err := st.Enqueue(testdossier.New(i, time.Now()), nil); err != nil {
			t.Fatal(err)
		}
	}
	start := func() *child {
		c := startChild(t, "portal", "H5_DIR="+pdir, "H5_ADDR="+addr)
		c.waitReady(t)
		return c
	}
	p := start()
	client, _ := portal.NewHTTPClient("http://"+addr, "tok")
	w, _ := New(Config{Store: st, Client: client, Concurrency: 4, RetryBase: time.Millisecond,
		ProbeBase: 5 * time.Millisecond, ProbeMax: 20 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	crashes := 0
	for crashes < 5 && st.OutboxLen() > 0 {
		time.Sleep(time.Duration(5+rand.IntN(30)) * time.Millisecond)
		p.kill(t)
		crashes++
		time.Sleep(time.Duration(rand.IntN(30)) * time.Millisecond) // down for a while
		p = start()
	}
	waitFor(t, w.Watch(ctx), func(s Snapshot) bool { return s.Queue == 0 && s.Online })
	cancel()
	<-done
	p.kill(t)
	c, err := portalserver.CountDir(pdir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Dossiers != total || c.DistinctKioskDossierIDs != total {
		t.Fatalf("after %d portal crashes: %+v, want %d each", crashes, c, total)
	}
	if probs, _ := st.Check(); len(probs) > 0 {
		t.Fatalf("store: %v", probs)
	}
	t.Logf("%d portal crashes; portal %+v; probes %d", crashes, c, w.Snapshot().Probes)
}

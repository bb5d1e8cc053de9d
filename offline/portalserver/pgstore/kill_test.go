package pgstore

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"motcua/internal/pgtest"
	"motcua/offline/internal/testdossier"
	"motcua/offline/portal"
	"motcua/offline/portalserver"
	"motcua/offline/store"
	osync "motcua/offline/sync"
)

// The two-instance test re-runs this test binary as a portal or a kiosk
// sync process, selected by PGK_HELPER, so it can SIGKILL real processes.
const helperEnv = "PGK_HELPER"

var killTokens = map[string]string{"tok-1": "KIOSK-01", "tok-2": "KIOSK-02", "tok-3": "KIOSK-03"}

// TestHelperProcess is not a test: it is the child process of
// TestTwoPortalsOneDatabaseKill.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		return
	}
	defer os.Exit(0)
	fail := func(err error) {
		fmt.Println("error", err)
		os.Exit(3)
	}
	switch mode {
	case "portal":
		st, err := Open(context.Background(), os.Getenv("PGK_DB"))
		if err != nil {
			fail(err)
		}
		srv, err := portalserver.Open(portalserver.Config{Store: st, Tokens: killTokens, Agency: "000.00.01.H22"})
		if err != nil {
			fail(err)
		}
		// Also commit-then-drop a few answers: the kiosk must retry.
		srv.Faults().Set(portalserver.FaultSettings{DropAfterCommitNext: 2})
		l, err := net.Listen("tcp", os.Getenv("PGK_ADDR"))
		if err != nil {
			fail(err)
		}
		fmt.Println("ready")
		http.Serve(l, srv.Handler())
	case "sync":
		dir := os.Getenv("PGK_DIR")
		st, err := store.OpenDir(dir, filepath.Join(dir, "data.key"), store.Options{KioskID: os.Getenv("PGK_KIOSK"), Timeout: 10 * time.Second})
		if err != nil {
			fail(err)
		}
		client, _ := portal.NewHTTPClient(os.Getenv("PGK_PORTAL"), os.Getenv("PGK_TOKEN"))
		w, _ := osync.New(osync.Config{Store: st, Client: client, Concurrency: 4, RetryBase: time.Millisecond,
			ProbeBase: time.Millisecond, ProbeMax: 5 * time.Millisecond})
		fmt.Println("ready")
		for {
			w.Drain(context.Background())
			time.Sleep(time.Millisecond)
		}
	}
}

type child struct {
	cmd   *exec.Cmd
	lines chan string
}

func startChild(t *testing.T, env ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	// Whatever happens to the test, the child dies with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, lines: make(chan string, 64)}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
		close(c.lines)
	}()
	for l := range c.lines {
		if l == "ready" {
			return c
		}
		if strings.HasPrefix(l, "error") {
			c.kill()
			t.Fatalf("helper: %s", l)
		}
	}
	t.Fatal("helper exited before it was ready")
	return nil
}

func (c *child) kill() {
	c.cmd.Process.Signal(syscall.SIGKILL)
	c.cmd.Wait()
	for range c.lines {
	}
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestTwoPortalsOneDatabaseKill runs two portal processes on one
// PostgreSQL database while three kiosk sync processes send to them in
// turn. Kiosks are SIGKILLed mid-sync and portals are SIGKILLed mid-request
// and restarted (and drop some answers after committing); at the end every
// dossier is held exactly once and the codes are unique and gap-free.
func TestTwoPortalsOneDatabaseKill(t *testing.T) {
	const perKiosk, rounds = 150, 30
	db := pgtest.NewDB(t)
	ctx := context.Background()
	pst, err := Open(ctx, db) // migrate once; the check reads through it too
	if err != nil {
		t.Fatal(err)
	}
	defer pst.Close()

	type kiosk struct{ id, tok, dir string }
	var kiosks []kiosk
	for tok, id := range killTokens {
		k := kiosk{id: id, tok: tok, dir: t.TempDir()}
		st, err := store.OpenDir(k.dir, filepath.Join(k.dir, "data.key"), store.Options{KioskID: id, NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		for i := range perKiosk {
			if _, _, err := st.Enqueue(testdossier.New(i, time.Now()), nil); err != nil {
				t.Fatal(err)
			}
		}
		st.Close()
		kiosks = append(kiosks, k)
	}
	total := perKiosk * len(kiosks)

	addrs := []string{freeAddr(t), freeAddr(t)}
	var pmu sync.Mutex
	portals := make([]*child, 2)
	startPortal := func(i int) *child {
		return startChild(t, helperEnv+"=portal", "PGK_DB="+db, "PGK_ADDR="+addrs[i])
	}
	for i := range portals {
		portals[i] = startPortal(i)
	}
	defer func() {
		pmu.Lock()
		for _, p := range portals {
			p.kill()
		}
		pmu.Unlock()
	}()

	// Portal killer: every so often one portal dies mid-request and comes
	// back a little later.
	stop := make(chan struct{})
	killerDone := make(chan int)
	go func() {
		kills := 0
		defer func() { killerDone <- kills }()
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Duration(80+rand.IntN(120)) * time.Millisecond):
			}
			i := rand.IntN(2)
			pmu.Lock()
			portals[i].kill()
			kills++
			time.Sleep(time.Duration(rand.IntN(40)) * time.Millisecond)
			portals[i] = startPortal(i)
			pmu.Unlock()
		}
	}()

	// Each kiosk syncs in rounds, to portal 0 and portal 1 in turn, and is
	// killed at a random moment of each round.
	var wg sync.WaitGroup
	for ki, k := range kiosks {
		wg.Go(func() {
			for r := range rounds {
				c := startChild(t, helperEnv+"=sync", "PGK_DIR="+k.dir, "PGK_KIOSK="+k.id, "PGK_TOKEN="+k.tok,
					"PGK_PORTAL=http://"+addrs[(r+ki)%2])
				time.Sleep(time.Duration(10+rand.IntN(150)) * time.Millisecond)
				c.kill()
			}
		})
	}
	wg.Wait()
	close(stop)
	portalKills := <-killerDone

	during, err := pst.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Final drain, with no more kills, alternating portals.
	for ki, k := range kiosks {
		st, err := store.OpenDir(k.dir, filepath.Join(k.dir, "data.key"), store.Options{KioskID: k.id, NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		for try := 0; st.OutboxLen() > 0; try++ {
			if try == 50 {
				t.Fatalf("%s: %d dossiers still queued", k.id, st.OutboxLen())
			}
			client, _ := portal.NewHTTPClient("http://"+addrs[(try+ki)%2], k.tok)
			w, _ := osync.New(osync.Config{Store: st, Client: client, Concurrency: 4, RetryBase: time.Millisecond})
			dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			w.Drain(dctx)
			cancel()
		}
		if probs, err := st.Check(); err != nil || len(probs) > 0 {
			t.Fatalf("%s store: %v %v", k.id, probs, err)
		}
		st.Close()
	}

	c, err := pst.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Dossiers != total || c.DistinctKioskDossierIDs != total {
		t.Fatalf("portal holds %+v, want %d dossiers exactly once", c, total)
	}
	// Codes: unique, and 1..n with no gap on each day.
	seqs := map[string][]string{}
	err = pst.Each(ctx, func(r portalserver.Record) error {
		i := strings.LastIndexByte(r.Code, '-')
		seqs[r.Code[:i]] = append(seqs[r.Code[:i]], r.Code[i+1:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for day, ss := range seqs {
		for i, s := range ss {
			if want := fmt.Sprintf("%04d", i+1); s != want {
				t.Fatalf("%s: code #%d has sequence %s, want %s (gap or duplicate)", day, i+1, s, want)
			}
		}
		n += len(ss)
	}
	if n != total {
		t.Fatalf("%d codes, want %d", n, total)
	}
	t.Logf("%d dossiers from %d kiosks through 2 portals on one database: %d kiosk kills, %d portal kills, %d filed while killing; %+v",
		total, len(kiosks), rounds*len(kiosks), portalKills, during.Dossiers, c)
}

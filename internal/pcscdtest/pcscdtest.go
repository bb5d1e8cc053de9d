package pcscdtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"motcua/cardreader/vpcd"
	"motcua/internal/testdaemon"
)

// AptGet is the command that installs everything these tests need.
const AptGet = "apt-get install -y pcscd vsmartcard-vpcd libpcsclite-dev"

// Slots is the number of vpcd readers the Debian driver configures.
const Slots = 2

// BasePort is the TCP port of vpcd slot 0; slot N listens on BasePort+N.
const BasePort = 35963

// Env is a test process's share of the daemon: one vpcd slot.
type Env struct {
	// Slot is the vpcd slot this process owns (0 or 1).
	Slot int
	// VPCDAddr is where a card client dials to sit in this slot's reader.
	VPCDAddr string
	// Reader is the PC/SC name of this slot's reader.
	Reader string
	// Managed is true when this helper's supervisor runs the daemon (false
	// when a pcscd was already running and is merely used).
	Managed bool

	dir string
}

// ReaderName returns the PC/SC reader name of vpcd slot n.
func ReaderName(n int) string { return fmt.Sprintf("Virtual PCD 00 %02d", n) }

// VPCDAddr returns the loopback address of vpcd slot n.
func VPCDAddr(n int) string { return "127.0.0.1:" + strconv.Itoa(BasePort+n) }

var (
	// mu guards slotFiles.
	mu        sync.Mutex
	slotFiles = map[int]*os.File{}
	// acquireOnce joins the daemon and claims a slot on the first call
	// and returns that result ever after.
	acquireOnce = sync.OnceValues(func() (*Env, error) {
		mu.Lock()
		defer mu.Unlock()
		return acquire()
	})
	// share is the state directory os.TempDir()/motcua-pcscdtest and its
	// locks; slotN.lock there marks vpcd slot N taken.
	share = testdaemon.New("pcscdtest")
)

// Start returns this test process's Env, starting pcscd if needed. The first
// call registers the process as a daemon user and claims a vpcd slot; both
// are held until the process exits. Later calls return the same Env. It
// fails t (never skips) when pcscd or the vpcd driver is missing.
func Start(t testing.TB) *Env {
	t.Helper()
	env, err := Acquire()
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// Acquire is Start for TestMain and commands: it returns an error instead of
// failing a test.
func Acquire() (*Env, error) { return acquireOnce() }

// Prerequisites reports what is missing to run the daemon, or nil.
func Prerequisites() error {
	var missing []string
	if _, err := exec.LookPath(pcscdPath()); err != nil {
		missing = append(missing, "pcscd")
	}
	if _, err := os.Stat(vpcdDriver); err != nil {
		missing = append(missing, "the vsmartcard-vpcd driver ("+vpcdDriver+")")
	}
	if _, err := os.Stat(vpcdConf); err != nil {
		missing = append(missing, "the vpcd reader configuration ("+vpcdConf+")")
	}
	if len(missing) == 0 {
		return nil
	}
	ci := ""
	if os.Getenv("CI") == "true" {
		ci = " (CI=true: PC/SC tests must run)"
	}
	return fmt.Errorf("pcscdtest: missing %s%s; install with: sudo %s",
		strings.Join(missing, " and "), ci, AptGet)
}

const (
	vpcdDriver = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"
	vpcdConf   = "/etc/reader.conf.d/vpcd"
	// grace is how long the supervisor keeps an idle daemon, so packages run
	// one after another by `go test ./...` reuse it.
	grace = 3 * time.Second
	// slotWait bounds how long a package waits for a free vpcd slot.
	slotWait = 5 * time.Minute
)

func pcscdPath() string {
	if p := os.Getenv("PCSCDTEST_PCSCD"); p != "" {
		return p
	}
	for _, p := range []string{"/usr/sbin/pcscd", "/sbin/pcscd"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "pcscd"
}

// SocketPath is the pcscd client socket (PCSCLITE_CSOCK_NAME overrides it,
// as it does for libpcsclite).
func SocketPath() string {
	if p := os.Getenv("PCSCLITE_CSOCK_NAME"); p != "" {
		return p
	}
	return "/run/pcscd/pcscd.comm"
}

// DaemonUp reports whether pcscd accepts client connections.
func DaemonUp() bool {
	c, err := net.DialTimeout("unix", SocketPath(), time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

func acquire() (*Env, error) {
	if err := Prerequisites(); err != nil {
		return nil, err
	}
	var env *Env
	// The slot is claimed still holding start.lock, as the daemon check is:
	// a third package queues there until a slot frees.
	err := share.Join(func() error {
		managed, err := ensureDaemon(share.Dir)
		if err != nil {
			return err
		}
		slot, err := claimSlot(-1, slotWait)
		if err != nil {
			return err
		}
		env = &Env{Slot: slot, VPCDAddr: VPCDAddr(slot), Reader: ReaderName(slot), Managed: managed, dir: share.Dir}
		return nil
	})
	return env, err
}

// ensureDaemon makes sure pcscd is up, spawning a supervisor when it is not.
// The caller holds start.lock.
func ensureDaemon(dir string) (managed bool, err error) {
	if supervisorAlive(dir) {
		return true, waitDaemon(10 * time.Second)
	}
	if DaemonUp() {
		return false, nil
	}
	if os.Geteuid() != 0 {
		if _, err := os.Stat(filepath.Dir(SocketPath())); err != nil {
			return false, fmt.Errorf("pcscdtest: pcscd is not running and only root can start it here (it needs %s); start it with: sudo pcscd -f &", filepath.Dir(SocketPath()))
		}
	}
	sup, err := share.Spawn()
	if err != nil {
		return false, err
	}
	if err := waitDaemon(10 * time.Second); err != nil {
		return false, fmt.Errorf("%w (see %s)", err, sup.Log)
	}
	return true, nil
}

// ErrDaemonTimeout reports that pcscd did not come up in time.
var ErrDaemonTimeout = errors.New("pcscdtest: pcscd did not start")

func waitDaemon(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for !DaemonUp() {
		if time.Now().After(deadline) {
			return ErrDaemonTimeout
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The vpcd driver opens its ports before pcscd opens the client
	// socket, but give the reader threads a moment to settle.
	time.Sleep(50 * time.Millisecond)
	return nil
}

func supervisorAlive(dir string) bool {
	pid := readPID(filepath.Join(dir, "supervisor.pid"))
	return pid > 0 && syscall.Kill(pid, 0) == nil
}

func readPID(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}

// claimSlot takes the lock of a free slot (other than not), waiting up to limit.
func claimSlot(not int, limit time.Duration) (int, error) {
	deadline := time.Now().Add(limit)
	for {
		for n := range Slots {
			if n == not {
				continue
			}
			if _, held := slotFiles[n]; held {
				continue
			}
			f, err := share.TryLock(fmt.Sprintf("slot%d.lock", n))
			if err != nil {
				return 0, err
			}
			if f != nil {
				slotFiles[n] = f
				return n, nil
			}
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("pcscdtest: no vpcd slot freed within %v (other test binaries hold both)", limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Serve connects a vpcd card client to this process's slot (opts set it up
// first) and runs it until t ends, when it is stopped and waited for.
// Insert a card with its Insert.
func (e *Env) Serve(t testing.TB, opts ...func(*vpcd.Client)) *vpcd.Client {
	t.Helper()
	cl := vpcd.New(e.VPCDAddr)
	for _, o := range opts {
		o(cl)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { cl.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return cl
}

// Exclusive additionally claims every other slot, so no other test process
// uses the daemon until t ends. Tests that kill or restart pcscd need it.
func (e *Env) Exclusive(t testing.TB) {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	var taken []int
	for len(slotFiles) < Slots {
		n, err := claimSlot(e.Slot, slotWait)
		if err != nil {
			t.Fatal(err)
		}
		taken = append(taken, n)
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, n := range taken {
			slotFiles[n].Close()
			delete(slotFiles, n)
		}
	})
}

// KillDaemon kills pcscd with SIGKILL, as a crash would, and returns once it
// is gone. A managed daemon is restarted by the supervisor; call
// WaitDaemon. Hold Exclusive first: other packages would lose their reader.
func (e *Env) KillDaemon(t testing.TB) {
	t.Helper()
	if !e.Managed {
		t.Fatal("pcscdtest: pcscd was started outside this helper; stop it (e.g. systemctl stop pcscd.socket pcscd) so tests can restart it")
	}
	pid := readPID(filepath.Join(e.dir, "pcscd.pid"))
	if pid <= 0 {
		t.Fatal("pcscdtest: no pcscd pid recorded by the supervisor")
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("pcscdtest: kill pcscd: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		if time.Now().After(deadline) {
			t.Fatal("pcscdtest: pcscd did not die")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// WaitDaemon waits until pcscd accepts clients again (after KillDaemon).
func (e *Env) WaitDaemon(t testing.TB) {
	t.Helper()
	if err := waitDaemon(15 * time.Second); err != nil {
		t.Fatal(err)
	}
}

package testdaemon

import (
	"errors"
	"fmt"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Share is the state directory of one shared daemon.
type Share struct {
	// Dir holds the lock files, the supervisor's log and whatever the
	// helper package publishes for its clients (PID files, addresses).
	Dir string
	// name prefixes errors ("pcscdtest: …").
	name string
	// env names the variable that turns the test binary into the supervisor.
	env string
}

// New returns the Share of the helper package name (e.g. "pgtest"): its
// directory is os.TempDir()/motcua-NAME and its supervisor is selected by
// the environment variable MOTCUA_NAME_SUPERVISE. Nothing is created yet.
func New(name string) *Share {
	return &Share{
		Dir:  filepath.Join(os.TempDir(), "motcua-"+name),
		name: name,
		env:  "MOTCUA_" + strings.ToUpper(name) + "_SUPERVISE",
	}
}

// Intercept turns this process into the supervisor when Spawn started it:
// it runs supervise with the state directory and exits with its result.
// Call it from the helper package's init, so no test runs in the
// supervisor. In any other process it returns at once.
func (s *Share) Intercept(supervise func(dir string) int) {
	if dir := os.Getenv(s.env); dir != "" {
		s.Dir = dir // the directory of the process that spawned it
		os.Exit(supervise(dir))
	}
}

// held keeps the users.lock files of Join open (and locked) until the
// process exits: a file no longer referenced would be closed by its
// finalizer, releasing the lock.
var held []*os.File

// Join registers this process as a user of the daemon until it exits (a
// shared lock on users.lock) and runs ensure while holding start.lock, so
// no other process checks for or starts the daemon meanwhile. Taking
// users.lock blocks while a supervisor is stopping the daemon.
func (s *Share) Join(ensure func() error) error {
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	start, err := s.Lock("start.lock", syscall.LOCK_EX)
	if err != nil {
		return err
	}
	defer start.Close() // releases the lock
	users, err := s.Lock("users.lock", syscall.LOCK_SH)
	if err != nil {
		return err
	}
	held = append(held, users) // kept open (and locked) until the process exits
	return ensure()
}

// Lock opens (creating) the file name in the state directory and takes a
// flock on it (how: syscall.LOCK_SH or LOCK_EX), waiting as long as it takes.
// Closing the file releases the lock.
func (s *Share) Lock(name string, how int) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(s.Dir, name), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.name, err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), how)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: lock %s: %w", s.name, name, err)
	}
	return f, nil
}

// TryLock takes an exclusive lock on the file name in the state directory
// without waiting; nil, nil when another open file holds it.
func (s *Share) TryLock(name string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(s.Dir, name), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.name, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) || errors.Is(err, syscall.EINTR) {
			return nil, nil
		}
		return nil, fmt.Errorf("%s: lock %s: %w", s.name, name, err)
	}
	return f, nil
}

// Supervisor is a supervisor process started by Spawn.
type Supervisor struct {
	Cmd *exec.Cmd
	// Exited is closed when the supervisor has exited (it is reaped).
	Exited <-chan struct{}
	// Log is the file that receives its output.
	Log string
}

// Spawn starts the supervisor: a copy of this test binary, in a session of
// its own, that Intercept turns into the supervisor. Its output is appended
// to supervisor.log in the state directory: it must not hold the test's
// stdout open, since `go test` waits for that to close.
func (s *Share) Spawn() (*Supervisor, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.name, err)
	}
	logPath := filepath.Join(s.Dir, "supervisor.log")
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.name, err)
	}
	defer logf.Close()
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), s.env+"="+s.Dir)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: start supervisor: %w", s.name, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }() // reap it if it exits while we run
	return &Supervisor{Cmd: cmd, Exited: exited, Log: logPath}, nil
}

// Watch describes how a supervisor keeps its daemon.
type Watch struct {
	// Daemon names the daemon in the supervisor's log ("pcscd").
	Daemon string
	// Grace is how long an idle daemon is kept, so packages run one after
	// another by `go test ./...` reuse it.
	Grace time.Duration
	// Check, if set, runs on every tick; busy reports whether any process
	// holds users.lock. An error ends the supervision (logged, Stop, exit
	// code 1): the daemon died and cannot be brought back, say.
	Check func(busy bool) error
	// Stop stops the daemon and removes what the supervisor published. It
	// runs once, when the supervision ends for whatever reason.
	Stop func()
}

// tick is how often the supervisor looks at users.lock.
const tick = 250 * time.Millisecond

// Watch keeps the daemon while any process holds users.lock, and stops it
// (w.Stop) once nobody has for w.Grace, on SIGTERM, SIGINT or SIGHUP, or
// when w.Check fails. It returns the supervisor's exit code.
func (s *Share) Watch(w Watch) int {
	users, err := os.OpenFile(filepath.Join(s.Dir, "users.lock"), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		log.Print(err)
		w.Stop()
		return 1
	}
	defer users.Close() // releases the lock of an idle tick, if held
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	defer signal.Stop(sigs)
	t := time.NewTicker(tick)
	defer t.Stop()
	var idleSince time.Time
	for {
		select {
		case sig := <-sigs:
			log.Printf("%v: stopping %s", sig, w.Daemon)
			w.Stop()
			return 0
		case <-t.C:
		}
		busy := syscall.Flock(int(users.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil
		if w.Check != nil {
			if err := w.Check(busy); err != nil {
				log.Print(err)
				w.Stop()
				return 1 // closing users releases a lock we hold
			}
		}
		if busy {
			idleSince = time.Time{}
			continue
		}
		if idleSince.IsZero() {
			idleSince = time.Now()
		}
		if time.Since(idleSince) < w.Grace {
			syscall.Flock(int(users.Fd()), syscall.LOCK_UN)
			continue
		}
		// Still holding the exclusive lock: a new user waits until the
		// daemon is gone, then starts a fresh supervisor.
		log.Printf("no users for %v: stopping %s", w.Grace, w.Daemon)
		w.Stop()
		return 0 // closing users releases the lock
	}
}

package testdaemon

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// spawnName is the Share whose supervisor TestSpawnIntercept starts: this
// test binary, turned into a supervisor by the init below.
const spawnName = "testdaemonspawn"

func init() {
	New(spawnName).Intercept(func(dir string) int {
		os.WriteFile(filepath.Join(dir, "supervised"), []byte(strconv.Itoa(os.Getpid())), 0o644)
		return 3
	})
}

// newShare is a Share in a private directory.
func newShare(t *testing.T, name string) *Share {
	s := New(name)
	s.Dir = t.TempDir()
	return s
}

func TestNew(t *testing.T) {
	s := New("pcscdtest")
	if want := filepath.Join(os.TempDir(), "motcua-pcscdtest"); s.Dir != want {
		t.Errorf("Dir = %q, want %q", s.Dir, want)
	}
	if want := "MOTCUA_PCSCDTEST_SUPERVISE"; s.env != want {
		t.Errorf("env = %q, want %q", s.env, want)
	}
}

func TestTryLock(t *testing.T) {
	s := newShare(t, "t")
	f, err := s.TryLock("slot0.lock")
	if err != nil || f == nil {
		t.Fatalf("free lock: %v, %v", f, err)
	}
	if g, err := s.TryLock("slot0.lock"); g != nil || err != nil {
		t.Fatalf("held lock taken again: %v, %v", g, err)
	}
	f.Close()
	g, err := s.TryLock("slot0.lock")
	if err != nil || g == nil {
		t.Fatalf("released lock: %v, %v", g, err)
	}
	g.Close()
	s.Dir = filepath.Join(s.Dir, "missing")
	if _, err := s.TryLock("x.lock"); err == nil {
		t.Fatal("no error in a missing directory")
	}
}

// TestJoin: ensure runs under start.lock, which is released afterwards,
// and the process keeps its shared lock on users.lock.
func TestJoin(t *testing.T) {
	s := newShare(t, "t")
	s.Dir = filepath.Join(s.Dir, "state") // Join creates it
	ran := false
	err := s.Join(func() error {
		ran = true
		if f, _ := s.TryLock("start.lock"); f != nil {
			f.Close()
			t.Error("start.lock free while ensure runs")
		}
		return nil
	})
	if err != nil || !ran {
		t.Fatalf("Join: %v, ensure ran %v", err, ran)
	}
	if f, _ := s.TryLock("start.lock"); f == nil {
		t.Error("start.lock still held after Join")
	} else {
		f.Close()
	}
	if f, _ := s.TryLock("users.lock"); f != nil {
		f.Close()
		t.Error("users.lock not held after Join")
	}
	// A second user may join alongside (shared lock), and ensure's error
	// comes back.
	boom := errors.New("boom")
	if err := s.Join(func() error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("Join = %v, want %v", err, boom)
	}
}

func TestWatch(t *testing.T) {
	for _, tc := range []struct {
		name     string
		fail     bool // Check fails once the user has left
		wantCode int
	}{
		{"idle after the last user", false, 0},
		{"daemon died", true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newShare(t, "t")
			user, err := s.Lock("users.lock", syscall.LOCK_SH)
			if err != nil {
				t.Fatal(err)
			}
			var busyTicks, idleTicks, stops int
			done := make(chan int, 1)
			go func() {
				done <- s.Watch(Watch{
					Daemon: "test",
					Grace:  500 * time.Millisecond,
					Check: func(busy bool) error {
						if busy {
							busyTicks++
							return nil
						}
						idleTicks++
						if tc.fail {
							return errors.New("daemon died")
						}
						return nil
					},
					Stop: func() { stops++ },
				})
			}()
			select {
			case code := <-done:
				t.Fatalf("Watch ended (%d) while a user holds users.lock", code)
			case <-time.After(4 * tick):
			}
			user.Close()
			select {
			case code := <-done:
				if code != tc.wantCode {
					t.Errorf("exit code %d, want %d", code, tc.wantCode)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Watch did not end after the last user left")
			}
			if busyTicks == 0 || idleTicks == 0 || stops != 1 {
				t.Errorf("busy ticks %d, idle ticks %d, stops %d; want >0, >0, 1", busyTicks, idleTicks, stops)
			}
			// The supervisor released users.lock: a new user gets in.
			f, err := s.Lock("users.lock", syscall.LOCK_SH|syscall.LOCK_NB)
			if err != nil {
				t.Fatalf("users.lock left locked: %v", err)
			}
			f.Close()
		})
	}
}

// TestSpawnIntercept runs the real mechanism: Spawn starts this test binary
// again, whose init (Intercept) runs the supervisor function instead of
// the tests and exits with its code.
func TestSpawnIntercept(t *testing.T) {
	s := newShare(t, spawnName)
	sup, err := s.Spawn()
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-sup.Exited:
	case <-time.After(30 * time.Second):
		sup.Cmd.Process.Kill()
		t.Fatal("supervisor did not exit")
	}
	if code := sup.Cmd.ProcessState.ExitCode(); code != 3 {
		t.Errorf("supervisor exit code %d, want 3 (see %s)", code, sup.Log)
	}
	b, err := os.ReadFile(filepath.Join(s.Dir, "supervised"))
	if err != nil || string(b) != strconv.Itoa(sup.Cmd.Process.Pid) {
		t.Fatalf("supervisor wrote %q, %v; want its PID %d in the directory it was given", b, err, sup.Cmd.Process.Pid)
	}
	if sup.Log != filepath.Join(s.Dir, "supervisor.log") {
		t.Errorf("Log = %q", sup.Log)
	}
}

package pcscdtest

import (
	"log"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// superviseEnv, when set to the state directory, turns a process that links
// this package into the daemon supervisor before any test runs.
const superviseEnv = "MOTCUA_PCSCDTEST_SUPERVISE"

func init() {
	if dir := os.Getenv(superviseEnv); dir != "" {
		os.Exit(supervise(dir))
	}
}

// supervise runs pcscd until no test process holds users.lock for the grace
// period, restarting it if it dies in between.
func supervise(dir string) int {
	log.SetPrefix("pcscdtest supervisor: ")
	pidPath := filepath.Join(dir, "supervisor.pid")
	if err := os.WriteFile(pidPath, []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		log.Print(err)
		return 1
	}
	users, err := os.OpenFile(filepath.Join(dir, "users.lock"), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		log.Print(err)
		return 1
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)

	var (
		cmd    *exec.Cmd
		exited chan struct{}
		starts int
	)
	startDaemon := func() {
		starts++
		logf, _ := os.OpenFile(filepath.Join(dir, "pcscd.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		cmd = exec.Command(pcscdPath(), "-f")
		cmd.Stdout, cmd.Stderr = logf, logf
		// pcscd dies with the supervisor, however the supervisor ends.
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
		if err := cmd.Start(); err != nil {
			log.Printf("start pcscd: %v", err)
			cmd = nil
			return
		}
		os.WriteFile(filepath.Join(dir, "pcscd.pid"), []byte(strconv.Itoa(cmd.Process.Pid)), 0o644)
		log.Printf("pcscd started (pid %d, start %d)", cmd.Process.Pid, starts)
		exited = make(chan struct{})
		go func(c *exec.Cmd, done chan struct{}) {
			c.Wait()
			if logf != nil {
				logf.Close()
			}
			close(done)
		}(cmd, exited)
	}
	stopDaemon := func() {
		if cmd == nil {
			return
		}
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		cmd = nil
	}

	startDaemon()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	var idleSince time.Time
	for {
		select {
		case sig := <-sigs:
			log.Printf("%v: stopping pcscd", sig)
			stopDaemon()
			os.Remove(pidPath)
			return 0
		case <-tick.C:
		}
		if cmd != nil {
			select {
			case <-exited:
				// Killed by a test on purpose, or crashed: bring it back
				// while anyone still needs it.
				log.Printf("pcscd exited (%v); restarting", cmd.ProcessState)
				cmd = nil
				time.Sleep(100 * time.Millisecond)
			default:
			}
		}
		if err := syscall.Flock(int(users.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			idleSince = time.Time{}
			if cmd == nil {
				startDaemon()
			}
			continue
		}
		if idleSince.IsZero() {
			idleSince = time.Now()
		}
		if time.Since(idleSince) < grace {
			syscall.Flock(int(users.Fd()), syscall.LOCK_UN)
			continue
		}
		// Still holding the exclusive lock: a new user waits until the
		// daemon is fully gone, then starts a fresh supervisor.
		log.Printf("no users for %v: stopping pcscd", grace)
		stopDaemon()
		os.Remove(filepath.Join(dir, "pcscd.pid"))
		os.Remove(pidPath)
		syscall.Flock(int(users.Fd()), syscall.LOCK_UN)
		return 0
	}
}

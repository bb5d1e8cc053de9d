package pcscdtest

import (
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"motcua/internal/testdaemon"
)

func init() { share.Intercept(supervise) }

// supervise runs pcscd until no test process holds users.lock for the grace
// period, restarting it if it dies in between.
func supervise(dir string) int {
	log.SetPrefix("pcscdtest supervisor: ")
	pidPath := filepath.Join(dir, "supervisor.pid")
	if err := os.WriteFile(pidPath, []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		log.Print(err)
		return 1
	}

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
	return share.Watch(testdaemon.Watch{
		Daemon: "pcscd",
		Grace:  grace,
		Check: func(busy bool) error {
			if cmd != nil {
				select {
				case <-exited:
					// Killed by a test on purpose, or crashed: bring it
					// back while anyone still needs it.
					log.Printf("pcscd exited (%v); restarting", cmd.ProcessState)
					cmd = nil
					time.Sleep(100 * time.Millisecond)
				default:
				}
			}
			if busy && cmd == nil {
				startDaemon()
			}
			return nil
		},
		Stop: func() {
			stopDaemon()
			os.Remove(filepath.Join(dir, "pcscd.pid"))
			os.Remove(pidPath)
		},
	})
}

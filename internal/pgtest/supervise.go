package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua/internal/testdaemon"
)

func init() { share.Intercept(supervise) }

// owner is who runs initdb and postgres: the postgres user when we are
// root (PostgreSQL refuses to run as root), else nobody in particular.
func owner() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, but there is no postgres user to run the server as (%w); install with: sudo %s", err, AptGet)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// supervise initialises a cluster, runs postgres until no test process
// holds users.lock for the grace period, then stops it and deletes it.
func supervise(dir string) int {
	log.SetPrefix(fmt.Sprintf("pgtest supervisor %d: ", os.Getpid()))
	bin, err := binDir()
	if err != nil {
		log.Print(err)
		return 1
	}
	cred, err := owner()
	if err != nil {
		log.Print(err)
		return 1
	}
	root, err := os.MkdirTemp("", "motcua-pgtest-cluster-")
	if err != nil {
		log.Print(err)
		return 1
	}
	defer os.RemoveAll(root)
	if cred != nil {
		if err := os.Chown(root, int(cred.Uid), int(cred.Gid)); err != nil {
			log.Print(err)
			return 1
		}
	}
	pw := make([]byte, 18)
	rand.Read(pw)
	password := hex.EncodeToString(pw)
	pwFile := filepath.Join(root, "pw")
	if err := os.WriteFile(pwFile, []byte(password+"\n"), 0o600); err != nil {
		log.Print(err)
		return 1
	}
	if cred != nil {
		os.Chown(pwFile, int(cred.Uid), int(cred.Gid))
	}
	data := filepath.Join(root, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=scram-sha-256",
		"--pwfile="+pwFile, "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions")
	initdb.Dir = root
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		log.Printf("initdb: %v\n%s", err, trimLog(out))
		return 1
	}
	os.Remove(pwFile)
	port, err := freePort()
	if err != nil {
		log.Print(err)
		return 1
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="+root,
		"-c", "max_connections=300", "-c", "shared_buffers=64MB")
	cmd.Dir = root
	// postgres dies with the supervisor however the supervisor ends: SIGINT
	// is PostgreSQL's fast shutdown.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGINT}
	pg, err := startLogged(cmd, filepath.Join(dir, "postgres.log"))
	if err != nil {
		log.Printf("start postgres: %v", err)
		return 1
	}
	s := Server{Host: "127.0.0.1", Port: port, User: "postgres", Password: password, PID: os.Getpid()}
	if err := waitReady(s, pg.exited); err != nil {
		log.Print(err)
		pg.stop()
		return 1
	}
	b, _ := json.Marshal(s)
	tmp := filepath.Join(dir, fmt.Sprintf("server.json.%d", os.Getpid()))
	if err := os.WriteFile(tmp, b, 0o600); err != nil || os.Rename(tmp, filepath.Join(dir, "server.json")) != nil {
		log.Printf("writing server.json: %v", err)
		pg.stop()
		return 1
	}
	log.Printf("postgres ready on 127.0.0.1:%d (cluster %s)", port, root)

	// removeOwn deletes server.json only while it describes this
	// supervisor's cluster, never a successor's.
	removeOwn := func() {
		if cur, err := readServer(dir); err == nil && cur.PID == os.Getpid() {
			os.Remove(filepath.Join(dir, "server.json"))
		}
	}
	return share.Watch(testdaemon.Watch{
		Daemon: "postgres",
		Grace:  grace,
		Check: func(bool) error {
			select {
			case <-pg.exited:
				return fmt.Errorf("postgres exited unexpectedly (%v)", pg.cmd.ProcessState)
			default:
				return nil
			}
		},
		Stop: func() {
			removeOwn()
			pg.stop()
		},
	})
}

// child is a running process whose output goes to a log file it owns.
type child struct {
	cmd    *exec.Cmd
	log    *os.File
	exited chan struct{} // closed when the process has exited
}

// startLogged starts cmd with its output appended to logPath.
func startLogged(cmd *exec.Cmd, logPath string) (*child, error) {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	c := &child{cmd: cmd, log: logf, exited: make(chan struct{})}
	go func() { cmd.Wait(); close(c.exited) }()
	return c, nil
}

// stop interrupts the process (SIGINT: PostgreSQL's fast shutdown), kills
// it if it has not exited within 15 s, then closes its log.
func (c *child) stop() {
	c.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-c.exited:
	case <-time.After(15 * time.Second):
		c.cmd.Process.Kill()
		<-c.exited
	}
	c.log.Close()
}

func waitReady(s Server, exited <-chan struct{}) error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgx.Connect(ctx, s.URL("postgres"))
		if err == nil {
			conn.Close(ctx)
			cancel()
			return nil
		}
		cancel()
		select {
		case <-exited:
			return fmt.Errorf("postgres exited during start-up: %w", err)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres not ready within 60 s: %w", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

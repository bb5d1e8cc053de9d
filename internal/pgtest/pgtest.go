package pgtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua/internal/testdaemon"
)

// AptGet is the command that installs what these tests need.
const AptGet = "apt-get install -y postgresql"

// Server is the shared cluster as a test process sees it.
type Server struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	User     string `json:"user"`
	Password string `json:"password"`
	PID      int    `json:"supervisor"` // the supervisor's process ID
}

// URL returns the connection URL of database db.
func (s *Server) URL(db string) string {
	u := url.URL{Scheme: "postgres", User: url.UserPassword(s.User, s.Password),
		Host: net.JoinHostPort(s.Host, strconv.Itoa(s.Port)), Path: "/" + db, RawQuery: "sslmode=disable"}
	return u.String()
}

var (
	// acquireOnce starts or joins the cluster on the first call and
	// returns that result ever after.
	acquireOnce = sync.OnceValues(acquire)
	dbSeq       atomic.Int64
	// share is the state directory os.TempDir()/motcua-pgtest and its
	// locks; server.json there describes the running cluster.
	share = testdaemon.New("pgtest")
)

// Start returns the shared cluster, starting it if needed, and registers
// this process as a user until it exits. It fails t (never skips) when
// PostgreSQL is not installed.
func Start(t testing.TB) *Server {
	t.Helper()
	s, err := Acquire()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Acquire is Start for TestMain and commands.
func Acquire() (*Server, error) { return acquireOnce() }

// NewDB creates an empty database for t and returns its URL; the database
// is dropped when t ends.
func NewDB(t testing.TB) string {
	t.Helper()
	s := Start(t)
	name := fmt.Sprintf("motcua_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e6, dbSeq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, s.URL("postgres"))
		if err != nil {
			t.Errorf("pgtest: drop database: %v", err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database: %v", err)
		}
	})
	return s.URL(name)
}

// binDir finds the PostgreSQL server binaries (PGTEST_BINDIR overrides):
// the newest /usr/lib/postgresql/N/bin.
func binDir() (string, error) {
	if d := os.Getenv("PGTEST_BINDIR"); d != "" {
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi < vj
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "postgres")); err == nil {
			return dirs[i], nil
		}
	}
	ci := ""
	if os.Getenv("CI") == "true" {
		ci = " (CI=true: PostgreSQL tests must run)"
	}
	return "", fmt.Errorf("pgtest: the PostgreSQL server (initdb, postgres) is not installed%s; install with: sudo %s", ci, AptGet)
}

// grace is how long the supervisor keeps an idle cluster, so packages run
// one after another by `go test ./...` reuse it.
const grace = 3 * time.Second

func acquire() (*Server, error) {
	if _, err := binDir(); err != nil {
		return nil, err
	}
	var s *Server
	err := share.Join(func() (err error) {
		s, err = ensureServer(share.Dir)
		return err
	})
	return s, err
}

// ensureServer returns the running cluster, or starts a supervisor and
// waits for its cluster. The caller holds start.lock.
func ensureServer(dir string) (*Server, error) {
	// A live supervisor's cluster answers; a stale file (a supervisor
	// killed with SIGKILL, its PID reused) does not, and is replaced.
	if s, err := readServer(dir); err == nil && syscall.Kill(s.PID, 0) == nil && ping(s) == nil {
		return s, nil
	}
	os.Remove(filepath.Join(dir, "server.json"))
	sup, err := share.Spawn()
	if err != nil {
		return nil, err
	}
	deadline := time.After(90 * time.Second)
	for {
		if s, err := readServer(dir); err == nil && s.PID == sup.Cmd.Process.Pid {
			return s, nil
		}
		select {
		case <-sup.Exited:
			return nil, fmt.Errorf("pgtest: the supervisor exited before PostgreSQL was ready (see %s)", sup.Log)
		case <-deadline:
			return nil, fmt.Errorf("pgtest: PostgreSQL did not start within 90 s (see %s)", sup.Log)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func ping(s *Server) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		return err
	}
	return conn.Close(ctx)
}

// ErrNoServer reports that no cluster description was found.
var ErrNoServer = errors.New("pgtest: no running cluster")

func readServer(dir string) (*Server, error) {
	b, err := os.ReadFile(filepath.Join(dir, "server.json"))
	if err != nil {
		return nil, ErrNoServer
	}
	var s Server
	if err := json.Unmarshal(b, &s); err != nil || s.PID <= 0 {
		return nil, ErrNoServer
	}
	return &s, nil
}

// trimLog shortens a command's output for an error message.
func trimLog(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 2000 {
		s = "…" + s[len(s)-2000:]
	}
	return s
}

package pgtest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestNewDB(t *testing.T) {
	s := Start(t)
	if syscall.Kill(s.PID, 0) != nil {
		t.Fatal("supervisor not running")
	}
	ctx := context.Background()
	var urls []string
	for range 2 {
		urls = append(urls, NewDB(t))
	}
	if urls[0] == urls[1] {
		t.Fatal("two tests got the same database")
	}
	for _, u := range urls {
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		var addr string
		if err := conn.QueryRow(ctx, "SELECT host(inet_server_addr())").Scan(&addr); err != nil || addr != "127.0.0.1" {
			t.Fatalf("server address %q, %v; want loopback only", addr, err)
		}
		if _, err := conn.Exec(ctx, "CREATE TABLE t (x int)"); err != nil {
			t.Fatal(err)
		}
		conn.Close(ctx)
	}
	// A wrong password is refused: the cluster is not open to anyone who
	// finds the port.
	bad := *s
	bad.Password = "wrong"
	if conn, err := pgx.Connect(ctx, bad.URL("postgres")); err == nil {
		conn.Close(ctx)
		t.Fatal("wrong password accepted")
	}
}

// Stopping the server closes postgres.log: the supervisor holds it only
// while postgres runs.
func TestStopClosesLog(t *testing.T) {
	c, err := startLogged(exec.Command("sleep", "60"), filepath.Join(t.TempDir(), "postgres.log"))
	if err != nil {
		t.Fatal(err)
	}
	c.stop()
	if _, err := c.log.Write([]byte("after stop\n")); !errors.Is(err, os.ErrClosed) {
		t.Errorf("writing the log after stop: %v, want os.ErrClosed", err)
	}
	select {
	case <-c.exited:
	default:
		t.Error("stop returned before the process exited")
	}
}

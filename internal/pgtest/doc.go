// Package pgtest gives tests a real PostgreSQL server (Debian's postgresql
// package) and a fresh database of their own. It is the one place that
// starts PostgreSQL for tests.
//
// # How the server is shared
//
// `go test ./...` runs several test binaries at once, so one private
// cluster serves them all, tied to its users with file locks under
// os.TempDir()/motcua-pgtest, through internal/testdaemon as
// internal/pcscdtest shares pcscd:
//
//   - start.lock (exclusive, held briefly) serialises starting the cluster.
//   - users.lock: every test process that called Start holds a shared lock
//     on it until it exits; the kernel drops it when the process dies, even
//     by SIGKILL or a test timeout.
//
// When no cluster is running, Start launches a supervisor: a detached copy
// of the test binary (this package's init intercepts it through an
// environment variable) which runs initdb into a new temporary directory
// and `postgres` as its child, listening on 127.0.0.1 only, on a free port,
// with a generated password (scram-sha-256). When users.lock has had no
// holder for a short grace period the supervisor stops the server (fast
// shutdown) and deletes the cluster. The kernel's parent-death signal ties
// postgres to the supervisor, so nothing is left running after the last
// test binary exits, whether it passed, failed or crashed.
//
// Running as root, initdb and postgres run as the `postgres` user, which
// owns the cluster directory; otherwise as the current user.
//
// postgres runs as the supervisor's child rather than daemonised by
// pg_ctl, so its lifetime follows the supervisor's even when that is
// killed; pg_ctl is not needed.
//
// Each test asks for its own database with NewDB, dropped when the test ends.
//
// # Missing prerequisites fail, never skip
//
// Without the PostgreSQL server binaries Start fails the test with the
// apt-get line to run.
package pgtest

// Package testdaemon is the machinery internal/pcscdtest and internal/pgtest
// share to run one daemon per machine for all the test binaries that
// `go test ./...` runs at once, and to stop it after the last one exits.
//
// A Share is the daemon's state directory, os.TempDir()/motcua-NAME, and the
// file locks in it:
//
//   - start.lock (exclusive, held briefly): Join holds it while the caller
//     checks for a running daemon and starts one, so one process at a time
//     does that.
//   - users.lock: every process that joined holds a shared lock on it until
//     it exits. The kernel drops the lock when a process dies, even by
//     SIGKILL or a test timeout, so a crash cannot leak a user.
//
// The daemon is run by a supervisor: a detached copy of the test binary
// (Spawn) that the helper package's init turns into the supervisor
// (Intercept) before any test runs. The supervisor starts the daemon as its
// child with the kernel's parent-death signal set, then calls Watch, which
// keeps it until users.lock has had no holder for a grace period. Watch
// takes users.lock exclusively before it stops the daemon, so a process
// joining meanwhile waits until the daemon is gone and starts a fresh
// supervisor.
//
// What the daemon is, how it is started and how clients find it stay in the
// helper packages; this package knows only the locks and the supervisor's
// lifetime.
package testdaemon

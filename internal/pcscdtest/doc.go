// Package pcscdtest gives tests a real PC/SC daemon (pcscd with the
// vsmartcard-vpcd driver) and a vpcd slot of their own. It is the one place
// that starts pcscd for tests.
//
// # How the daemon is shared
//
// `go test ./...` runs several test binaries at once and there is one pcscd
// and two vpcd ports per machine, so the daemon is shared and its lifetime is
// tied to its users with file locks under os.TempDir()/motcua-pcscdtest
// (internal/testdaemon, which internal/pgtest uses too):
//
//   - start.lock (exclusive, held briefly) serialises starting the daemon.
//   - users.lock: every test process that called Start holds a shared lock
//     on it until the process exits. The kernel drops the lock when a process
//     dies, even by SIGKILL or a test timeout, so a crash cannot leak a user.
//   - slot0.lock and slot1.lock: a process holds one of them for its
//     lifetime; slot N is vpcd port 35963+N, reader "Virtual PCD 00 0N". A
//     third package waits until a slot frees.
//
// When no pcscd is running, Start launches a supervisor: a detached copy of
// the test binary (this package's init intercepts it through an environment
// variable) which runs `pcscd -f` as its child, restarts it if it dies while
// users remain (so tests can kill it on purpose), and stops it once
// users.lock has had no holder for a short grace period. The supervisor sets
// the kernel's parent-death signal on pcscd, so killing the supervisor
// kills the daemon too. Nothing is left running after the last test binary
// exits, whether it passed, failed or crashed.
//
// A pcscd that was already running (a developer's desktop daemon) is used as
// it is and never stopped.
//
// # Missing prerequisites fail, never skip
//
// Without pcscd or the vpcd driver, Start fails the test with the exact
// apt-get line to run. It never skips: a silently skipped PC/SC test is a
// PC/SC path nobody tested.
//
// Note that the Debian vpcd driver listens on 0.0.0.0, not only loopback:
// run these tests on a machine whose ports 35963-35964 are not reachable
// from an untrusted network. Tests themselves only dial 127.0.0.1.
package pcscdtest

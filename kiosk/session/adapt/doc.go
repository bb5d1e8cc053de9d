// Package adapt connects the session's ports to the real packages: the
// virtual or PC/SC card reader (cardreader/simreader, cardreader/emrtd) for
// CardSource, and the encrypted store, sync worker and portal client
// (offline/...) for Queue.
package adapt

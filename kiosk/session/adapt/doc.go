// Package adapt connects the session's one port, CardSource, to its two real
// implementations: the virtual card in process (cardreader/simreader) and a
// PC/SC reader (cardreader/emrtd through cardreader/pcsc, in pcsccard).
// Filing has no port: the session files through its Queue (the encrypted
// store and the sync worker) directly.
package adapt

// Package sessiontest builds a kiosk session on real parts for tests: the
// virtual chip read in process (simreader), the embedded catalog and the
// form engine, an encrypted bbolt store in a temporary directory, the sync
// worker, and the reference portal on a loopback HTTP server. Nothing is
// mocked; the portal can be taken down to test the offline path.
package sessiontest

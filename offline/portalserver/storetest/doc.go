// Package storetest is the conformance suite of portalserver.Store: one set
// of tests that every store (bbolt, PostgreSQL) must pass, on the store
// itself and through the portal's HTTP API, in the manner of restic's
// backend tests. A store's package calls Run from its own test with a
// function that opens a fresh, empty store.
package storetest

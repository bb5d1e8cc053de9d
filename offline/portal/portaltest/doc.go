// Package portaltest is the conformance suite of the portal contract
// (portal.Client): what the kiosk relies on from any portal adapter. The
// reference HTTP client runs it against the reference server over
// loopback; an adapter for a provincial one-door system must pass it
// against that system's test instance before the kiosk may use it.
//
// Modelled on restic's backend test suite: one Run, a fresh environment per
// check, and checks that name the clause of the contract they hold.
package portaltest

// Package heartbeat is the kiosk's periodic report of its health to the
// portal (POST /v1/heartbeat), and the report's wire form, which the portal
// parses with Parse.
//
// A heartbeat says what a province's operator needs to see at a glance:
// the app version and mode, the queue backlog and the age of its oldest
// dossier, the last successful sync, whether the card reader is there and
// what the card slot is doing, the scanner and printer as far as the kiosk
// knows, the age of the trust list, and free disk space. It never carries
// personal data: Status has no field that could hold a name, an ID number,
// an address or a date of birth, and Parse keeps only Status's fields, so
// whatever else a client sends is dropped, never stored.
//
// The kiosk app starts a Sender with Start(ctx, cfg, statusFunc): it sends
// every Interval (30 s by default) and, sooner, whenever the state changes
// (statusFunc is polled every PollInterval and compared, and Notify asks
// for an immediate look).
package heartbeat

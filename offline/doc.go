// Package offline owns persistence and delivery: the encrypted bbolt store
// (dossiers, outbox, audit trail, settings), the sync worker, the portal
// client, and the logic of the reference portal server. Its sub-packages each
// do one of these jobs. It never imports the kiosk.
package offline

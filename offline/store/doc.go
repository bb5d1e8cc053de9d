// Package store is the kiosk's durable, encrypted local store, one bbolt
// file: dossiers with their status history, the outbox the sync worker
// drains, attachments by SHA-256, the audit trail, settings, satisfaction
// ratings and indicator counters with a record of what the portal already
// has of them (PendingStats, MarkStatsSent), under a schema version with
// migrations.
//
// Personal data never reaches the file in clear: a dossier's content, its
// attachments and its receipt are sealed (package seal) under the data key;
// only non-personal metadata is readable — dossier ID, procedure, state,
// times, the ID number masked to its last four digits, the dossier hash and
// the portal's code and status. Every change is one bbolt transaction,
// fsynced before the call returns (unless Options.NoSync), so a power cut
// leaves each dossier either wholly queued or not there at all.
//
// Attachments (scanned PDFs up to the portal's limit) are never whole in
// memory: Stage streams one in from an io.Reader, sealed in 64 KiB chunks
// (seal's stream format) and hashed on the way, refusing it past
// Options.MaxAttachment (ErrTooLarge, nothing kept); EnqueueStaged links it
// to its dossier in the enqueue's one transaction; OpenAttachment reads it
// back a chunk at a time and checks its hash. Layout and crash behaviour:
// attach.go.
package store

// Package sync is the kiosk's sync worker: it drains the store's outbox to
// the portal with bounded concurrency and polls the status of filed
// dossiers.
//
// Delivery is exactly-once by construction: the dossier ID is the
// Idempotency-Key, the body is the dossier's canonical JSON, and a dossier
// leaves the outbox only in the same transaction that records the portal's
// answer. A crash anywhere means the dossier is sent again and the portal
// answers with its first answer.
//
// Failures are sorted three ways. When the portal cannot be reached (no
// connection, timeout, 502/503/504, token refused), the worker stops sending
// and probes one cheap health check at a time with exponential backoff and
// jitter; the first successful probe resumes the drain at once. A transient
// failure of one dossier (500, 429, a malformed answer) retries that dossier
// with its own backoff. A permanent refusal (another 4xx) moves the dossier
// to "needs attention" with the portal's reason; it is never dropped.
//
// A dossier's attachments go first, each streamed from the store into the
// upload (Outgoing.OpenAttachment, portal.Client.PutAttachment): a few
// 64 KiB chunks in memory whatever their size, within RequestTimeout plus
// the time the size takes at MinUploadRate. A stored attachment that does
// not open or match its hash sets the dossier aside for a clerk (local copy
// unreadable) instead of retrying it forever; on the portal's receipt the
// store deletes it with the rest of the personal data.
//
// Satisfaction ratings and Decision 06 indicator totals follow the
// dossiers in each pass, in batches the store freezes under their own ID
// (the Idempotency-Key) before sending and forgets only once the answer is
// recorded, so they too arrive exactly once; a batch refused for good is
// set aside in the store, never dropped. They are not urgent: a new rating
// waits for the next pass (an enqueue, a due retry or status poll, at most
// PollInterval).
//
// The package's tests kill real processes: the kiosk with SIGKILL at random
// points while it enqueues and while it syncs (240 rounds in make test), the
// portal during a drain, and drain 10,000 dossiers queued while the portal
// was down, measuring the heap. A longer soak runs outside make test:
//
//	go test ./offline/sync -run Kill -soak -timeout 60m
//
// Import it under another name, e.g. osync, since it shadows the standard
// library's sync.
package sync

// Package seal keeps personal data unreadable at rest: it seals values with
// AES-256-GCM under a data key held in a key file (mode 0600, created on
// first use), binds each sealed value to its record with additional data,
// and supports key rotation, during which old and new keys coexist so that a
// crash half-way never makes data unreadable. The key file also holds a
// separate, never-rotated key for keyed hashes (HMAC-SHA256) of citizen IDs,
// so the audit trail can name a citizen without storing the ID.
package seal

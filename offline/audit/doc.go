// Package audit keeps the processing log the data-protection rules ask for:
// every read of citizen data and every dossier action, who did it, when, for
// what purpose, and which citizen — named only by a keyed hash of the ID.
// Entries are chained: each one's hash covers the previous entry's hash, and
// the hashes are keyed with a key from the key file, so an edit, an insertion
// or a deletion anywhere in the trail, including at its end, is detected by
// Verify, even by someone who can write the database file but not read the
// key file.
package audit

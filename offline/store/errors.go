package store

import "errors"

// Errors returned by this package. The ones a person must act on have a
// message key (MessageKey) with the text in assets/i18n/*/store.json.
var (
	ErrNotFound = errors.New("store: no such dossier")
	ErrExists   = errors.New("store: a different dossier with this ID is already stored")
	ErrState    = errors.New("store: not allowed in the dossier's current state")
	ErrPurged   = errors.New("store: personal data already deleted (retention)")
	// ErrCorrupt means stored data is damaged: the file does not open as a
	// database, a page is broken, a record does not parse, or a sealed
	// dossier does not match its hash. Restore from a backup.
	ErrCorrupt      = errors.New("store: database damaged")
	ErrInvalid      = errors.New("store: invalid dossier")
	ErrSchemaTooNew = errors.New("store: database was written by a newer kiosk")
	ErrLocked       = errors.New("store: database is in use by another kiosk process")
	// ErrKeyMissing: the store exists but its data key file does not. A
	// new key would make every queued dossier unreadable: restore the key
	// file from the backup kept apart from the store.
	ErrKeyMissing = errors.New("store: data key file missing (the store exists; restore the key from its backup)")
	// ErrKeyMismatch: the key file is not the one this store was made with
	// (another kiosk's, or an old copy).
	ErrKeyMismatch = errors.New("store: data key file does not belong to this store")
	// ErrStoreMissing: a key file exists but the store is missing or empty.
	// Restore it from a backup, or start afresh with `kiosk init --new-store`.
	ErrStoreMissing = errors.New("store: database missing or empty (a data key exists; restore the store or run 'kiosk init --new-store')")
	// ErrTooLarge: an attachment exceeds the portal's size limit.
	ErrTooLarge = errors.New("store: attachment larger than the portal accepts")
)

// MessageKey returns the translation key of the message to show a person
// for err ("" when there is none). The texts say what is wrong and how to
// restore from a backup, in Vietnamese and English.
func MessageKey(err error) string {
	for _, m := range []struct {
		err error
		key string
	}{
		{ErrKeyMissing, "store.error.key-missing"},
		{ErrKeyMismatch, "store.error.key-mismatch"},
		{ErrStoreMissing, "store.error.store-missing"},
		{ErrCorrupt, "store.error.corrupt"},
		{ErrLocked, "store.error.locked"},
		{ErrSchemaTooNew, "store.error.schema-too-new"},
		{ErrTooLarge, "store.error.too-large"},
	} {
		if errors.Is(err, m.err) {
			return m.key
		}
	}
	return ""
}

// Package dossier is the dossier (hồ sơ) model shared by the form engine that
// builds it and the offline queue that delivers it: its ID, procedure,
// applicants with provenance, values, attachments by hash, and a canonical
// JSON encoding with a stable hash. It holds citizen data as plain values so
// that it depends on neither the UI nor the card reader.
package dossier

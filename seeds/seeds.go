// Package seeds embeds the seed data the kiosk ships with, so the binary
// works without a seeds directory next to it: the procedure catalog, the
// virtual card fixtures (fictional people only) and the test PKI that signs
// them.
//
// The card and PKI loaders read files from disk (a fixture names its key
// files and PKI by relative path), so Fixture resolves a fixture reference
// to a file: an existing path as given, else a seeds directory found beside
// the binary, else a private copy of the embedded seeds written once to the
// user's cache directory.
package seeds

import "embed"

// Procedures holds seeds/procedures/*.json, one procedure or bundle per file.
// Load it with kiosk/catalog.
//
//go:embed procedures/*.json
var Procedures embed.FS

// Forms holds seeds/procedures/forms/*.json: the printed layout of each
// procedure's declaration (tờ khai), one file per procedure slug. Load it
// with kiosk/declaration.
//
//go:embed procedures/forms/*.json
var Forms embed.FS

// Cards holds seeds/cards: fixtures (cards/NAME.json, cards/faults/NAME.json),
// their test-only keys and QR images. Load fixtures with Fixture.
//
//go:embed cards
var Cards embed.FS

// PKI holds seeds/pki, the test PKI: CSCAs, Document Signers with their
// private keys, the trust store and a master list. Test-only: no real card
// chains to it.
//
//go:embed pki
var PKI embed.FS

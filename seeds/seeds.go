// Package seeds embeds the seed data the kiosk ships with, so the binary
// works without a seeds directory next to it.
//
// Only the procedure catalog is embedded here so far. Other seed directories
// (cards, pki) may be added to this file by their owners with their own
// go:embed lines.
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

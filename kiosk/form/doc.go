// Package form is the form engine: it turns card Readings into a filled,
// validated procedure form and then into a dossier.
//
// A Form holds one procedure's values. Cards fill person blocks (ApplyCard,
// PlaceCard); every value carries its provenance (chip-verified,
// QR-unverified, typed, system), and chip-verified values are locked: Set
// returns a *LockedError. Fields are addressed by path: "key" for a
// top-level field, "block.sub" inside a person block, "table[2].col" in a
// table row. Validation (CheckField, Validate) and the list of what is still
// missing (Missing) give messages in Vietnamese and English and never quote
// the value. A field a card carries is never listed as missing once that
// person's card was read: the citizen never re-declares what the card says.
//
// An Intake runs a bundle (liên thông): one Form per step, with the child's
// or the deceased's data carried forward, built into linked dossiers.
package form

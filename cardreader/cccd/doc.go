// Package cccd is the Vietnamese layer of the card reader: the Citizen model,
// civil dates that may be partial (year only, or month and year), the
// 12-digit personal ID number and its rules, and the card validity
// milestones (25/40/60, plus 14 for the 2024 Căn cước card). DG13 and the
// printed QR payload are parsed here too.
//
// Two tables hold the vocabulary: CardFields, one row per card field (its
// prefill path, DG13 field number, QR position, kind and accessor), which
// DG13 decoding and encoding, Citizen normalisation, the catalog's prefill
// paths and the form's card values all use; and Generations, one row per
// card generation (first issue date, renewal ages, document type, issuer).
// Adding a card field is one CardFields row plus its tests.
//
// Card data fails soft: DG13 is read field by field (a field that does not
// parse is kept in Citizen.Unparsed with its reason and raw text, and the
// rest is read), and QR text garbled by a scanner's character set is
// repaired when that is lossless, refused otherwise.
//
// Nothing here touches the chip or the wire; it is plain data and rules.
package cccd

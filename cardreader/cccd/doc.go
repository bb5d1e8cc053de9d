// Package cccd is the Vietnamese layer of the card reader: the Citizen model,
// civil dates that may be year-only, the 12-digit personal ID number and its
// rules, and the card validity milestones (25/40/60, plus 14 for the 2024
// Căn cước card). DG13 and the printed QR payload are parsed here too.
//
// Nothing here touches the chip or the wire; it is plain data and rules.
package cccd

// Package printout turns a dossier in the kiosk's store into the papers a
// counter hands over: the declaration (tờ khai, kiosk/declaration) and the
// receipt (Mẫu 01, kiosk/receipt), ready for kiosk/printing.
//
// It also attaches the declaration to a new dossier as a part (key
// PartKey), so that the portal receives the filled form with the scans and
// the receipt lists it among the documents received. The part is stored
// like every attachment: sealed in the store, and deleted with the
// dossier's other personal data by the retention setting. Receipts are
// never written to disk: they are rendered in memory and sent to lp on its
// standard input.
package printout

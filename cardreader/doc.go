// Package cardreader turns a chipped Vietnamese identity card (CCCD 2021,
// Căn cước 2024) or its printed QR code into a Reading: the citizen's data,
// the photo, and how far each piece can be trusted, with the evidence.
//
// Sub-packages split the work by concern: iso7816 (APDUs and the Transport
// seam), cccd (the Vietnamese data model and rules), and the ICAO 9303 host
// side, the virtual chip, PC/SC and the QR reader beside them. This package
// knows nothing of forms or screens.
package cardreader

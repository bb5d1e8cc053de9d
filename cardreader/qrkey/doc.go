// Package qrkey opens a CCCD chip with what its printed QR code says, so the
// clerk types nothing, and then checks the QR against the chip.
//
// The QR has the ID and date of birth but no expiry. BAC needs the expiry,
// which the validity rules derive from the date of birth and the issue
// date (cccd.PlausibleExpiries); PACE needs only the CAN, the last six
// digits of the ID. Read tries the candidates best first until the chip
// opens. The QR is unsigned, so once the chip (whose data passive
// authentication vouches for) is read, every QR field is compared with it:
// a difference is a finding in Reading.CrossCheck (field names only), not an
// error.
package qrkey

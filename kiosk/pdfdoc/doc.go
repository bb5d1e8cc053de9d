// Package pdfdoc holds what the kiosk's printed documents (the declaration
// and the receipt) share: an fpdf document set up with a font that covers
// Vietnamese, the national title block, and text helpers that keep every
// string in NFC so that the PDF's text layer extracts as it was typed.
//
// The font is Noto Sans, taken through Fyne's theme API (Fyne embeds it):
// the kiosk already ships those bytes, so no font file is copied into this
// repository and no system font is needed.
package pdfdoc

// Package qrcode reads QR codes from photos, scans and camera frames, and
// draws them. Decoding uses github.com/makiuchi-d/gozxing; drawing uses
// github.com/skip2/go-qrcode.
//
// A counter camera sees the card at an angle, out of focus, under a lamp's
// glare, or small in a large frame. Decode therefore converts the image to
// a grey plane once (fast paths for camera YCbCr, grey and RGBA images),
// scales frames wider than MaxWidth down to ScanWidth, and tries in turn: the hybrid
// (local-threshold) binarizer, the global-histogram binarizer, a
// contrast-stretched copy, a quarter turn, and finally the full-resolution
// plane, always with TRY_HARDER and CHARACTER_SET UTF-8. It stops at the
// first success, so a clear code costs one attempt.
package qrcode

// Package qrcode reads QR codes from photos, scans and camera frames, and
// draws them. Decoding uses github.com/makiuchi-d/gozxing; drawing uses
// github.com/skip2/go-qrcode.
//
// A counter camera sees the card tilted, out of focus, under a lamp's
// glare, or small in a large frame. Decode reads the luminance plane in
// place (a camera's YCbCr frame or a grey image; other images are
// converted once), keeps a 720p frame at full resolution, since a card code
// there has only 3–4 pixels per module, and works in the order that
// succeeds on camera frames, measured on the corpus of package corpus and
// compared with zxing-cpp and zbar by BenchmarkCorpus
// (docs/performance.md):
//
//  1. one local-threshold binarization (gozxing's hybrid method, on the
//     byte plane, 32 pixels to a word) and one finder-pattern scan;
//  2. gozxing's own detection from the best three finder patterns, which
//     reads a code seen nearly face on;
//  3. for a tilted code, the perspective estimated from how the module size
//     changes between the finder patterns: the grid size, the bottom-right
//     alignment pattern where that perspective puts it, then a
//     least-squares homography over the code's other alignment patterns;
//  4. other plausible triples of finder candidates, best first; a resampled
//     copy when the patterns found are out of square; the global-histogram
//     binarizer only when finder patterns were seen; a contrast-stretched
//     copy only for a dim frame.
//
// A frame without finder patterns, the usual frame of a live stream, costs
// one binarization and one scan.
package qrcode

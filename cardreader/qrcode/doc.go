// Package qrcode reads QR codes from photos, scans and camera frames, and
// draws them. Decoding uses github.com/makiuchi-d/gozxing; drawing uses
// github.com/skip2/go-qrcode.
//
// A counter camera sees the card tilted, out of focus, under a lamp's
// glare, or small in a large frame. Decode reads the luminance plane in
// place (a camera's YCbCr frame or a grey image; other images are
// converted once), keeps a 720p frame at full resolution, since a card code
// there has only 3–4 pixels per module, and works in the order that
// succeeds on camera frames (measured on the corpus of package corpus and
// compared with zxing-cpp and zbar by BenchmarkCorpus): one local-threshold
// binarization and one finder-pattern scan; decoding from the most
// plausible triples of finder patterns, each at the grid size gozxing
// estimates and one version either side; the global-histogram binarizer
// only if finder patterns were seen; a contrast-stretched copy only for a
// dim frame. A frame with no finder patterns therefore costs one
// binarization and one scan.
package qrcode

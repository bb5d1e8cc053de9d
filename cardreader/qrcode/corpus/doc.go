// Package corpus generates camera-like frames of card QR codes for
// measuring QR decoders against each other.
//
// Each frame is a 1280×720 picture of a card on a desk, seen by a counter
// camera: the card tilted 0–45° away from the lens (mostly 20–45°) and
// turned any way in its plane, the code at 2.5–9 pixels per module (mostly
// 3–4), out of focus, under uneven light and a lamp's glare, at low
// contrast, with sensor noise, then JPEG-compressed at quality 35–95 as a
// USB camera's MJPEG stream is. Payloads are shaped like real card QRs: the
// 2021 CCCD's seven fields, and long 2024 Căn cước codes that add the
// household's names and ID numbers (that shape is a guess: no public
// source documents it). One frame in ten shows a card without a code, as
// most frames of a live stream do.
//
// Frames are a pure function of (set, index): the same seeds give the same
// bytes on every machine, so a tuning set and a held-out set can be named
// by their seeds. All people in the payloads are fictional.
package corpus

// Package scanner drives document scanners through SANE, the standard Linux
// scanner stack, by running its command-line frontend scanimage (Debian
// sane-utils). Running the frontend rather than binding libsane keeps cgo out
// of the kiosk and a misbehaving backend out of its address space: a driver
// that crashes or hangs takes one scanimage process with it, never the app.
//
// One scanimage run yields one page, streamed as PNM on its standard output
// and decoded straight into an image, so a page is never written to disk. A
// flatbed scan is one run per page; the feeder runs until it reports that it
// is out of paper. SANE's status codes (the frontend's exit status) become
// typed errors: ErrNoScanner, ErrCoverOpen, ErrJammed, ErrNoPaper, ErrBusy.
//
// Tests use SANE's own "test" backend through a private SANE_CONFIG_DIR
// (internal/sanetest); nothing system-wide is changed.
package scanner

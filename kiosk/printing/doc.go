// Package printing sends the kiosk's PDFs to a CUPS printer and follows the
// job, through the standard CUPS command-line clients (lp to submit, lpstat
// to read printer states) and one IPP request of its own (Get-Job-Attributes,
// the only way to tell a printed job from an aborted one; lpstat's lists are
// the fallback), so the kiosk needs no cgo binding and
// works with any CUPS queue the site has configured: a laser printer for
// A4/A5 at a counter, an 80 mm receipt printer at a self-service kiosk.
//
// Documents go to lp on its standard input: the kiosk writes no file. The
// scheduler keeps its own spool copy of each printed document for
// PreserveJobFiles seconds, one day by default: a kiosk's cupsd.conf must
// say "PreserveJobFiles No" so that declarations and receipts (personal
// data) leave the machine once printed (see the README). Errors are values: ErrNoCUPS, ErrNoPrinter, ErrStopped,
// ErrPaperOut, ErrJobFailed, each with a Vietnamese and English message for
// the screen (Message). The Spooler runs jobs in the background and reports
// their progress, so a print never holds up the next citizen.
//
// The output of lpstat is parsed with LANG=C (English); both parsers are
// fuzzed.
package printing

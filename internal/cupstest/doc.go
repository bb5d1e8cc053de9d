// Package cupstest gives a test its own CUPS scheduler with a cups-pdf
// virtual printer, and the PDFs that printer writes.
//
// # What Start builds
//
// Everything lives in a fresh directory under os.TempDir(): the cupsd.conf
// and cups-files.conf (ServerRoot), the spool, cache, state and log
// directories, a private ServerBin whose filter/, daemon/ … entries point at
// the system's and whose backend/ holds only the two backends the tests use,
// and the cups-pdf output directory. cupsd listens on a Unix socket in that
// directory only (no TCP port), has no printcap, no web interface and no
// browsing, and is started as `cupsd -f` under the user `lp` (when the test
// runs as root; otherwise as the test's own user): never as root. The test
// talks to it by setting CUPS_SERVER to Server.Socket for the lp, lpstat and
// lpadmin commands it runs (Server.Env).
//
// Each Start is its own scheduler, so any number of test binaries and tests
// can run at once: they share no port, socket, file or lock. The scheduler is
// stopped and its directory removed in t.Cleanup, whether the test passed or
// failed, and the kernel's parent-death signal kills cupsd if the test binary
// itself dies.
//
// # cups-pdf without root
//
// The cups-pdf backend refuses to run unless its effective user is root, and
// reads its settings only from /etc/cups/cups-pdf.conf. The private backend
// is therefore a small script that runs a copy of the Debian binary inside a
// new user and mount namespace (`unshare -r -m`): there the unprivileged
// scheduler user is mapped to root, and a private cups-pdf.conf is bind-
// mounted over /etc/cups/cups-pdf.conf for that process only. Nothing on the
// machine is changed and no process gains a real privilege. The printer uses
// the Debian CUPS-PDF PPD with PDF 1.5 output and the pdftocairo PostScript
// renderer, so the full filter chain of a real PostScript queue runs
// (pdftopdf, pdftops, cups-pdf, Ghostscript).
//
// That chain re-encodes fonts: letters outside Latin-1 (most Vietnamese
// vowels with tone marks) come out of Ghostscript as Type 3 glyphs without a
// Unicode map. They print right, but pdftotext cannot read them. Tests of
// printed output therefore check the text that survives (dossier codes, ID
// numbers, Latin-1 words), the page size and count, and compare the printed
// page's raster with the submitted one; the NFC text layer is checked on the
// PDF before it is spooled.
//
// A second printer, NoPaper, has a backend that reports media-empty the way
// a real printer's backend does (STATE: +media-empty-error, exit code 4 "stop
// the queue"), so the "paper out" path is tested against the real scheduler.
// A third, Broken, fails every job (exit code 1) under the abort-job error
// policy, so a job that never printed is not mistaken for a printed one.
//
// # Missing prerequisites fail, never skip
//
// Without cupsd, the lp tools, cups-pdf, Ghostscript, poppler or unshare,
// Start fails the test with the apt-get line to run.
package cupstest

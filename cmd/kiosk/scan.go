package main

import (
	"context"
	"flag"
	"fmt"
	"image"
	"os"
	"path/filepath"

	"motcua/kiosk/docpart"
	"motcua/kiosk/i18n"
	"motcua/kiosk/scanner"
	"motcua/offline/store"
)

// scanCommand is "kiosk scan"; main.go lists it.
var scanCommand = &command{name: "scan", summary: "list scanners, or scan a document into one A4 PDF dossier part (SANE)", run: runScan}

const scanUsage = `usage: kiosk scan --list [--json]
       kiosk scan [--device DEV] [--pages N] [--dpi 200] [--color] [--feeder] --out FILE.pdf [--key KEY] [--json]`

func runScan(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	list := fs.Bool("list", false, "list the scanners SANE sees")
	device := fs.String("device", "", "SANE device name (default: the first listed)")
	pages := fs.Int("pages", 1, "pages to scan; 0 with --feeder scans until the feeder is empty")
	dpi := fs.Int("dpi", 200, "resolution, 200–300 dpi")
	color := fs.Bool("color", false, "scan in colour (default grey)")
	feeder := fs.Bool("feeder", false, "scan from the automatic document feeder")
	source := fs.String("source", "", "the scanner's own name for the feeder, when it is not \"Automatic Document Feeder\"")
	out := fs.String("out", "", "the PDF to write (mode 0600; an existing file is not replaced)")
	key := fs.String("key", "", "the catalog's attachment key to tag the part with")
	docType := fs.String("doc-type", "", "the document type's name to tag the part with")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	var backend listFlag
	fs.Var(&backend, "option", "a device-specific SANE option passed as it is, e.g. --option=--test-picture=Grid; repeatable")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 || (!*list && *out == "") || *dpi < 75 || *dpi > 600 || *pages < 0 {
		fmt.Fprintln(e.stderr, scanUsage)
		return errUsage
	}
	s := &scanner.SANE{}
	if *list {
		devs, err := s.List(ctx)
		if err != nil {
			return scanError(err)
		}
		if *asJSON {
			if devs == nil {
				devs = []scanner.Device{}
			}
			return writeJSON(e.stdout, devs)
		}
		if len(devs) == 0 {
			fmt.Fprintln(e.stdout, "no scanner found / không thấy máy quét")
		}
		for _, d := range devs {
			fmt.Fprintf(e.stdout, "%s\t%s %s (%s)\n", d.Name, d.Vendor, d.Model, d.Type)
		}
		return nil
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	part, err := scanToPart(ctx, s, scanner.Options{Device: *device, DPI: *dpi, Color: *color, Feeder: *feeder, Source: *source, Backend: backend},
		*pages, *key, *docType, f, func(page int, frac float64) {
			fmt.Fprintf(e.stderr, "\rpage %d: %3.0f%%", page, frac*100)
		})
	fmt.Fprintln(e.stderr)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*out) // a half-written part is no part
		return scanError(err)
	}
	if *asJSON {
		return writeJSON(e.stdout, part)
	}
	fmt.Fprintf(e.stdout, "%s: %d page(s), %d bytes, sha256 %s\n", filepath.Base(*out), part.Pages, part.Size, part.SHA256)
	return nil
}

// scanToPart scans pages into one PDF part written to w, one page image in
// memory at a time.
func scanToPart(ctx context.Context, s *scanner.SANE, o scanner.Options, pages int, key, docType string, w *os.File, progress scanner.Progress) (docpart.Part, error) {
	b := docpart.New(docpart.Options{DPI: o.DPI})
	if _, err := s.Scan(ctx, o, pages, progress, func(img image.Image) error { return b.AddPage(img) }); err != nil {
		return docpart.Part{}, err
	}
	return b.Write(w, key, docType)
}

// scanError adds the Vietnamese and English explanation to a scanner or
// document error.
func scanError(err error) error {
	key := scanner.MessageKey(err)
	if key == "" {
		key = docpart.MessageKey(err)
	}
	if key == "" {
		// The store refuses a part past the portal's limit while streaming it in.
		key = store.MessageKey(err)
	}
	if key == "" {
		return err
	}
	t := i18n.Default()
	limit := fmt.Sprintf("%d MB", docpart.DefaultMaxBytes>>20)
	return fmt.Errorf("%w\n%s\n%s", err, t.In(i18n.VI, key, limit), t.In(i18n.EN, key, limit))
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/cardreader/emrtd"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/pki"
	"motcua/cardreader/simreader"
)

// readCommand is "kiosk read"; main.go lists it.
var readCommand = &command{name: "read", summary: "read and verify an identity card's chip (--sim FILE for a virtual card)", run: runRead}

// readFlags are the flags every read mode shares.
type readFlags struct {
	sim   string // fixture of a virtual card (--sim mode)
	json  bool
	photo string // write the DG2 image here
	trust string // CSCA trust store directory
	maxLe int
	// progress is told each step of a chip read (set by runRead).
	progress func(emrtd.Step)
}

// readMode reads one card as its flags say. A mode is chosen by its flag
// (--sim here; a reader or QR mode adds its own flag and function).
type readMode func(ctx context.Context, f *readFlags) (*cardreader.Reading, error)

func runRead(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("read", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var f readFlags
	fs.StringVar(&f.sim, "sim", "", "read a virtual card: a shipped fixture `NAME` (nguyen-van-an, faults/tamper-dg13; see seeds/cards) or a fixture FILE")
	fs.BoolVar(&f.json, "json", false, "print the reading as JSON (without the photo)")
	fs.StringVar(&f.photo, "photo", "", "write the face image to this file")
	fs.StringVar(&f.trust, "trust", "", "directory of trusted CSCA certificates and master lists (default with --sim: the test CSCA)")
	fs.IntVar(&f.maxLe, "max-le", emrtd.AutoLe, "longest READ BINARY: -1 (default) uses extended length when the card's ATR offers it, 0 for 256, above 256 for extended length")
	modes := addReadModes(fs) // --reader, --qr, --qr-text (read_modes.go)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "kiosk read: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	var mode readMode
	switch {
	case f.sim != "" && modes.chosen():
		fmt.Fprintln(e.stderr, "kiosk read: --sim reads a virtual card; leave out --reader and --qr")
		return errUsage
	case f.sim != "":
		mode = readSim
	case modes.chosen():
		mode = modes.read
	default:
		fmt.Fprintln(e.stderr, "kiosk read: choose a card: --sim NAME (e.g. nguyen-van-an), --reader pcsc, or --qr IMAGE")
		return errUsage
	}
	// The steps a citizen must act on are shown as they happen.
	f.progress = func(s emrtd.Step) {
		switch s {
		case emrtd.StepCardLifted:
			fmt.Fprintln(e.stderr, "kiosk read: the card left the reader: put it back within a few seconds (Đặt lại thẻ lên đầu đọc)")
		case emrtd.StepResuming:
			fmt.Fprintln(e.stderr, "kiosk read: card back, resuming from the first file not yet read")
		}
	}
	r, err := mode(ctx, &f)
	if err != nil {
		return readError(err)
	}
	defer r.Wipe()
	if f.photo != "" {
		if len(r.Photo.Data) == 0 {
			return errors.New("the card has no face image (DG2)")
		}
		if err := os.WriteFile(f.photo, r.Photo.Data, 0o600); err != nil {
			return err
		}
	}
	if f.json {
		return writeJSON(e.stdout, r)
	}
	printReading(e, r)
	return nil
}

// readSim reads a virtual card in process. The test CSCA of seeds/pki is
// trusted unless --trust names another store.
func readSim(ctx context.Context, f *readFlags) (*cardreader.Reading, error) {
	opts := simreader.Options{MaxLe: f.maxLe, Progress: f.progress}
	if f.trust != "" {
		t, err := loadTrust(f.trust)
		if err != nil {
			return nil, err
		}
		opts.Trust = t
	}
	return simreader.ReadFile(ctx, f.sim, opts)
}

// loadTrust loads a CSCA store and refuses an empty one, which would
// silently turn every passive authentication into "not checked".
func loadTrust(dir string) (*pki.TrustStore, error) {
	t, err := pki.LoadTrustStore(dir)
	if err != nil {
		return nil, fmt.Errorf("trust store: %w", err)
	}
	if t.Len() == 0 {
		return nil, fmt.Errorf("trust store %s holds no CSCA certificate", dir)
	}
	return t, nil
}

// readError puts a failed read in one clear line: what happened, then the
// technical cause. No personal data is in either.
func readError(err error) error {
	var fe *emrtd.FileError
	switch {
	case errors.Is(err, emrtd.ErrAccessDenied):
		return fmt.Errorf("the card refused the access key (check the ID, date of birth and expiry): %w", err)
	case errors.Is(err, iso7816.ErrCardRemoved):
		return fmt.Errorf("the card was removed during the read and not put back: %w", err)
	case errors.Is(err, emrtd.ErrSecureMessaging):
		return fmt.Errorf("secure messaging with the card failed (hold the card still and try again): %w", err)
	case errors.As(err, &fe):
		return fmt.Errorf("could not read %s from the card: %w", fe.Name, err)
	}
	return err
}

func printReading(e *env, r *cardreader.Reading) {
	c := r.Citizen
	p := func(label, v string) {
		if v != "" {
			fmt.Fprintf(e.stdout, "%-20s %s\n", label, v)
		}
	}
	p("ID", c.ID)
	p("Old ID", c.OldID)
	p("Full name", c.FullName)
	p("Date of birth", c.DateOfBirth.ISO())
	p("Sex", c.Sex.Vietnamese())
	p("Nationality", c.Nationality)
	p("Ethnicity", c.Ethnicity)
	p("Religion", c.Religion)
	p("Place of origin", c.PlaceOfOrigin)
	p("Place of residence", c.PlaceOfResidence)
	p("Identifying marks", c.IdentifyingMarks)
	p("Issue date", c.IssueDate.ISO())
	if c.NoExpiry {
		p("Expiry", cccd.NoExpiryText)
	} else {
		p("Expiry", c.ExpiryDate.ISO())
	}
	p("Father", c.Father)
	p("Mother", c.Mother)
	p("Spouse", c.Spouse)
	p("Card", r.Generation.String())
	if r.Photo.Format != "" {
		p("Photo", fmt.Sprintf("%s %dx%d, %d bytes", r.Photo.Format, r.Photo.Width, r.Photo.Height, len(r.Photo.Data)))
	}
	if r.DG13Version != 0 {
		p("DG13 version", fmt.Sprint(r.DG13Version))
	}
	if len(r.QRExtra) > 0 {
		p("QR fields", fmt.Sprintf("%d (%d after the 2021 seven)", r.QRFields, len(r.QRExtra)))
	}
	for _, path := range slices.Sorted(maps.Keys(c.Unparsed)) {
		u := c.Unparsed[path]
		p("Unparsed", fmt.Sprintf("%s: %s (card text %q): the form asks for it", path, u.Reason, u.Raw))
	}
	v := r.Verification
	for _, ch := range []struct {
		name string
		c    cardreader.Check
	}{{"Passive auth", v.Passive}, {"Active auth", v.Active}, {"Chip auth", v.Chip}, {"DG1/DG13", v.MRZ}, {"Anti-clone", v.AntiClone()}} {
		s := string(ch.c.Status)
		if ch.c.Status == "" {
			continue
		}
		if ch.c.Code != "" {
			s += " [" + ch.c.Code + "]"
		}
		if ch.c.Reason != "" {
			s += " (" + ch.c.Reason + ")"
		}
		p(ch.name, s)
	}
	if r.CrossCheck != nil && len(r.CrossCheck.Mismatches) > 0 {
		p("QR vs chip", "differ in "+strings.Join(r.CrossCheck.Mismatches, ", "))
	}
	for _, w := range r.Warnings {
		p("Warning", w.Code+": "+w.Reason)
	}
	p("Read", fmt.Sprintf("%s, %d APDUs, %d bytes, %v", r.Access, r.Stats.APDUs, r.Stats.Bytes, r.Stats.Duration.Round(1e5)))
}

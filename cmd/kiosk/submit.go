package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"motcua/cardreader/simreader"
	"motcua/kiosk/catalog"
	"motcua/kiosk/config"
	"motcua/kiosk/docpart"
	"motcua/kiosk/form"
	"motcua/offline/dossier"
	"motcua/offline/store"
)

// submitCommand is "kiosk submit"; main.go lists it.
var submitCommand = &command{name: "submit", summary: "build a dossier from card fixtures and queue it (for tests and scripts)", run: runSubmit}

// submitted is one queued dossier as `kiosk submit --json` prints it: no
// personal data beyond the masked ID.
type submitted struct {
	ID              string `json:"id"`
	Status          string `json:"status"` // local state: "queued"
	ProcedureCode   string `json:"procedureCode"`
	MaskedID        string `json:"maskedId"`
	Hash            string `json:"hash"`
	AppointmentDate string `json:"appointmentDate,omitempty"`
	LinkedTo        string `json:"linkedTo,omitempty"`
}

// submitOutput is the whole answer; for a bundle, Dossiers lists every step
// and ID/Status are the first step's.
type submitOutput struct {
	submitted
	Dossiers []submitted `json:"dossiers,omitempty"`
}

func runSubmit(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("submit", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	cf := config.Bind(fs)
	proc := fs.String("procedure", "", "procedure or bundle: national code or slug")
	var sims, attach listFlag
	fs.Var(&sims, "sim", "virtual card fixture (seeds/cards/NAME.json); repeatable; BLOCK=FILE picks the block")
	fs.Var(&attach, "attach", "KEY=FILE: attach a file as the catalog's attachment KEY; repeatable")
	valuesFile := fs.String("values", "", valuesHelp)
	asJSON := fs.Bool("json", false, "print JSON")
	dir := fs.String("catalog", "", "load the catalog from this directory instead of the built-in one")
	clerk := clerkFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *proc == "" || len(sims) == 0 || fs.NArg() > 0 {
		fmt.Fprintln(e.stderr, "usage: kiosk submit --procedure CODE --sim seeds/cards/NAME.json [--values JSON|@FILE] [--attach KEY=FILE] [--json]")
		return errUsage
	}
	cfg, st, err := openStore(cf)
	if err != nil {
		return err
	}
	defer st.Close()
	cat, p, err := findProcedure(*dir, *proc)
	if err != nil {
		return err
	}
	typed, err := readValues(*valuesFile) // inline JSON or @FILE (values.go)
	if err != nil {
		return err
	}
	// Every document becomes one A4 PDF part (a PDF is kept as it is, a
	// photo or scan image is fitted), checked against the portal's limit
	// here, before the citizen leaves, and streamed into the store, sealed,
	// as it is made: never whole in memory twice, never in clear on disk.
	var parts []*store.Staged
	defer func() {
		for _, p := range parts {
			p.Discard() // those the enqueue did not take
		}
	}()
	var atts []dossier.Attachment
	for _, a := range attach {
		key, file, ok := strings.Cut(a, "=")
		if !ok || key == "" {
			return fmt.Errorf("--attach %q: want KEY=FILE", a)
		}
		part, staged, err := stagePart(st, file, key, docTypeName(p, key), int64(cfg.MaxAttachmentMB)<<20)
		if err != nil {
			return scanError(fmt.Errorf("--attach %s: %w", key, err))
		}
		parts = append(parts, staged)
		atts = append(atts, part.Attachment(strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))+".pdf"))
	}

	who := store.Actor{Clerk: *clerk, Purpose: "nộp hồ sơ " + p.Ref()}

	opts := form.Options{Agency: cfg.AgencyName, KioskID: cfg.KioskID, CounterID: cfg.CounterID, ClerkID: *clerk}
	var first *form.Form
	var in *form.Intake
	if in, err = form.NewIntake(cat, p, opts); err == nil {
		first = in.Steps()[0]
	} else if first, err = form.New(p, opts); err != nil {
		return err
	} else {
		in = nil
	}
	for i, s := range sims {
		block, file := splitTarget(s)
		rd, err := simreader.ReadFile(ctx, file, simreader.Options{})
		if err != nil {
			return fmt.Errorf("card %d: %w", i+1, err)
		}
		// Reading the card is a read of citizen data: audit it.
		if err := st.RecordRead(who, rd.Citizen.ID, ""); err != nil {
			return err
		}
		if block != "" {
			_, err = first.ApplyCard(block, rd)
		} else {
			_, err = first.PlaceCard(rd)
		}
		rd.Wipe()
		if err != nil {
			return fmt.Errorf("card %d: %w", i+1, err)
		}
	}
	stepFor := func(path string) (*form.Form, string, error) {
		if in == nil {
			return first, path, nil
		}
		if slug, rest, ok := strings.Cut(path, ":"); ok {
			f, ok := in.Step(slug)
			if !ok {
				return nil, "", fmt.Errorf("no step %q in bundle %s", slug, p.Slug)
			}
			return f, rest, nil
		}
		return first, path, nil
	}
	if in != nil {
		in.Flow()
	}
	for path, v := range typed {
		f, fp, err := stepFor(path)
		if err != nil {
			return err
		}
		if err := f.Set(fp, v); err != nil {
			return fmt.Errorf("--values %s: %w", path, err)
		}
	}
	for _, a := range atts {
		f, key, err := stepFor(a.Key)
		if err != nil {
			return err
		}
		a.Key = key
		if err := f.Attach(a); err != nil {
			return fmt.Errorf("--attach %s: %w", a.Key, err)
		}
	}
	var ds []dossier.Dossier
	if in != nil {
		ds, err = in.Build(func() string { return dossier.NewID(time.Now()) })
	} else {
		var d dossier.Dossier
		d, err = first.Build(dossier.NewID(time.Now()))
		ds = []dossier.Dossier{d}
	}
	var inc *form.IncompleteError
	if errors.As(err, &inc) {
		fmt.Fprintln(e.stderr, "the form is not complete:")
		for _, pr := range inc.Problems {
			fmt.Fprintf(e.stderr, "  %s (%s)\n", pr.Path, pr.Code)
		}
		return fmt.Errorf("%d problem(s); fill them with --values", len(inc.Problems))
	}
	if err != nil {
		return err
	}
	// A bundle is stored whole or not at all.
	ptrs := make([]*dossier.Dossier, len(ds))
	for i := range ds {
		ptrs[i] = &ds[i]
	}
	recs, rcs, err := st.EnqueueStaged(ptrs, parts...)
	if err != nil {
		return err
	}
	var out submitOutput
	for i, rec := range recs {
		s := submitted{ID: rec.ID, Status: string(rec.State), ProcedureCode: rec.ProcedureCode, MaskedID: rec.MaskedID,
			Hash: rec.Hash, LinkedTo: ds[i].LinkedTo}
		if !rcs[i].AppointmentDate.IsZero() {
			s.AppointmentDate = rcs[i].AppointmentDate.ISO()
		}
		out.Dossiers = append(out.Dossiers, s)
	}
	out.submitted = out.Dossiers[0]
	if len(out.Dossiers) == 1 {
		out.Dossiers = nil
	}
	if *asJSON {
		return writeJSON(e.stdout, out)
	}
	for _, s := range append([]submitted{out.submitted}, out.Dossiers...)[min(1, len(out.Dossiers)):] {
		fmt.Fprintf(e.stdout, "%s  %s  %s  %s", s.ID, s.Status, s.ProcedureCode, s.MaskedID)
		if s.AppointmentDate != "" {
			fmt.Fprintf(e.stdout, "  hẹn trả %s", s.AppointmentDate)
		}
		fmt.Fprintln(e.stdout)
	}
	return nil
}

// stagePart makes the dossier part of file (docpart.ImportFile) and
// streams it into the store as it is written, through a pipe: the store
// seals it chunk by chunk and hashes it on the way, and refuses it
// (store.ErrTooLarge) past the portal's limit. A limit of 0 or less is
// docpart's default (DefaultMaxBytes).
func stagePart(st *store.Store, file, key, docType string, limit int64) (docpart.Part, *store.Staged, error) {
	pr, pw := io.Pipe()
	type made struct {
		part docpart.Part
		err  error
	}
	done := make(chan made, 1)
	go func() {
		part, err := docpart.ImportFile(file, key, docType, docpart.Options{MaxBytes: limit}, pw)
		pw.CloseWithError(err) // nil: EOF
		done <- made{part, err}
	}()
	staged, serr := st.Stage(pr, -1)
	pr.CloseWithError(errors.New("store stopped reading")) // unblocks the maker if Stage gave up
	m := <-done
	switch {
	case m.err != nil:
		if staged != nil {
			staged.Discard()
		}
		return docpart.Part{}, nil, m.err
	case serr != nil:
		return docpart.Part{}, nil, serr
	case staged.SHA256 != m.part.SHA256 || staged.Size != m.part.Size:
		staged.Discard()
		return docpart.Part{}, nil, fmt.Errorf("store: the part changed on its way in")
	}
	return m.part, staged, nil
}

// docTypeName is the catalog's (Vietnamese) name of attachment key of p.
func docTypeName(p *catalog.Procedure, key string) string {
	for _, a := range p.Attachments {
		if a.Key == key {
			return a.Name.VI
		}
	}
	return ""
}

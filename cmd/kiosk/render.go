package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"motcua/kiosk/config"
	"motcua/kiosk/printout"
)

var renderCommand = &command{name: "render", summary: "write a dossier's declaration or receipt as a PDF file", run: runRender}

const renderUsage = `usage: kiosk render --dossier ID --what declaration|receipt --out FILE.pdf [--paper A4|A5|roll80]`

func runRender(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	cf := config.Bind(fs)
	df := bindDocFlags(fs)
	what := fs.String("what", "declaration", "declaration or receipt")
	out := fs.String("out", "", "PDF file to write (mode 0600: it holds personal data)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *df.id == "" || *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(e.stderr, renderUsage)
		return errUsage
	}
	ws, err := printout.ParseWhat(*what)
	if err != nil || len(ws) != 1 {
		fmt.Fprintln(e.stderr, renderUsage)
		return errUsage
	}
	cfg, st, err := openStore(cf)
	if err != nil {
		return err
	}
	defer st.Close()
	docs, err := df.docs(cfg, st, ws, "xuất "+*what)
	if err != nil {
		return err
	}
	// O_EXCL: never overwrite a file, personal data or not.
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(docs[0].PDF); err != nil {
		f.Close()
		os.Remove(*out)
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s (%d bytes)\n", *out, len(docs[0].PDF))
	return nil
}

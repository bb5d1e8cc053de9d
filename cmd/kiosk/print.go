package main

import (
	"context"
	"flag"
	"fmt"

	"motcua/kiosk/config"
	"motcua/kiosk/printing"
	"motcua/kiosk/printout"
)

var printCommand = &command{name: "print", summary: "print a dossier's declaration and/or receipt through CUPS", run: runPrint}

const printUsage = `usage: kiosk print --dossier ID [--what receipt|declaration|both] [--printer NAME] [--paper A4|A5|roll80]`

func runPrint(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("print", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	cf := config.Bind(fs)
	df := bindDocFlags(fs)
	what := fs.String("what", "", "receipt, declaration or both (default: both at a counter, the receipt in self-service)")
	printer := fs.String("printer", "", "CUPS printer (default: the config's, else the system default)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *df.id == "" || fs.NArg() > 0 {
		fmt.Fprintln(e.stderr, printUsage)
		return errUsage
	}
	cfg, st, err := openStore(cf)
	if err != nil {
		return err
	}
	defer st.Close()
	if *what == "" {
		*what = "both"
		if cfg.Mode == "self-service" {
			*what = "receipt"
		}
	}
	ws, err := printout.ParseWhat(*what)
	if err != nil {
		return err
	}
	if *printer == "" {
		*printer = cfg.Printer
	}
	docs, err := df.docs(cfg, st, ws, "in "+*what)
	if err != nil {
		return err
	}
	sp := &printing.Spooler{Printer: *printer}
	err = sp.PrintWait(ctx, docs, func(u printing.Update) {
		if u.Done && u.Err != nil {
			fmt.Fprintf(e.stdout, "%s: not printed\n", u.Title)
			return
		}
		fmt.Fprintf(e.stdout, "%s: job %s %s\n", u.Title, u.Job.ID, u.State)
	})
	if err != nil {
		return fmt.Errorf("%w\n%s\n%s", err, printing.Message(err, "vi"), printing.Message(err, "en"))
	}
	return nil
}

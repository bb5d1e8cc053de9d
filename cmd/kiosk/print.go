package main

import (
	"context"
	"flag"
	"fmt"

	"motcua/kiosk/config"
	"motcua/kiosk/printing"
	"motcua/kiosk/printout"
	"motcua/offline/store"
)

var printCommand = &command{name: "print", summary: "print a dossier's declaration and/or receipt through CUPS", run: runPrint}

const printUsage = `usage: kiosk print --dossier ID [--what receipt|declaration|both] [--printer NAME] [--paper A4|A5|roll80]`

func runPrint(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("print", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	cf := config.Bind(fs)
	id := fs.String("dossier", "", "dossier ID (see 'kiosk queue list')")
	what := fs.String("what", "", "receipt, declaration or both (default: both at a counter, the receipt in self-service)")
	printer := fs.String("printer", "", "CUPS printer (default: the config's, else the system default)")
	paper := fs.String("paper", "", "receipt paper: A4, A5 or roll80 (default: the config's)")
	clerk := clerkFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *id == "" || fs.NArg() > 0 {
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
	src, err := printSource(cfg, st, *clerk, *paper)
	if err != nil {
		return err
	}
	docs, err := src.Docs(*id, ws, store.Actor{Clerk: *clerk, Purpose: "in " + *what})
	if err != nil {
		return err
	}
	sp := &printing.Spooler{Printer: *printer}
	err = sp.PrintWait(ctx, docs, func(u printing.Update) {
		switch {
		case u.Done && u.Err == nil:
			fmt.Fprintf(e.stdout, "%s: job %s %s\n", u.Title, u.Job.ID, u.State)
		case u.Done:
			fmt.Fprintf(e.stdout, "%s: not printed\n", u.Title)
		default:
			fmt.Fprintf(e.stdout, "%s: job %s %s\n", u.Title, u.Job.ID, u.State)
		}
	})
	if err != nil {
		return fmt.Errorf("%w\n%s\n%s", err, printing.Message(err, "vi"), printing.Message(err, "en"))
	}
	return nil
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"motcua/kiosk/config"
	"motcua/offline/audit"
)

// auditCommand is "kiosk audit"; main.go lists it.
var auditCommand = &command{name: "audit", summary: "verify or export the hash-chained audit trail", run: runAudit}

const auditUsage = `usage: kiosk audit verify
       kiosk audit export --format csv|json [--out FILE]`

func runAudit(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || (args[0] != "verify" && args[0] != "export") {
		fmt.Fprintln(e.stderr, auditUsage)
		return errUsage
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("audit "+sub, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	cf := config.Bind(fs)
	format := fs.String("format", "csv", "export format: csv or json")
	out := fs.String("out", "", "export to this file (mode 0600) instead of stdout")
	clerk := clerkFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 || (*format != "csv" && *format != "json") {
		fmt.Fprintln(e.stderr, auditUsage)
		return errUsage
	}
	cfg, st, err := openStore(cf)
	if err != nil {
		return err
	}
	defer st.Close()
	trail := st.Audit()
	if sub == "verify" {
		n, err := st.VerifyAudit() // a damaged page is an error, never a crash
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "audit trail intact: %d entries\n", n)
		return nil
	}
	var w io.Writer = e.stdout
	if *out != "" {
		f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		defer f.Close()
		// An existing file keeps its mode through O_TRUNC: make it private.
		if err := f.Chmod(0o600); err != nil {
			return err
		}
		w = f
	}
	if *format == "json" {
		err = trail.ExportJSON(w)
	} else {
		err = trail.ExportCSV(w)
	}
	if err != nil {
		return err
	}
	_, err = trail.Record(audit.Event{Clerk: *clerk, Kiosk: cfg.KioskID, Action: audit.Export, Purpose: "xuất nhật ký " + *format})
	return err
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"

	"motcua/kiosk/config"
	"motcua/offline/seal"
	"motcua/offline/store"
)

// restoreCommand is "kiosk restore"; main.go lists it.
var restoreCommand = &command{name: "restore", summary: "put a backup of the store (and of a lost key file) back in place", run: runRestore}

const restoreUsage = `usage: kiosk restore --from FILE [--key-from FILE] [--replace] [--data DIR] [--key FILE]

Checks that the backup FILE is whole and belongs to the data key, then puts
it in place as the store. --key-from first restores a lost key file (never
over an existing one). A store in use by a running kiosk is never touched;
an existing store is replaced only with --replace, and then kept beside the
restored one as kiosk.db.before-restore-TIME.`

func runRestore(ctx context.Context, e *env, args []string) error {
	flags := flag.NewFlagSet("restore", flag.ContinueOnError)
	flags.SetOutput(e.stderr)
	cf := config.Bind(flags)
	from := flags.String("from", "", "the store's backup")
	keyFrom := flags.String("key-from", "", "the key file's backup, when the key file is lost")
	replace := flags.Bool("replace", false, "replace an existing store (it is kept, renamed)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *from == "" || flags.NArg() > 0 {
		fmt.Fprintln(e.stderr, restoreUsage)
		return errUsage
	}
	cfg, err := cf.Resolve()
	if err != nil {
		return err
	}
	if *keyFrom != "" {
		if _, err := os.Stat(cfg.KeyPath()); !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("restore: a key file is already at %s: it is never replaced", cfg.KeyPath())
		}
		if _, err := seal.Load(*keyFrom); err != nil {
			return fmt.Errorf("restore: key backup: %w", err)
		}
		b, err := os.ReadFile(*keyFrom)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return err
		}
		if err := writePrivate(cfg.KeyPath(), b); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "key file restored to %s\n", cfg.KeyPath())
	}
	kept, err := store.Restore(cfg.DataDir, cfg.KeyPath(), *from, store.RestoreOptions{Replace: *replace})
	if err != nil {
		return err
	}
	if kept != "" {
		fmt.Fprintf(e.stdout, "the replaced store is kept as %s\n", kept)
	}
	fmt.Fprintf(e.stdout, "store restored from %s into %s\n", *from, cfg.DataDir)
	return nil
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"motcua/kiosk/config"
	"motcua/offline/store"
)

// initCommand is "kiosk init"; main.go lists it.
var initCommand = &command{name: "init", summary: "start a new, empty store on purpose (--new-store)", run: runInit}

const initUsage = `usage: kiosk init --new-store [--data DIR] [--key FILE]

Creates an empty store in the data directory. Use it only to start afresh
on purpose: when the store is lost, restore it instead (kiosk restore).
It refuses to touch a store that is there, and keeps the data key file if
one exists (creating it only when there is none).`

func runInit(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	cf := config.Bind(fs)
	newStore := fs.Bool("new-store", false, "create a new, empty store")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !*newStore || fs.NArg() > 0 {
		fmt.Fprintln(e.stderr, initUsage)
		return errUsage
	}
	cfg, err := cf.Resolve()
	if err != nil {
		return err
	}
	st, err := store.OpenDir(cfg.DataDir, cfg.KeyPath(), store.Options{KioskID: cfg.KioskID})
	if err == nil {
		st.Close()
		return fmt.Errorf("%w in %s: nothing changed (to replace it, restore a backup)", store.ErrStoreExists, cfg.DataDir)
	}
	if !errors.Is(err, store.ErrStoreMissing) {
		return err
	}
	st, err = store.OpenDir(cfg.DataDir, cfg.KeyPath(), store.Options{KioskID: cfg.KioskID, Create: true})
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(e.stdout, "new empty store created in %s (key %s)\n", cfg.DataDir, cfg.KeyPath())
	return nil
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"motcua/kiosk/config"
)

// backupCommand is "kiosk backup"; main.go lists it.
var backupCommand = &command{name: "backup", summary: "consistent copy of the store (and, apart from it, of the key file)", run: runBackup}

const backupUsage = `usage: kiosk backup --out FILE [--key-out FILE] [--data DIR]

Writes a consistent copy of the store to FILE (mode 0600) while the kiosk
keeps working. The copy is sealed: it is useless without the data key
file. Keep the key apart from the copy: --key-out writes the key file to
another place (another directory, or better another medium); it refuses the
directory of FILE.`

var errKeyBesideBackup = errors.New("backup: --key-out must not be in the backup's directory (keep the key apart)")

func runBackup(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	cf := config.Bind(fs)
	out := fs.String("out", "", "write the store's copy to this file")
	keyOut := fs.String("key-out", "", "also copy the key file here (another directory)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(e.stderr, backupUsage)
		return errUsage
	}
	if *keyOut != "" && sameDir(*out, *keyOut) {
		return errKeyBesideBackup
	}
	cfg, st, err := openStore(cf)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.Backup(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "store copied to %s (%d bytes)\n", *out, n)
	if *keyOut == "" {
		fmt.Fprintf(e.stdout, "the key file %s is not in the copy: back it up apart (kiosk backup --key-out)\n", cfg.KeyPath())
		return nil
	}
	key, err := os.ReadFile(cfg.KeyPath())
	if err != nil {
		return err
	}
	if err := writePrivate(*keyOut, key); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "key file copied to %s\n", *keyOut)
	return nil
}

func sameDir(a, b string) bool {
	da, err1 := filepath.Abs(filepath.Dir(a))
	db, err2 := filepath.Abs(filepath.Dir(b))
	return err1 == nil && err2 == nil && da == db
}

// writePrivate writes b to path with mode 0600, whatever mode a file there
// had, refusing to overwrite an existing file.
func writePrivate(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

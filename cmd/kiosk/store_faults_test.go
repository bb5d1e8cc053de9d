package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua/offline/store"
)

// Issue 13.1–13.3 at the command line: a lost store or key is refused by
// every command (queue check and audit verify never call an empty new store
// healthy); init --new-store, backup and restore are the explicit ways out.
func TestStoreFaultsCLI(t *testing.T) {
	data := t.TempDir()
	st, err := store.OpenDir(data, filepath.Join(data, "data.key"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, _, err := st.Enqueue(cliDossier(i), nil); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	common := []string{"--data", data}
	runOK := func(args ...string) string {
		t.Helper()
		code, out, errs := kioskRun(t, append(args, common...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s %s", args, code, out, errs)
		}
		return out
	}
	runFails := func(want string, args ...string) {
		t.Helper()
		code, out, errs := kioskRun(t, append(args, common...)...)
		if code == 0 || !strings.Contains(errs, want) {
			t.Fatalf("%v: exit %d, want an error naming %q: %s %s", args, code, want, out, errs)
		}
	}

	// Backups: the key is refused beside the copy, accepted apart.
	bakDir, keyDir := t.TempDir(), t.TempDir()
	bak, keyBak := filepath.Join(bakDir, "kiosk.db"), filepath.Join(keyDir, "data.key")
	runFails("keep the key apart", "backup", "--out", bak, "--key-out", filepath.Join(bakDir, "data.key"))
	runOK("backup", "--out", bak, "--key-out", keyBak)

	// The store is lost: every command refuses, nothing is created.
	os.Remove(filepath.Join(data, store.FileName))
	for _, args := range [][]string{{"queue", "check"}, {"audit", "verify"}, {"queue", "list"}} {
		runFails("database missing", args...)
	}
	if _, err := os.Stat(filepath.Join(data, store.FileName)); err == nil {
		t.Fatal("a refused command created a store")
	}
	runOK("restore", "--from", bak)
	if out := runOK("queue", "check"); !strings.Contains(out, "store consistent") {
		t.Fatalf("check after restore: %s", out)
	}
	if out := runOK("queue", "list", "--json"); strings.Count(out, `"state": "queued"`) != 3 {
		t.Fatalf("restored queue: %s", out)
	}

	// The key is lost: refused, no new key made; restore the key.
	os.Remove(filepath.Join(data, "data.key"))
	runFails("key file missing", "queue", "check")
	if _, err := os.Stat(filepath.Join(data, "data.key")); err == nil {
		t.Fatal("a refused command created a key")
	}
	runOK("restore", "--from", bak, "--key-from", keyBak, "--replace")
	runOK("queue", "check")

	// Starting afresh is explicit, and never over an existing store.
	runFails("already exists", "init", "--new-store")
	os.Remove(filepath.Join(data, store.FileName))
	runOK("init", "--new-store")
	if out := runOK("queue", "list", "--json"); strings.Contains(out, "queued") {
		t.Fatalf("new store not empty: %s", out)
	}
}

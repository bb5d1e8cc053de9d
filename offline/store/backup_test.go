package store

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"motcua/offline/internal/testdossier"
)

// Issue 13.3: a backup taken while the kiosk keeps enqueueing is a whole,
// consistent store; restore checks it and the key, never replaces a store
// in use, and keeps a replaced one.
func TestBackupAndRestore(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, Options{NoSync: true})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // writes during the backup
		defer wg.Done()
		for i := range 300 {
			d := testdossier.New(i, t0)
			if _, _, err := s.Enqueue(d, withAttachment(d, i)); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	bak := filepath.Join(t.TempDir(), "kiosk-backup.db")
	for range 3 {
		if _, err := s.Backup(bak); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	if _, err := s.Backup(bak); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(bak); st.Mode().Perm() != 0o600 {
		t.Fatalf("backup mode %v", st.Mode().Perm())
	}
	keyPath := filepath.Join(dir, "data.key")

	// The store is open (a running kiosk): restore refuses.
	if _, err := Restore(dir, keyPath, bak, RestoreOptions{Replace: true}); !errors.Is(err, ErrLocked) {
		t.Fatalf("restore over a store in use: %v", err)
	}
	s.Close()
	// A store is there: restore refuses unless told to replace it.
	if _, err := Restore(dir, keyPath, bak, RestoreOptions{}); !errors.Is(err, ErrStoreExists) {
		t.Fatalf("restore over a store: %v", err)
	}
	// Another kiosk's key: refused.
	other := t.TempDir()
	openStore(t, other, Options{}).Close()
	if _, err := Restore(t.TempDir(), filepath.Join(other, "data.key"), bak, RestoreOptions{}); !errors.Is(err, ErrKeyMismatch) {
		t.Fatalf("restore with another key: %v", err)
	}
	// A damaged backup: refused.
	bad := filepath.Join(t.TempDir(), "bad.db")
	raw, _ := os.ReadFile(bak)
	os.WriteFile(bad, raw[:len(raw)/3], 0o600)
	if _, err := Restore(t.TempDir(), keyPath, bad, RestoreOptions{}); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("restore of a truncated backup: %v", err)
	}
	// The store is lost; restore brings all 300 back.
	os.Remove(filepath.Join(dir, FileName))
	if _, err := OpenDir(dir, keyPath, Options{}); !errors.Is(err, ErrStoreMissing) {
		t.Fatalf("lost store: %v", err)
	}
	if kept, err := Restore(dir, keyPath, bak, RestoreOptions{}); err != nil || kept != "" {
		t.Fatalf("restore: %q %v", kept, err)
	}
	s = openStore(t, dir, Options{})
	if st, _ := s.Stats(); st.Queued != 300 {
		t.Fatalf("restored %+v", st)
	}
	if probs, err := s.Check(); err != nil || len(probs) != 0 {
		t.Fatalf("restored store: %v %v", probs, err)
	}
	s.Close()
	// Replace keeps the old store beside the restored one.
	kept, err := Restore(dir, keyPath, bak, RestoreOptions{Replace: true})
	if err != nil || kept == "" {
		t.Fatalf("replace: %q %v", kept, err)
	}
	if _, err := os.Stat(kept); err != nil {
		t.Fatalf("replaced store not kept: %v", err)
	}
}

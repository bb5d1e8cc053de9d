package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"

	"motcua/offline/seal"
)

// ErrStoreExists means a restore or a new store would replace a store that
// is there; nothing was changed.
var ErrStoreExists = errors.New("store: a store already exists here")

// Backup writes a consistent copy of the database (one read transaction:
// the kiosk keeps working meanwhile) to path, mode 0600, atomically. The
// copy holds only sealed personal data: it is useless without the key
// file, which is backed up apart from it (see `kiosk backup`).
func (s *Store) Backup(path string) (n int64, err error) {
	defer guard(&err, debug.SetPanicOnFault(true))
	err = writeAtomic(path, func(w io.Writer) error {
		return s.db.View(func(tx *bolt.Tx) error {
			var err error
			n, err = tx.WriteTo(w)
			return err
		})
	})
	return n, err
}

// writeAtomic writes a file through a temporary file in the same
// directory: mode 0600, fsync, rename, fsync of the directory.
func writeAtomic(path string, fill func(io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("store: %w", err)
	}
	if err := fill(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("store: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer d.Close()
	return d.Sync()
}

// VerifyBackup checks that the database file at path is whole (every page
// reachable from its buckets reads) and was made with kr's key file.
func VerifyBackup(path string, kr *seal.Keyring) (err error) {
	defer guard(&err, debug.SetPanicOnFault(true))
	if !fileHasData(path) {
		return fmt.Errorf("%w (%s)", ErrStoreMissing, filepath.Base(path))
	}
	if err := walkFile(path, time.Second); err != nil {
		return err
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	defer db.Close()
	s := &Store{db: db, kr: kr}
	return db.View(func(tx *bolt.Tx) error {
		m := tx.Bucket(bMeta)
		if m == nil {
			return fmt.Errorf("%w (empty database)", ErrStoreMissing)
		}
		if got := m.Get(keyCheck); got != nil {
			if !bytes.Equal(got, kr.CheckValue()) {
				return ErrKeyMismatch
			}
			return nil
		}
		return s.proveKey(tx)
	})
}

// RestoreOptions say what Restore may replace.
type RestoreOptions struct {
	// Replace allows replacing an existing store; it is kept beside the
	// restored one as kiosk.db.before-restore-TIME, never deleted.
	Replace bool
	Now     func() time.Time
}

// Restore puts the backup at backup in place as dir's store, after
// checking it is whole and matches the key file at keyPath (restore the key
// file first when it is missing). A store in use by a running kiosk is
// ErrLocked; an existing store is ErrStoreExists unless opt.Replace. It
// returns the path the replaced store was moved to ("" when none).
func Restore(dir, keyPath, backup string, opt RestoreOptions) (kept string, err error) {
	kr, err := seal.Load(keyPath)
	if errors.Is(err, seal.ErrNoKeyFile) {
		return "", fmt.Errorf("%w (%s)", ErrKeyMissing, keyPath)
	}
	if err != nil {
		return "", err
	}
	if err := VerifyBackup(backup, kr); err != nil {
		return "", fmt.Errorf("backup %s: %w", filepath.Base(backup), err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("store: %w", err)
	}
	path := filepath.Join(dir, FileName)
	if cur, err := os.OpenFile(path, os.O_RDWR, 0); err == nil {
		defer cur.Close()
		// bbolt holds an exclusive flock while a kiosk has the store open.
		if err := syscall.Flock(int(cur.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			return "", ErrLocked
		}
		if fileHasData(path) && !opt.Replace {
			return "", ErrStoreExists
		}
	}
	src, err := os.Open(backup)
	if err != nil {
		return "", fmt.Errorf("store: %w", err)
	}
	defer src.Close()
	tmp := filepath.Join(dir, ".restore-"+FileName)
	err = writeAtomic(tmp, func(w io.Writer) error {
		_, err := io.Copy(w, src)
		return err
	})
	if err != nil {
		return "", err
	}
	if fileHasData(path) {
		now := time.Now
		if opt.Now != nil {
			now = opt.Now
		}
		kept = path + ".before-restore-" + now().UTC().Format("20060102T150405Z")
		if err := os.Rename(path, kept); err != nil {
			os.Remove(tmp)
			return "", fmt.Errorf("store: %w", err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return kept, fmt.Errorf("store: %w", err)
	}
	return kept, syncDir(dir)
}

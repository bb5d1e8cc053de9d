package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"motcua/offline/audit"
	"motcua/offline/internal/groupcommit"
	"motcua/offline/seal"
)

// FileName is the store's file name inside the data directory.
const FileName = "kiosk.db"

// Retention says what happens to a dossier's personal data once the portal
// has confirmed receipt.
type Retention string

const (
	// DeleteOnReceipt deletes the sealed dossier, its attachments and the
	// applicant's name on the receipt; code, status and hash stay.
	DeleteOnReceipt Retention = "delete-on-receipt"
	// Keep keeps everything (sealed) until `kiosk queue purge`.
	Keep Retention = "keep"
)

// ParseRetention accepts the config file's spelling; "" is DeleteOnReceipt.
func ParseRetention(s string) (Retention, error) {
	switch Retention(s) {
	case "", DeleteOnReceipt:
		return DeleteOnReceipt, nil
	case Keep:
		return Keep, nil
	}
	return "", fmt.Errorf("store: unknown retention %q (want %q or %q)", s, DeleteOnReceipt, Keep)
}

// Options configure a Store.
type Options struct {
	Retention Retention
	KioskID   string // named in audit entries
	// NoSync skips fsync on commit: faster, but a power cut may lose the
	// last commits or corrupt the file. For tests and benchmarks only.
	NoSync bool
	// Timeout bounds the wait for another process's lock (default 2 s).
	Timeout time.Duration
	// Create allows creating a new, empty store where none is: on first
	// run (OpenDir sets it when neither the store nor the key exists) and
	// for `kiosk init --new-store`. Without it a missing store is
	// ErrStoreMissing, never silently recreated.
	Create bool
	// MaxAhead bounds how far ahead a retry or status lookup is scheduled
	// (default DefaultMaxAhead); entries further ahead, left by a clock
	// that went back, are due at once.
	MaxAhead time.Duration
	// MaxAttachment is the portal's size limit for one attachment (0: no
	// limit); Enqueue refuses a larger one with ErrTooLarge, while the
	// citizen is still at the counter.
	MaxAttachment int64
	Now           func() time.Time
}

// Store is the kiosk's local database. It is safe for concurrent use by the
// goroutines of one process; bbolt's file lock keeps other processes out.
type Store struct {
	db    *bolt.DB
	kr    *seal.Keyring
	trail *audit.Trail
	opt   Options
	now   func() time.Time
	wake  chan struct{}
	group *groupcommit.Group
}

// OpenDir opens DIR/kiosk.db with the key file at keyPath. Only on first
// run, when neither exists, does it create them (the directory and key file
// with modes 0700 and 0600). A store without its key is ErrKeyMissing; a key
// without its store is ErrStoreMissing (unless opt.Create, for `kiosk init
// --new-store`); a key from another store is ErrKeyMismatch. Nothing is
// replaced: restore the missing part from a backup.
func OpenDir(dir, keyPath string, opt Options) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	// Whatever existed before: the data directory is the kiosk's alone.
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	path := filepath.Join(dir, FileName)
	haveStore := fileHasData(path)
	kr, err := seal.Load(keyPath)
	switch {
	case errors.Is(err, seal.ErrNoKeyFile) && haveStore:
		return nil, fmt.Errorf("%w (%s)", ErrKeyMissing, keyPath)
	case errors.Is(err, seal.ErrNoKeyFile):
		// First run: no store, no key. The key is created before the store
		// so that a crash in between leaves a key and no store, which the
		// next start reports rather than papering over.
		if kr, err = seal.Create(keyPath); err != nil {
			return nil, err
		}
		opt.Create = true
	case err != nil:
		return nil, err
	}
	return Open(path, kr, opt)
}

// fileHasData reports whether path exists and is not empty.
func fileHasData(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Size() > 0
}

// Open opens the store at path with kr, migrating its schema. The store
// must exist unless opt.Create; it must have been made with kr's key file
// (its check value is kept in the store).
func Open(path string, kr *seal.Keyring, opt Options) (_ *Store, err error) {
	if opt.Retention == "" {
		opt.Retention = DeleteOnReceipt
	}
	if opt.Timeout == 0 {
		opt.Timeout = 2 * time.Second
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	exists := fileHasData(path)
	if !opt.Create && !exists {
		return nil, fmt.Errorf("%w (%s)", ErrStoreMissing, filepath.Base(path))
	}
	defer guard(&err, debug.SetPanicOnFault(true))
	if exists {
		// bbolt rebuilds the free list at open on a goroutine of its own,
		// where a damaged page panics beyond any recover: walk the file
		// read-only first, here, where a panic becomes ErrCorrupt.
		if err := walkFile(path, opt.Timeout); err != nil {
			return nil, err
		}
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opt.Timeout, NoSync: opt.NoSync, NoFreelistSync: true})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, ErrLocked
	}
	if err != nil {
		return nil, fmt.Errorf("%w: opening %s: %v", ErrCorrupt, filepath.Base(path), err)
	}
	// An existing file keeps its mode through bolt.Open: make it private.
	if err := os.Chmod(path, 0o600); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: %w", err)
	}
	s := &Store{db: db, kr: kr, opt: opt, now: now, wake: make(chan struct{}, 1), group: groupcommit.New(db)}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, err
	}
	trail, err := audit.New(db, kr)
	if err != nil {
		db.Close()
		return nil, err
	}
	s.trail = trail
	if err := s.dropStaged(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// walkFile opens the database read-only and visits every page reachable
// from its buckets (every key and the ends of every value), so that damage
// shows here as ErrCorrupt rather than as a crash later.
func walkFile(path string, timeout time.Duration) (err error) {
	defer guard(&err, debug.SetPanicOnFault(true))
	if err := checkPages(path); err != nil {
		return err
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: timeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return ErrLocked
	}
	if err != nil {
		return fmt.Errorf("%w: opening %s: %v", ErrCorrupt, filepath.Base(path), err)
	}
	defer db.Close()
	var sink byte
	var walk func(b *bolt.Bucket)
	walk = func(b *bolt.Bucket) {
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if v == nil {
				if nb := b.Bucket(k); nb != nil {
					walk(nb)
				}
				continue
			}
			if len(v) > 0 {
				sink ^= v[0] ^ v[len(v)-1]
			}
		}
	}
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(_ []byte, b *bolt.Bucket) error { walk(b); return nil })
	})
	_ = sink
	if err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return nil
}

// viewTx runs fn in a read-only transaction; a panic from a damaged page
// (bbolt panics on some, and a fault reading the map would kill the
// process) becomes ErrCorrupt.
func (s *Store) viewTx(fn func(*bolt.Tx) error) (err error) {
	defer guard(&err, debug.SetPanicOnFault(true))
	return s.db.View(fn)
}

// updateTx runs fn in its own durable read-write transaction.
func (s *Store) updateTx(fn func(*bolt.Tx) error) (err error) {
	defer guard(&err, debug.SetPanicOnFault(true))
	return s.db.Update(fn)
}

// batchTx runs fn in a durable read-write transaction that concurrent
// callers may share (group commit, no timer); fn may run more than once.
func (s *Store) batchTx(fn func(*bolt.Tx) error) (err error) {
	defer guard(&err, debug.SetPanicOnFault(true))
	err = s.group.Do(fn)
	if errors.Is(err, groupcommit.ErrPanic) {
		err = fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return err
}

// guard turns a panic, or a memory fault while reading the mapped file,
// into ErrCorrupt. The panic value names pages, never data.
// Defer it as guard(&err, debug.SetPanicOnFault(true)).
func guard(err *error, old bool) {
	debug.SetPanicOnFault(old)
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: %v", ErrCorrupt, r)
	}
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Audit returns the audit trail kept in the same file.
func (s *Store) Audit() *audit.Trail { return s.trail }

// Keyring returns the keys the store seals with.
func (s *Store) Keyring() *seal.Keyring { return s.kr }

// Retention returns the configured retention.
func (s *Store) Retention() Retention { return s.opt.Retention }

// KioskID is the kiosk the store was opened for (Options.KioskID).
func (s *Store) KioskID() string { return s.opt.KioskID }

// Path returns the database file's path.
func (s *Store) Path() string { return s.db.Path() }

// Enqueued is signalled (without blocking, coalesced) after each enqueue,
// retry or rating, so an in-process sync worker can send at once.
func (s *Store) Enqueued() <-chan struct{} { return s.wake }

func (s *Store) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Bucket names. Buckets marked sealed hold only seal.Keyring output.
var (
	bMeta       = []byte("meta")
	bDossiers   = []byte("dossiers")    // id -> Record JSON (clear metadata)
	bPersonal   = []byte("personal")    // id -> sealed canonical dossier JSON
	bReceipts   = []byte("receipts")    // id -> sealed portal.Receipt JSON
	bHistory    = []byte("history")     // id | seq(4) -> Event JSON
	bOutbox     = []byte("outbox")      // id -> notBefore (8, unix ns)
	bPoll       = []byte("poll")        // id -> next poll (8, unix ns)
	bAttach     = []byte("attachments") // sha256 hex -> sealed bytes
	bAttachRefs = []byte("attach-refs") // sha256 hex | id -> empty
	bSettings   = []byte("settings")
	bRatings    = []byte("ratings")    // seq(8) -> Rating JSON
	bIndicators = []byte("indicators") // yyyy-mm-dd | name -> int64

	// Schema 2: statistics delivery (stats.go).
	bStats          = []byte("stats")           // keyPending -> pendingStats JSON; keyRatingsSent -> seq(8)
	bIndicatorsSent = []byte("indicators-sent") // yyyy-mm-dd | name -> int64 the portal has
	bStatsRefused   = []byte("stats-refused")   // batch ID -> RefusedStats JSON

	// Schema 3: never lose a dossier (issue 13).
	bDamaged = []byte("damaged") // id -> what was wrong: outbox entries set aside, unreadable
	bReasons = []byte("reasons") // id -> sealed portal reason (may name a person)

	// Schema 4: attachments as sealed streams (attach.go).
	bChunks  = []byte("attachment-chunks")  // object | index(4) -> sealed chunk
	bStaging = []byte("attachment-staging") // object -> staged at (8): chunks no dossier holds yet
)

// migrations[i] brings the schema from version i to i+1. Append only.
var migrations = []func(s *Store, tx *bolt.Tx) error{
	func(_ *Store, tx *bolt.Tx) error { // 0 -> 1: the initial layout
		if err := createBuckets(tx, bDossiers, bPersonal, bReceipts, bHistory, bOutbox, bPoll, bAttach, bAttachRefs,
			bSettings, bRatings, bIndicators); err != nil {
			return err
		}
		return audit.CreateBuckets(tx)
	},
	func(_ *Store, tx *bolt.Tx) error { // 1 -> 2: ratings and indicators are delivered to the portal
		return createBuckets(tx, bStats, bIndicatorsSent, bStatsRefused)
	},
	(*Store).sealReasons, // 2 -> 3: damaged entries set aside; portal reasons sealed (needs the key)
	func(_ *Store, tx *bolt.Tx) error { // 3 -> 4: attachments streamed in sealed chunks; old ones stay whole until rotated
		return createBuckets(tx, bChunks, bStaging)
	},
}

// createBuckets creates the buckets that do not exist yet.
func createBuckets(tx *bolt.Tx, names ...[]byte) error {
	for _, b := range names {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	return nil
}

// SchemaVersion is the schema this code writes.
var SchemaVersion = len(migrations)

var keySchema = []byte("schema")

var keyCheck = []byte("key-check")

// sealReasons is migration 2 -> 3: it adds the damaged and reasons buckets
// and moves the portal reasons kept in clear in records into sealed values.
func (s *Store) sealReasons(tx *bolt.Tx) error {
	if err := createBuckets(tx, bDamaged, bReasons); err != nil {
		return err
	}
	var todo []*Record
	err := tx.Bucket(bDossiers).ForEach(func(_, v []byte) error {
		var r Record
		if json.Unmarshal(v, &r) == nil && r.Reason != "" {
			todo = append(todo, &r)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, r := range todo {
		if err := s.putReason(tx, r, r.Reason); err != nil {
			return err
		}
		if err := putRecord(tx, r); err != nil {
			return err
		}
	}
	return nil
}

// migrate brings the schema up to date and checks the key: a new store
// records the key file's check value, an existing one must match it. A
// store from before check values proves the key by opening a sealed value.
func (s *Store) migrate() error {
	return s.updateTx(func(tx *bolt.Tx) error {
		m := tx.Bucket(bMeta)
		if m == nil {
			if !s.opt.Create {
				// A bbolt file with nothing in it: an emptied store.
				return fmt.Errorf("%w (empty database)", ErrStoreMissing)
			}
			var err error
			if m, err = tx.CreateBucket(bMeta); err != nil {
				return err
			}
		}
		v := 0
		if raw := m.Get(keySchema); len(raw) == 1 {
			v = int(raw[0])
		}
		if v > len(migrations) {
			return fmt.Errorf("%w (schema %d, this kiosk knows %d)", ErrSchemaTooNew, v, len(migrations))
		}
		want := s.kr.CheckValue()
		switch got := m.Get(keyCheck); {
		case got == nil && v > 0:
			if err := s.proveKey(tx); err != nil {
				return err
			}
		case got == nil:
		case !bytes.Equal(got, want):
			return ErrKeyMismatch
		}
		for ; v < len(migrations); v++ {
			if err := migrations[v](s, tx); err != nil {
				return fmt.Errorf("store: migration to schema %d: %w", v+1, err)
			}
		}
		if err := m.Put(keyCheck, want); err != nil {
			return err
		}
		return m.Put(keySchema, []byte{byte(v)})
	})
}

// proveKey opens the first sealed value found (a dossier, a receipt or an
// attachment) with the key: if it does not open, the key is another store's.
func (s *Store) proveKey(tx *bolt.Tx) error {
	verdict := func(err error) error {
		if errors.Is(err, seal.ErrAuth) || errors.Is(err, seal.ErrUnknownKey) {
			return ErrKeyMismatch
		}
		if err != nil {
			return fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		return nil
	}
	for _, spec := range []struct {
		bucket []byte
		aad    func(string) []byte
	}{{bPersonal, aadDossier}, {bReceipts, aadReceipt}} {
		b := tx.Bucket(spec.bucket)
		if b == nil {
			continue
		}
		if k, v := b.Cursor().First(); k != nil {
			_, err := s.kr.Open(v, spec.aad(string(k)))
			return verdict(err)
		}
	}
	if b := tx.Bucket(bAttach); b != nil {
		if k, v := b.Cursor().First(); k != nil {
			return verdict(s.checkAttachTx(tx, string(k), v))
		}
	}
	return nil
}

// Schema returns the database's schema version.
func (s *Store) Schema() (int, error) {
	v := 0
	err := s.viewTx(func(tx *bolt.Tx) error {
		if raw := tx.Bucket(bMeta).Get(keySchema); len(raw) == 1 {
			v = int(raw[0])
		}
		return nil
	})
	return v, err
}

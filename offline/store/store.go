package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"motcua/offline/audit"
	"motcua/offline/seal"
)

// Errors returned by this package.
var (
	ErrNotFound     = errors.New("store: no such dossier")
	ErrExists       = errors.New("store: a different dossier with this ID is already stored")
	ErrState        = errors.New("store: not allowed in the dossier's current state")
	ErrPurged       = errors.New("store: personal data already deleted (retention)")
	ErrCorrupt      = errors.New("store: stored dossier does not match its hash")
	ErrInvalid      = errors.New("store: invalid dossier")
	ErrSchemaTooNew = errors.New("store: database was written by a newer kiosk")
	ErrLocked       = errors.New("store: database is in use by another kiosk process")
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
	Now     func() time.Time
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
}

// OpenDir opens DIR/kiosk.db with the key file at keyPath (created with
// mode 0600 on first run, like the directory).
func OpenDir(dir, keyPath string, opt Options) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	kr, err := seal.LoadOrCreate(keyPath)
	if err != nil {
		return nil, err
	}
	return Open(filepath.Join(dir, FileName), kr, opt)
}

// Open opens or creates the store at path, migrating its schema.
func Open(path string, kr *seal.Keyring, opt Options) (*Store, error) {
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
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opt.Timeout, NoSync: opt.NoSync, NoFreelistSync: true})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, ErrLocked
	}
	if err != nil {
		return nil, fmt.Errorf("store: opening %s: %w", filepath.Base(path), err)
	}
	// The sync worker's concurrent commits share fsyncs.
	db.MaxBatchDelay = 2 * time.Millisecond
	if err := migrate(db); err != nil {
		db.Close()
		return nil, err
	}
	trail, err := audit.New(db, kr)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &Store{db: db, kr: kr, trail: trail, opt: opt, now: now, wake: make(chan struct{}, 1)}, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Audit returns the audit trail kept in the same file.
func (s *Store) Audit() *audit.Trail { return s.trail }

// Keyring returns the keys the store seals with.
func (s *Store) Keyring() *seal.Keyring { return s.kr }

// Retention returns the configured retention.
func (s *Store) Retention() Retention { return s.opt.Retention }

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
)

// migrations[i] brings the schema from version i to i+1. Append only.
var migrations = []func(tx *bolt.Tx) error{
	func(tx *bolt.Tx) error { // 0 -> 1: the initial layout
		for _, b := range [][]byte{bDossiers, bPersonal, bReceipts, bHistory, bOutbox, bPoll, bAttach, bAttachRefs,
			bSettings, bRatings, bIndicators} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return audit.CreateBuckets(tx)
	},
	func(tx *bolt.Tx) error { // 1 -> 2: ratings and indicators are delivered to the portal
		for _, b := range [][]byte{bStats, bIndicatorsSent, bStatsRefused} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	},
}

// SchemaVersion is the schema this code writes.
var SchemaVersion = len(migrations)

var keySchema = []byte("schema")

func migrate(db *bolt.DB) error {
	return db.Update(func(tx *bolt.Tx) error {
		m, err := tx.CreateBucketIfNotExists(bMeta)
		if err != nil {
			return err
		}
		v := 0
		if raw := m.Get(keySchema); len(raw) == 1 {
			v = int(raw[0])
		}
		if v > len(migrations) {
			return fmt.Errorf("%w (schema %d, this kiosk knows %d)", ErrSchemaTooNew, v, len(migrations))
		}
		for ; v < len(migrations); v++ {
			if err := migrations[v](tx); err != nil {
				return fmt.Errorf("store: migration to schema %d: %w", v+1, err)
			}
		}
		return m.Put(keySchema, []byte{byte(v)})
	})
}

// Schema returns the database's schema version.
func (s *Store) Schema() (int, error) {
	v := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		if raw := tx.Bucket(bMeta).Get(keySchema); len(raw) == 1 {
			v = int(raw[0])
		}
		return nil
	})
	return v, err
}

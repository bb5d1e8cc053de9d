package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

// Errors returned by this package.
var (
	ErrAuth        = errors.New("seal: authentication failed (wrong key, wrong record or tampered data)")
	ErrUnknownKey  = errors.New("seal: sealed under a key that is not in the key file")
	ErrFormat      = errors.New("seal: malformed sealed value")
	ErrKeyFile     = errors.New("seal: malformed key file")
	ErrKeyFileMode = errors.New("seal: key file is readable or writable by other users")
	// ErrNoKeyFile means Load found no key file at the path.
	ErrNoKeyFile = errors.New("seal: key file does not exist")
)

const (
	version   = 1
	keySize   = 32 // AES-256
	nonceSize = 12
	// Overhead is how many bytes Seal adds to a plaintext.
	Overhead = 1 + 4 + nonceSize + 16
)

// keyFile is the on-disk form of a Keyring.
type keyFile struct {
	Version   int       `json:"version"`
	Current   uint32    `json:"current"`
	Keys      []fileKey `json:"keys"`
	MACKey    string    `json:"macKey"` // base64; keyed hashes of citizen IDs, never rotated
	CreatedAt time.Time `json:"createdAt"`
}

type fileKey struct {
	ID      uint32    `json:"id"`
	Key     string    `json:"key"` // base64
	Created time.Time `json:"created"`
}

// Keyring is the set of data keys from one key file. It is safe for
// concurrent use.
type Keyring struct {
	path string

	mu      sync.RWMutex
	file    keyFile
	aeads   map[uint32]cipher.AEAD
	raw     map[uint32][]byte // the data keys, for per-stream subkeys (stream.go)
	current uint32
	macKey  []byte
}

// LoadOrCreate reads the key file at path, or creates it (and its directory)
// with a fresh random data key and MAC key when it does not exist. An
// existing file that group or others may read is refused: the data key is
// the only thing between the disk and the citizens' data.
func LoadOrCreate(path string) (*Keyring, error) {
	k, err := Load(path)
	if errors.Is(err, ErrNoKeyFile) {
		return create(path)
	}
	return k, err
}

// Create writes a fresh key file at path (and its directory, mode 0700); it
// fails when a file is already there: a key is never replaced.
func Create(path string) (*Keyring, error) { return create(path) }

// Load reads the key file at path; a missing file is ErrNoKeyFile (nothing
// is created). A file that group or others may read is refused.
func Load(path string) (*Keyring, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNoKeyFile, filepath.Base(path))
	}
	if err != nil {
		return nil, fmt.Errorf("seal: reading key file: %w", err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s has mode %v (want 0600)", ErrKeyFileMode, path, st.Mode().Perm())
	}
	var f keyFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyFile, err)
	}
	k := &Keyring{path: path}
	if err := k.load(f); err != nil {
		return nil, err
	}
	return k, nil
}

func create(path string) (*Keyring, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	now := time.Now().UTC()
	f := keyFile{Version: version, Current: 1, CreatedAt: now,
		Keys:   []fileKey{{ID: 1, Key: randomKey(), Created: now}},
		MACKey: randomKey()}
	k := &Keyring{path: path}
	if err := k.load(f); err != nil {
		return nil, err
	}
	if err := k.write(f, true); err != nil {
		return nil, err
	}
	return k, nil
}

func randomKey() string {
	var b [keySize]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("seal: no randomness: " + err.Error()) // crypto/rand does not fail on Linux
	}
	return base64.StdEncoding.EncodeToString(b[:])
}

// load checks f and builds the ciphers; the caller holds mu or owns k.
func (k *Keyring) load(f keyFile) error {
	if f.Version != version || len(f.Keys) == 0 {
		return fmt.Errorf("%w: version %d with %d keys", ErrKeyFile, f.Version, len(f.Keys))
	}
	aeads := make(map[uint32]cipher.AEAD, len(f.Keys))
	raws := make(map[uint32][]byte, len(f.Keys))
	for _, fk := range f.Keys {
		raw, err := base64.StdEncoding.DecodeString(fk.Key)
		if err != nil || len(raw) != keySize {
			return fmt.Errorf("%w: key %d is not %d bytes of base64", ErrKeyFile, fk.ID, keySize)
		}
		block, err := aes.NewCipher(raw)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrKeyFile, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrKeyFile, err)
		}
		aeads[fk.ID] = aead
		raws[fk.ID] = raw
	}
	if _, ok := aeads[f.Current]; !ok {
		return fmt.Errorf("%w: current key %d missing", ErrKeyFile, f.Current)
	}
	mac, err := base64.StdEncoding.DecodeString(f.MACKey)
	if err != nil || len(mac) != keySize {
		return fmt.Errorf("%w: MAC key is not %d bytes of base64", ErrKeyFile, keySize)
	}
	k.file, k.aeads, k.raw, k.current, k.macKey = f, aeads, raws, f.Current, mac
	return nil
}

// write replaces the key file atomically: a temporary file in the same
// directory, fsync, rename, fsync of the directory. With exclusive set it
// refuses to replace an existing file (first run racing another process).
func (k *Keyring) write(f keyFile, exclusive bool) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("seal: %w", err)
	}
	dir := filepath.Dir(k.path)
	tmp, err := os.CreateTemp(dir, ".keyfile-*")
	if err != nil {
		return fmt.Errorf("seal: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("seal: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("seal: writing key file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("seal: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("seal: %w", err)
	}
	if exclusive {
		// link fails if the target exists, unlike rename.
		if err := os.Link(tmp.Name(), k.path); err != nil {
			return fmt.Errorf("seal: creating key file: %w", err)
		}
	} else if err := os.Rename(tmp.Name(), k.path); err != nil {
		return fmt.Errorf("seal: replacing key file: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Path returns the key file's path.
func (k *Keyring) Path() string { return k.path }

// Current returns the ID of the key Seal uses.
func (k *Keyring) Current() uint32 {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.current
}

// KeyIDs returns the IDs of every key in the file, ascending.
func (k *Keyring) KeyIDs() []uint32 {
	k.mu.RLock()
	defer k.mu.RUnlock()
	ids := make([]uint32, 0, len(k.aeads))
	for id := range k.aeads {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// Seal encrypts plaintext under the current key. aad names the record the
// value belongs to (e.g. "dossier/<id>"): Open with another aad fails, so a
// sealed value cannot be moved to another record unnoticed.
// The result is: version (1 byte) | key ID (4 bytes) | nonce (12) | ciphertext+tag.
func (k *Keyring) Seal(plaintext, aad []byte) []byte {
	k.mu.RLock()
	id, aead := k.current, k.aeads[k.current]
	k.mu.RUnlock()
	out := make([]byte, 5+nonceSize, Overhead+len(plaintext))
	out[0] = version
	binary.BigEndian.PutUint32(out[1:5], id)
	if _, err := rand.Read(out[5 : 5+nonceSize]); err != nil {
		panic("seal: no randomness: " + err.Error())
	}
	return aead.Seal(out, out[5:5+nonceSize], plaintext, aad)
}

// KeyOf returns the ID of the key a sealed value was made with.
func KeyOf(sealed []byte) (uint32, error) {
	if len(sealed) < Overhead || sealed[0] != version {
		return 0, ErrFormat
	}
	return binary.BigEndian.Uint32(sealed[1:5]), nil
}

// Open decrypts a value made by Seal with the same aad.
func (k *Keyring) Open(sealed, aad []byte) ([]byte, error) {
	id, err := KeyOf(sealed)
	if err != nil {
		return nil, err
	}
	k.mu.RLock()
	aead, ok := k.aeads[id]
	k.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w (key %d)", ErrUnknownKey, id)
	}
	pt, err := aead.Open(nil, sealed[5:5+nonceSize], sealed[5+nonceSize:], aad)
	if err != nil {
		return nil, ErrAuth
	}
	return pt, nil
}

// CheckValue is a short value that identifies this key file without
// revealing any key: an HMAC of a fixed label under the MAC key, which
// rotation never changes. A store keeps it to refuse another kiosk's key.
func (k *Keyring) CheckValue() []byte {
	return k.MAC([]byte("motcua/key-check-value/v1"))[:16]
}

// MAC returns the hex HMAC-SHA256 of data under the key file's MAC key: a
// stable pseudonym for a citizen ID that cannot be reversed without the key
// file (a plain hash of a 12-digit number could be brute-forced in minutes).
func (k *Keyring) MAC(data []byte) []byte {
	k.mu.RLock()
	m := hmac.New(sha256.New, k.macKey)
	k.mu.RUnlock()
	m.Write(data)
	return m.Sum(nil)
}

// AddKey starts a rotation: it adds a fresh key, makes it current and saves
// the key file. Old keys stay so existing values still open; the caller
// re-seals everything and then calls Retire.
func (k *Keyring) AddKey() (uint32, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	f := k.file
	f.Keys = append([]fileKey(nil), f.Keys...)
	var next uint32
	for _, fk := range f.Keys {
		next = max(next, fk.ID)
	}
	next++
	f.Keys = append(f.Keys, fileKey{ID: next, Key: randomKey(), Created: time.Now().UTC()})
	f.Current = next
	if err := k.write(f, false); err != nil {
		return 0, err
	}
	return next, k.load(f)
}

// Retire removes every key but the current one from the key file. Call it
// only after every value sealed under an old key has been re-sealed.
func (k *Keyring) Retire() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	f := k.file
	var keep []fileKey
	for _, fk := range f.Keys {
		if fk.ID == f.Current {
			keep = append(keep, fk)
		}
	}
	f.Keys = keep
	if err := k.write(f, false); err != nil {
		return err
	}
	return k.load(f)
}

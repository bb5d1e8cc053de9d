package seal

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func newKeyring(t testing.TB) *Keyring {
	t.Helper()
	k, err := LoadOrCreate(filepath.Join(t.TempDir(), "sub", "data.key"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestCreateMode0600AndReload(t *testing.T) {
	k := newKeyring(t)
	st, err := os.Stat(k.Path())
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, want 0600", st.Mode().Perm())
	}
	sealed := k.Seal([]byte("Nguyễn Văn An"), []byte("dossier/1"))
	k2, err := LoadOrCreate(k.Path())
	if err != nil {
		t.Fatal(err)
	}
	got, err := k2.Open(sealed, []byte("dossier/1"))
	if err != nil || string(got) != "Nguyễn Văn An" {
		t.Fatalf("reloaded Open = %q, %v", got, err)
	}
	if !bytes.Equal(k.MAC([]byte("001203004567")), k2.MAC([]byte("001203004567"))) {
		t.Fatal("MAC differs after reload")
	}
}

func TestRefuseOpenKeyFile(t *testing.T) {
	k := newKeyring(t)
	if err := os.Chmod(k.Path(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreate(k.Path()); !errors.Is(err, ErrKeyFileMode) {
		t.Fatalf("err = %v, want ErrKeyFileMode", err)
	}
}

func TestOpenFailures(t *testing.T) {
	k := newKeyring(t)
	other := newKeyring(t)
	good := k.Seal([]byte("secret"), []byte("a"))
	flip := append([]byte(nil), good...)
	flip[len(flip)-1] ^= 1
	tests := []struct {
		name   string
		kr     *Keyring
		sealed []byte
		aad    string
		want   error
	}{
		{"wrong record", k, good, "b", ErrAuth},
		{"tampered", k, flip, "a", ErrAuth},
		{"short", k, good[:10], "a", ErrFormat},
		{"bad version", k, append([]byte{9}, good[1:]...), "a", ErrFormat},
		{"other key file", other, good, "a", ErrAuth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.kr.Open(tt.sealed, []byte(tt.aad)); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestSealIsRandomized(t *testing.T) {
	k := newKeyring(t)
	a, b := k.Seal([]byte("x"), nil), k.Seal([]byte("x"), nil)
	if bytes.Equal(a, b) {
		t.Fatal("two seals of the same value are equal")
	}
	if len(a) != Overhead+1 {
		t.Fatalf("len = %d, want %d", len(a), Overhead+1)
	}
}

func TestRotation(t *testing.T) {
	k := newKeyring(t)
	old := k.Seal([]byte("v"), []byte("r"))
	id, err := k.AddKey()
	if err != nil {
		t.Fatal(err)
	}
	if id != 2 || k.Current() != 2 {
		t.Fatalf("new key %d current %d", id, k.Current())
	}
	// Crash here: a fresh load still opens old values.
	k2, err := LoadOrCreate(k.Path())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k2.Open(old, []byte("r")); err != nil {
		t.Fatalf("old value unreadable mid-rotation: %v", err)
	}
	resealed := k.Seal([]byte("v"), []byte("r"))
	if kid, _ := KeyOf(resealed); kid != 2 {
		t.Fatalf("resealed under %d", kid)
	}
	if err := k.Retire(); err != nil {
		t.Fatal(err)
	}
	if got := k.KeyIDs(); len(got) != 1 || got[0] != 2 {
		t.Fatalf("keys after retire %v", got)
	}
	if _, err := k.Open(old, []byte("r")); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("old value after retire: %v, want ErrUnknownKey", err)
	}
	if _, err := k.Open(resealed, []byte("r")); err != nil {
		t.Fatal(err)
	}
	k3, err := LoadOrCreate(k.Path())
	if err != nil || k3.Current() != 2 {
		t.Fatalf("reload after retire: %v", err)
	}
	if st, _ := os.Stat(k.Path()); st.Mode().Perm() != 0o600 {
		t.Fatalf("mode after rotation %v", st.Mode().Perm())
	}
}

func TestMalformedKeyFile(t *testing.T) {
	for _, body := range []string{"", "{}", `{"version":1,"current":1,"keys":[{"id":1,"key":"AAAA"}],"macKey":"AAAA"}`} {
		p := filepath.Join(t.TempDir(), "k")
		os.WriteFile(p, []byte(body), 0o600)
		if _, err := LoadOrCreate(p); !errors.Is(err, ErrKeyFile) {
			t.Errorf("%q: err = %v, want ErrKeyFile", body, err)
		}
	}
}

// FuzzOpen feeds arbitrary bytes read back from disk to Open: it must fail
// cleanly, never panic, and never accept a forgery.
func FuzzOpen(f *testing.F) {
	k := newKeyring(f)
	f.Add(k.Seal([]byte("hello"), []byte("a")))
	f.Add([]byte{1, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		if pt, err := k.Open(b, []byte("a")); err == nil && string(pt) != "hello" {
			t.Fatalf("forged value opened: %q", pt)
		}
	})
}

func BenchmarkSeal1KiB(b *testing.B) {
	k := newKeyring(b)
	pt := bytes.Repeat([]byte("x"), 1024)
	b.SetBytes(1024)
	for b.Loop() {
		k.Seal(pt, []byte("dossier/x"))
	}
}

// Load never creates a key; Create never replaces one; the check value
// identifies the key file and survives rotation (issue 13.1).
func TestLoadCreateCheckValue(t *testing.T) {
	p := filepath.Join(t.TempDir(), "data.key")
	if _, err := Load(p); !errors.Is(err, ErrNoKeyFile) {
		t.Fatalf("load of a missing key: %v", err)
	}
	if _, err := os.Stat(p); err == nil {
		t.Fatal("Load created a key file")
	}
	k, err := Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Create(p); err == nil {
		t.Fatal("Create replaced an existing key file")
	}
	cv := k.CheckValue()
	if _, err := k.AddKey(); err != nil {
		t.Fatal(err)
	}
	if err := k.Retire(); err != nil {
		t.Fatal(err)
	}
	k2, err := Load(p)
	if err != nil || !bytes.Equal(k2.CheckValue(), cv) {
		t.Fatalf("check value changed by rotation: %v", err)
	}
	other, _ := Create(filepath.Join(t.TempDir(), "data.key"))
	if bytes.Equal(other.CheckValue(), cv) {
		t.Fatal("two key files share a check value")
	}
}

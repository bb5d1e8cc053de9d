package store

import (
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"motcua/offline/internal/testdossier"
)

// FuzzStoreFile opens arbitrary bytes as the store file (issue 13.3): the
// answer is a store or an error, never a panic or a fault, and every read
// path of an opened store answers too.
func FuzzStoreFile(f *testing.F) {
	src := f.TempDir()
	s := openStore(f, src, Options{NoSync: true})
	for i := range 12 {
		d := testdossier.New(i, t0)
		s.Enqueue(d, withAttachment(d, i))
	}
	s.Close()
	valid, err := os.ReadFile(filepath.Join(src, FileName))
	if err != nil {
		f.Fatal(err)
	}
	key, _ := os.ReadFile(filepath.Join(src, "data.key"))
	f.Add(valid)
	f.Add(valid[:len(valid)/2])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, FileName), b, 0o600)
		os.WriteFile(filepath.Join(dir, "data.key"), key, 0o600)
		s, err := OpenDir(dir, filepath.Join(dir, "data.key"), Options{NoSync: true, Now: s.opt.Now})
		if err != nil {
			if MessageKey(err) == "" && !errors.Is(err, ErrInvalid) {
				t.Fatalf("open: %v has no message for people", err)
			}
			return
		}
		defer s.Close()
		s.List(Filter{})
		s.Stats()
		if ids, _ := s.Due(t0, "", 4); len(ids) > 0 {
			readAll(s, ids[0])
		}
		s.Check()
	})
}

// TestRandomDamageNeverCrashes is FuzzStoreFile's deterministic twin for
// `make test`: 1,500 copies of a store, each with a few random bytes
// overwritten or its tail cut, opened and read. A crash or a hang fails
// the run.
func TestRandomDamageNeverCrashes(t *testing.T) {
	src := t.TempDir()
	s := openStore(t, src, Options{NoSync: true})
	for i := range 12 {
		d := testdossier.New(i, t0)
		s.Enqueue(d, withAttachment(d, i))
	}
	s.Close()
	valid, _ := os.ReadFile(filepath.Join(src, FileName))
	key, _ := os.ReadFile(filepath.Join(src, "data.key"))
	r := rand.New(rand.NewPCG(13, 3))
	opened := 0
	for range 1500 {
		b := append([]byte(nil), valid...)
		for range 1 + r.IntN(8) {
			switch r.IntN(5) {
			case 0, 1:
				b[r.IntN(len(b))] = byte(r.IntN(256))
			case 2, 3:
				copy(b[r.IntN(len(b)-8):], []byte{0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0})
			case 4:
				if len(b) > 64 {
					b = b[:32+r.IntN(len(b)-32)]
				}
			}
		}
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, FileName), b, 0o600)
		os.WriteFile(filepath.Join(dir, "data.key"), key, 0o600)
		s, err := OpenDir(dir, filepath.Join(dir, "data.key"), Options{NoSync: true, Now: s.opt.Now})
		if err != nil {
			if MessageKey(err) == "" {
				t.Fatalf("open: %v has no message for people", err)
			}
			continue
		}
		opened++
		s.List(Filter{})
		s.Stats()
		if ids, _ := s.Due(t0, "", 4); len(ids) > 0 {
			readAll(s, ids[0])
		}
		s.Check()
		s.Close()
	}
	t.Logf("1500 damaged copies: %d opened (damage in unused space or values), %d refused", opened, 1500-opened)
}

// readAll loads a dossier as the sync worker does and reads its
// attachments through the stream reader.
func readAll(s *Store, id string) {
	out, err := s.Load(id)
	if err != nil {
		return
	}
	for _, a := range out.Dossier.Attachments {
		if rc, _, err := out.OpenAttachment(a.SHA256); err == nil {
			io.Copy(io.Discard, rc)
			rc.Close()
		}
	}
}

package seeds

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// ErrUnknownFixture is returned by Fixture for a name that is neither a file
// nor a shipped fixture. The error also matches fs.ErrNotExist.
var ErrUnknownFixture = errors.New("seeds: no such card fixture")

// Fixture resolves ref to the path of a card fixture file. ref is a path
// ("seeds/cards/nguyen-van-an.json", "/tmp/x.json"), used as given when the
// file exists, or a shipped fixture's name with or without ".json" and the
// "seeds/cards/" prefix ("nguyen-van-an", "faults/tamper-dg13"). A name is
// looked up in a seeds directory beside the executable (EXE_DIR/seeds or
// EXE_DIR/../share/motcua-kiosk/seeds), then in the embedded seeds, which
// are written once to a private cache directory (see Dir).
func Fixture(ref string) (string, error) {
	if ref == "" {
		return "", fmt.Errorf("%w: empty name: %w", ErrUnknownFixture, fs.ErrNotExist)
	}
	if st, err := os.Stat(ref); err == nil && !st.IsDir() {
		return ref, nil
	}
	name, ok := fixtureName(ref)
	if !ok {
		return "", fmt.Errorf("%w: %q (known: %s): %w", ErrUnknownFixture, ref, strings.Join(Names(), ", "), fs.ErrNotExist)
	}
	for _, d := range besideExecutable() {
		p := filepath.Join(d, "cards", filepath.FromSlash(name)+".json")
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	dir, err := Dir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "cards", filepath.FromSlash(name)+".json"), nil
}

// fixtureName turns a reference into the name of an embedded fixture
// ("faults/tamper-dg13"), reporting whether one exists.
func fixtureName(ref string) (string, bool) {
	n := filepath.ToSlash(ref)
	if i := strings.LastIndex(n, "seeds/cards/"); i >= 0 {
		n = n[i+len("seeds/cards/"):]
	}
	n = strings.TrimPrefix(n, "cards/")
	n = strings.TrimSuffix(n, ".json")
	if n == "" || !fs.ValidPath(n) {
		return "", false
	}
	st, err := fs.Stat(Cards, path.Join("cards", n+".json"))
	return n, err == nil && !st.IsDir()
}

// Names lists the shipped fixtures ("nguyen-van-an", "faults/cloned-chip"),
// sorted.
func Names() []string {
	var names []string
	_ = fs.WalkDir(Cards, "cards", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			names = append(names, strings.TrimSuffix(strings.TrimPrefix(p, "cards/"), ".json"))
		}
		return err
	})
	slices.Sort(names)
	return names
}

// besideExecutable lists the seeds directories a packaged or unpacked
// install may carry next to the binary.
func besideExecutable() []string {
	exe, err := os.Executable()
	if err != nil {
		return nil
	}
	if r, err := filepath.EvalSymlinks(exe); err == nil {
		exe = r
	}
	d := filepath.Dir(exe)
	return []string{filepath.Join(d, "seeds"), filepath.Join(d, "..", "share", "motcua-kiosk", "seeds")}
}

// Dir returns a directory holding the embedded cards and pki trees as files,
// writing them on first use. The directory is named after a hash of the
// content, so a new build never reads an older build's copy, and lives in
// the user's cache directory (else the temporary directory), mode 0700.
func Dir() (string, error) {
	sum, err := digest()
	if err != nil {
		return "", err
	}
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	base = filepath.Join(base, "motcua-kiosk")
	dir := filepath.Join(base, "seeds-"+sum)
	if st, err := os.Stat(filepath.Join(dir, ".complete")); err == nil && st.Mode().IsRegular() {
		return dir, nil
	}
	if err := os.MkdirAll(base, 0o700); err != nil {
		return "", fmt.Errorf("seeds: %w", err)
	}
	tmp, err := os.MkdirTemp(base, ".seeds-")
	if err != nil {
		return "", fmt.Errorf("seeds: %w", err)
	}
	defer os.RemoveAll(tmp) // nothing left behind after a failure or a lost race
	for _, tree := range []fs.FS{Cards, PKI} {
		if err := os.CopyFS(tmp, tree); err != nil {
			return "", fmt.Errorf("seeds: write %s: %w", tmp, err)
		}
	}
	if err := os.WriteFile(filepath.Join(tmp, ".complete"), []byte(sum+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("seeds: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another process may have written the same copy meanwhile.
		if st, serr := os.Stat(filepath.Join(dir, ".complete")); serr == nil && st.Mode().IsRegular() {
			return dir, nil
		}
		return "", fmt.Errorf("seeds: %w", err)
	}
	return dir, nil
}

// digest hashes the names and contents of the embedded cards and pki, once
// per process (the content cannot change while it runs).
var digest = sync.OnceValues(hashEmbedded)

func hashEmbedded() (string, error) {
	h := sha256.New()
	for _, tree := range []embed.FS{Cards, PKI} {
		err := fs.WalkDir(tree, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(tree, p)
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "%s\x00%d\x00", p, len(b))
			h.Write(b)
			return nil
		})
		if err != nil {
			return "", fmt.Errorf("seeds: %w", err)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

package seeds

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestFixtureResolves(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	local := filepath.Join(t.TempDir(), "mine.json")
	if err := os.WriteFile(local, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir, err := Dir()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		ref, want string
	}{
		{local, local},                   // an existing file is used as given
		{"cards/nguyen-van-an.json", ""}, // relative to the package: exists here
		{"nguyen-van-an", filepath.Join(dir, "cards", "nguyen-van-an.json")},
		{"nguyen-van-an.json", filepath.Join(dir, "cards", "nguyen-van-an.json")},
		{"seeds/cards/tran-thi-binh.json", filepath.Join(dir, "cards", "tran-thi-binh.json")},
		{"/nowhere/seeds/cards/faults/tamper-dg13.json", filepath.Join(dir, "cards", "faults", "tamper-dg13.json")},
		{"faults/cloned-chip", filepath.Join(dir, "cards", "faults", "cloned-chip.json")},
	}
	for _, c := range cases {
		got, err := Fixture(c.ref)
		if err != nil {
			t.Errorf("Fixture(%q): %v", c.ref, err)
			continue
		}
		want := c.want
		if want == "" {
			want = c.ref
		}
		if got != want {
			t.Errorf("Fixture(%q) = %q, want %q", c.ref, got, want)
		}
		if _, err := os.Stat(got); err != nil {
			t.Errorf("Fixture(%q): %v", c.ref, err)
		}
	}
	// The PKI sits beside the cards, where the loaders look for it.
	for _, p := range []string{"pki/signers/test-ds.pem", "pki/trust/csca-test.pem", "cards/keys/nguyen-van-an.aa.pem"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("embedded copy lacks %s: %v", p, err)
		}
	}
}

func TestFixtureUnknown(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	for _, ref := range []string{"", "no-such-person", "../pki/signers/test-ds", "keys/nguyen-van-an.aa", "faults"} {
		_, err := Fixture(ref)
		if !errors.Is(err, ErrUnknownFixture) || !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Fixture(%q) = %v, want ErrUnknownFixture", ref, err)
		}
		if ref != "" && err != nil && !strings.Contains(err.Error(), "nguyen-van-an") {
			t.Errorf("Fixture(%q): error does not list the known names: %v", ref, err)
		}
	}
}

func TestDirIsReusedAndPrivate(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	a, err := Dir()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Dir()
	if err != nil || a != b {
		t.Fatalf("second Dir = %q, %v; want %q", b, err, a)
	}
	st, err := os.Stat(a)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o700 {
		t.Errorf("mode %v, want 0700", st.Mode().Perm())
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(a), ".seeds-*"))
	if len(left) > 0 {
		t.Errorf("temporary directories left behind: %v", left)
	}
}

func TestNames(t *testing.T) {
	n := Names()
	for _, want := range []string{"nguyen-van-an", "dang-thi-hoa", "faults/tamper-dg13"} {
		if !slices.Contains(n, want) {
			t.Errorf("Names() lacks %q: %v", want, n)
		}
	}
	if !slices.IsSorted(n) {
		t.Errorf("Names() not sorted: %v", n)
	}
}

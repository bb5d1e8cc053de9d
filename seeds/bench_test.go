package seeds

import (
	"path/filepath"
	"testing"
)

// BenchmarkFixture: resolving a shipped fixture's name once the embedded
// copy exists (every --sim read by name pays this) against a plain path
// (the cost the old path form paid: one stat).
func BenchmarkFixture(b *testing.B) {
	b.Setenv("XDG_CACHE_HOME", b.TempDir())
	if _, err := Dir(); err != nil {
		b.Fatal(err)
	}
	b.Run("name", func(b *testing.B) {
		for b.Loop() {
			if _, err := Fixture("nguyen-van-an"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("path", func(b *testing.B) {
		p := filepath.Join("cards", "nguyen-van-an.json")
		for b.Loop() {
			if _, err := Fixture(p); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDirFirstUse: writing the embedded cards and PKI on first use
// (a fresh cache directory each time).
func BenchmarkDirFirstUse(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		b.Setenv("XDG_CACHE_HOME", b.TempDir())
		b.StartTimer()
		if _, err := Dir(); err != nil {
			b.Fatal(err)
		}
	}
}

// Package sanetest gives tests a private SANE configuration that enables
// SANE's own "test" backend: a real SANE device that produces pages, with
// switches for the faults a real scanner has (cover open, jam, no paper).
// Nothing system-wide is read or changed.
package sanetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Env writes a SANE_CONFIG_DIR holding a dll.conf that loads only the test
// backend and returns the environment entries that point SANE at it. A
// machine without scanimage fails the test with the package to install.
func Env(t testing.TB) []string {
	t.Helper()
	if _, err := exec.LookPath("scanimage"); err != nil {
		t.Fatal("scanimage not found: apt-get install -y --no-install-recommends sane-utils libsane1")
	}
	return configDir(t, "test\n")
}

// Setenv points this process's SANE at the test backend until t ends
// (t.Setenv, so t cannot run in parallel), for code that scans in-process.
func Setenv(t testing.TB) {
	t.Helper()
	for _, kv := range Env(t) {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}

// EmptyEnv is a SANE configuration with no backend at all: no scanner.
func EmptyEnv(t testing.TB) []string {
	t.Helper()
	return configDir(t, "")
}

// configDir writes a SANE_CONFIG_DIR whose dll.conf is dllConf and returns
// the environment entry that names it.
func configDir(t testing.TB, dllConf string) []string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "dll.conf"), []byte(dllConf), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{"SANE_CONFIG_DIR=" + dir}
}

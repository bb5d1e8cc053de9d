package config

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolvePrecedence(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "kiosk.json")
	if err := os.WriteFile(cfgPath, []byte(`{"portalURL":"http://file:1","token":"from-file","kioskId":"K-9"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := Bind(fs)
	if err := fs.Parse([]string{"--config", cfgPath, "--token", "from-flag", "--data", dir}); err != nil {
		t.Fatal(err)
	}
	c, err := f.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	if c.PortalURL != "http://file:1" || c.Token != "from-flag" || c.KioskID != "K-9" || c.DataDir != dir {
		t.Errorf("Resolve = %+v", c)
	}
	if c.KeyPath() != filepath.Join(dir, "data.key") {
		t.Errorf("KeyPath = %q", c.KeyPath())
	}
}

func TestDefaultConfigFileInDataDir(t *testing.T) {
	dir := t.TempDir()
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	f := Bind(fs)
	_ = fs.Parse([]string{"--data", dir})
	if c, err := f.Resolve(); err != nil || c.Token != Default().Token {
		t.Fatalf("no config file: %+v %v", c, err)
	}
	os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"mode":"self-service"}`), 0o600)
	if c, err := f.Resolve(); err != nil || c.Mode != "self-service" {
		t.Fatalf("DATA/config.json not read: %+v %v", c, err)
	}
	os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"mdoe":"x"}`), 0o600)
	if _, err := f.Resolve(); err == nil || !strings.Contains(err.Error(), "mdoe") {
		t.Fatalf("unknown field not reported: %v", err)
	}
}

package config

import (
	"errors"
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

// Issue 13.10: a config file holding the token or PINs that others can
// read is refused; one without secrets is read whatever its mode.
func TestConfigFileModeWithSecrets(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		mode       os.FileMode
		refused    bool
	}{
		{"token, world-readable", `{"token":"t0k"}`, 0o644, true},
		{"clerk PINs, group-readable", `{"clerks":"CB-1:1234"}`, 0o640, true},
		{"admin PIN, world-writable", `{"adminPin":"2468"}`, 0o602, true},
		{"token, private", `{"token":"t0k"}`, 0o600, false},
		{"no secret, world-readable", `{"mode":"counter"}`, 0o644, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "kiosk.json")
			os.WriteFile(p, []byte(tt.body), 0o600)
			os.Chmod(p, tt.mode)
			c := Default()
			err := c.LoadFile(p, false)
			if got := errors.Is(err, ErrConfigMode); got != tt.refused {
				t.Fatalf("err %v, refused %v want %v", err, got, tt.refused)
			}
			if err != nil && strings.Contains(err.Error(), "t0k") {
				t.Fatal("the error shows the token")
			}
		})
	}
}

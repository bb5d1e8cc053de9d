package app

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/kiosk/config"
	"motcua/kiosk/i18n"
	"motcua/kiosk/session"
	"motcua/offline/store"
)

func TestFromConfig(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(*config.Config)
		setting string // the setting an error names; "" is no error
		check   func(t *testing.T, c Config)
	}{
		{"defaults", func(*config.Config) {}, "", func(t *testing.T, c Config) {
			if c.Mode != session.Counter || c.Lang != i18n.VI || c.Retention != store.DeleteOnReceipt || c.Reader.Kind != ReaderSim {
				t.Errorf("%+v", c)
			}
			if c.IdleWipe != 90*time.Second || c.IdleWarn != 30*time.Second {
				t.Errorf("idle %s warn %s", c.IdleWipe, c.IdleWarn)
			}
		}},
		{"keep", func(c *config.Config) { c.Retention = "keep" }, "", func(t *testing.T, c Config) {
			if c.Retention != store.Keep {
				t.Errorf("retention %q", c.Retention)
			}
		}},
		{"pcsc reader", func(c *config.Config) { c.Reader, c.TrustDir = "pcsc:ACS ACR1252 1S", "/trust" }, "", func(t *testing.T, c Config) {
			if c.Reader != (Reader{Kind: ReaderPCSC, Name: "ACS ACR1252 1S", TrustDir: "/trust"}) {
				t.Errorf("%+v", c.Reader)
			}
		}},
		// `kiosk trust import` writes DATA/trust when no trustDir is set:
		// the app reads the same place.
		{"pcsc reader, default trust", func(c *config.Config) { c.Reader, c.DataDir = "pcsc", "/data" }, "", func(t *testing.T, c Config) {
			if c.Reader.TrustDir != filepath.Join("/data", "trust") {
				t.Errorf("trust directory %q", c.Reader.TrustDir)
			}
		}},
		{"english self-service", func(c *config.Config) { c.Mode, c.Language, c.IdleWipeS = "self-service", "EN", 40 }, "", func(t *testing.T, c Config) {
			if c.Mode != session.SelfService || c.Lang != i18n.EN || c.IdleWarn != 20*time.Second {
				t.Errorf("%+v", c)
			}
		}},
		{"retention typo", func(c *config.Config) { c.Retention = "kept" }, "retention", nil},
		{"mode", func(c *config.Config) { c.Mode = "kiosk" }, "mode", nil},
		{"language", func(c *config.Config) { c.Language = "fr" }, "language", nil},
		{"reader", func(c *config.Config) { c.Reader = "usb" }, "reader", nil},
		{"clerks", func(c *config.Config) { c.Clerks = "CB-01:1357,CB-02" }, "clerks", nil},
		{"clerk twice", func(c *config.Config) { c.Clerks = "CB-01:1357,CB-01:2468" }, "clerks", nil},
		{"idle", func(c *config.Config) { c.IdleWipeS = -1 }, "idleWipeSeconds", nil},
		{"kiosk id", func(c *config.Config) { c.KioskID = "" }, "kioskId", nil},
		{"data dir", func(c *config.Config) { c.DataDir = "" }, "dataDir", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := config.Default()
			tt.edit(&in)
			c, err := FromConfig(in)
			if tt.setting == "" {
				if err != nil {
					t.Fatal(err)
				}
				tt.check(t, c)
				return
			}
			var ce *ConfigError
			if !errors.Is(err, ErrConfig) || !errors.As(err, &ce) || ce.Setting != tt.setting {
				t.Fatalf("err %v, want one naming %q", err, tt.setting)
			}
			for _, secret := range []string{"1357", "2468"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error quotes a PIN: %v", err)
				}
			}
		})
	}
}

func TestClerks(t *testing.T) {
	c, err := ParseClerks("CB-01:1357, CB-02:2468")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id, pin string
		ok      bool
	}{
		{"CB-01", "1357", true},
		{" CB-02 ", "2468", true},
		{"CB-01", "2468", false},
		{"CB-03", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got := c.Check(tt.id, tt.pin); got != tt.ok {
			t.Errorf("Check(%q, %q) = %t", tt.id, tt.pin, got)
		}
	}
	for _, bad := range []string{"bad", ":9", "CB-03:", "CB-01:1,,CB-02:2"} {
		if _, err := ParseClerks(bad); !errors.Is(err, ErrConfig) {
			t.Errorf("ParseClerks(%q): %v", bad, err)
		}
	}
}

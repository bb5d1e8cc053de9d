package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProfiles(t *testing.T) {
	ready := `"token":"t-9f2c","clerks":"CB-07:8812","adminPin":"5531","agencyName":"Trung tâm PVHCC phường Ba Đình"`
	cases := []struct {
		name       string
		file       string
		wantReader string
		wantTrust  string
		wantErr    []string // substrings of Check's error; nil for none
	}{
		{"no file: development", "", "sim", "", nil},
		{"development file", `{"profile":"development"}`, "sim", "", nil},
		{"production defaults", `{"profile":"production"}`, "pcsc", ProductionTrustDir,
			[]string{"token is not set", "clerks is not set", "adminPin is not set", "agencyName is not set"}},
		{"production ready", `{"profile":"production",` + ready + `}`, "pcsc", ProductionTrustDir, nil},
		{"production named reader", `{"profile":"production","reader":"pcsc:ACS ACR1252",` + ready + `}`, "pcsc:ACS ACR1252", ProductionTrustDir, nil},
		{"production own trust", `{"profile":"production","trustDir":"/srv/csca",` + ready + `}`, "pcsc", "/srv/csca", nil},
		{"production on the virtual card", `{"profile":"production","reader":"sim",` + ready + `}`, "sim", ProductionTrustDir, []string{`reader "sim"`}},
		{"production with development PINs", `{"profile":"production","token":"t","clerks":"CB-01:1357","adminPin":"2468","agencyName":"x"}`, "pcsc", ProductionTrustDir,
			[]string{"clerks is still the development default", "adminPin is still the development default"}},
		{"unknown profile", `{"profile":"staging"}`, "sim", "", []string{`profile "staging"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := Default()
			if c.file != "" {
				p := filepath.Join(t.TempDir(), "config.json")
				if err := os.WriteFile(p, []byte(c.file), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := cfg.LoadFile(p, false); err != nil {
					t.Fatal(err)
				}
			}
			if cfg.Reader != c.wantReader || cfg.TrustDir != c.wantTrust {
				t.Errorf("reader %q trust %q, want %q %q", cfg.Reader, cfg.TrustDir, c.wantReader, c.wantTrust)
			}
			if cfg.UsesSimulatedReader() != (c.wantReader == "sim") {
				t.Errorf("UsesSimulatedReader = %v", cfg.UsesSimulatedReader())
			}
			err := cfg.Check()
			if c.wantErr == nil {
				if err != nil {
					t.Errorf("Check: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Check passed, want %q", c.wantErr)
			}
			if c.file != `{"profile":"staging"}` && !errors.Is(err, ErrProduction) {
				t.Errorf("Check error %v is not ErrProduction", err)
			}
			for _, w := range c.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Check error %q lacks %q", err, w)
				}
			}
			for _, secret := range []string{"1357", "2468", "t-9f2c"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("Check error reveals %q: %v", secret, err)
				}
			}
		})
	}
}

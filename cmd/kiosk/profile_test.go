package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	kapp "motcua/kiosk/app"
	"motcua/kiosk/config"
	"motcua/kiosk/i18n"
)

func TestWindowTitleSaysWhichReader(t *testing.T) {
	text := i18n.Default()
	text.SetLang("en")
	cases := []struct {
		cfg  kapp.Config
		want string // "" for the bare title
	}{
		{kapp.Config{Profile: config.Development, Reader: kapp.Reader{Kind: kapp.ReaderSim}}, "VIRTUAL CARD"},
		{kapp.Config{Profile: config.Development, Reader: kapp.Reader{Kind: kapp.ReaderPCSC, Name: "ACS"}}, "card reader ACS (development)"},
		{kapp.Config{Profile: config.Production, Reader: kapp.Reader{Kind: kapp.ReaderPCSC}}, ""},
		{kapp.Config{Profile: config.Production, Reader: kapp.Reader{Kind: kapp.ReaderSim}}, "VIRTUAL CARD"},
	}
	for _, c := range cases {
		got := windowTitle(text, c.cfg)
		if c.want == "" && got != text.T("app.title") || c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("windowTitle(%+v) = %q, want %q", c.cfg, got, c.want)
		}
	}
}

// TestGUIRefusesUnreadyProduction: a production config without its own PINs
// and token, or with the virtual card, never opens the app.
func TestGUIRefusesUnreadyProduction(t *testing.T) {
	dir := t.TempDir()
	prod := filepath.Join(dir, "config.json")
	os.WriteFile(prod, []byte(`{"profile":"production","dataDir":"`+filepath.Join(dir, "data")+`","token":"tok-1","clerks":"CB-07:8812","adminPin":"5531","agencyName":"UBND phường X"}`), 0o600)
	unready := filepath.Join(dir, "unready.json")
	os.WriteFile(unready, []byte(`{"profile":"production","dataDir":"`+filepath.Join(dir, "data")+`"}`), 0o600)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--config", unready}, "token is not set"},
		{[]string{"--config", prod, "--sim", "nguyen-van-an"}, `reader "sim"`},
		{[]string{"--config", prod, "--reader", "sim"}, `reader "sim"`},
	}
	for _, c := range cases {
		p, err := guiParts(t, c.args...)
		if err == nil {
			p.stop()
			t.Errorf("%v: app built", c.args)
			continue
		}
		if !errors.Is(err, config.ErrProduction) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); err == nil {
		t.Error("a refused start created the data directory")
	}
}

func TestSessionAutostartOnlyForTheKioskAccount(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.json")
	os.WriteFile(cfg, []byte(`{"profile":"production"}`), 0o600)
	if ok, why := sessionOwner(cfg, os.Getuid()); !ok {
		t.Errorf("owner refused: %s", why)
	}
	if ok, _ := sessionOwner(cfg, os.Getuid()+1); ok {
		t.Error("another user accepted")
	}
	if ok, why := sessionOwner(filepath.Join(dir, "none.json"), os.Getuid()); ok || !strings.Contains(why, "does not exist") {
		t.Errorf("missing config: %v %q", ok, why)
	}
	// Another user's login: exit 0, no window, one line saying why.
	code, out, errs := kioskRun(t, "session", "--autostart", "--config", filepath.Join(dir, "none.json"))
	if code != 0 || out != "" || !strings.Contains(errs, "not starting the kiosk") {
		t.Errorf("autostart for a stranger: exit %d, %q, %q", code, out, errs)
	}
	// The owner gets the app, so an unready production config is refused.
	code, _, errs = kioskRun(t, "session", "--autostart", "--config", cfg)
	if code != 1 || !strings.Contains(errs, "not ready for production") {
		t.Errorf("autostart for the owner: exit %d, %q", code, errs)
	}
}

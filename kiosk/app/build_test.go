package app

import (
	"bytes"
	"context"
	"errors"
	"motcua/offline/heartbeat"
	"motcua/offline/portalserver"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"motcua/kiosk/config"
	"motcua/kiosk/session"
	"motcua/offline/store"
)

func testConfig(t *testing.T) Config {
	t.Helper()
	in := config.Default()
	in.DataDir, in.SeedsDir = t.TempDir(), filepath.Join("..", "..", "seeds")
	in.PortalURL = "http://127.0.0.1:1" // nothing listens: the worker stays offline
	c, err := FromConfig(in)
	if err != nil {
		t.Fatal(err)
	}
	c.NoSync = true
	return c
}

func TestBuild(t *testing.T) {
	c := testConfig(t)
	c.Retention = store.Keep
	k, err := Build(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if k.Session.Mode() != session.Counter || k.Catalog.Len() == 0 || k.Store == nil || k.Card == nil {
		t.Errorf("built %+v", k)
	}
	s := k.NewSession(session.SelfService)
	if s.Mode() != session.SelfService {
		t.Errorf("mode %s", s.Mode())
	}
	k.Close()
	k.Close() // twice is harmless
	if _, err := os.Stat(filepath.Join(c.DataDir, store.FileName)); err != nil {
		t.Errorf("no store file: %v", err)
	}
}

// TestBuildRefuses: a bad config, a missing fixture or a corrupt store
// stop the build with an error; the store file is left as it was.
func TestBuildRefuses(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(t *testing.T, c *Config)
		check func(t *testing.T, c Config, err error)
	}{
		{"invalid config", func(_ *testing.T, c *Config) { c.Retention = "kept" }, func(t *testing.T, _ Config, err error) {
			if !errors.Is(err, ErrConfig) {
				t.Errorf("err %v", err)
			}
		}},
		{"missing fixture", func(_ *testing.T, c *Config) { c.Reader.SimCard = "no-such-card.json" }, func(t *testing.T, _ Config, err error) {
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Setting != "simCard" {
				t.Errorf("err %v", err)
			}
		}},
		{"corrupt store", func(t *testing.T, c *Config) {
			if err := os.WriteFile(filepath.Join(c.DataDir, store.FileName), bytes.Repeat([]byte("not a bbolt file "), 512), 0o600); err != nil {
				t.Fatal(err)
			}
		}, func(t *testing.T, c Config, err error) {
			if err == nil {
				t.Fatal("a corrupt store opened")
			}
			b, _ := os.ReadFile(filepath.Join(c.DataDir, store.FileName))
			if !bytes.Equal(b, bytes.Repeat([]byte("not a bbolt file "), 512)) {
				t.Error("the corrupt store was replaced")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testConfig(t)
			tt.edit(t, &c)
			k, err := Build(context.Background(), c)
			if err == nil {
				k.Close()
			}
			tt.check(t, c, err)
		})
	}
}

// TestHeartbeatReachesPortal: the built app reports its health to the real
// reference portal: mode, ward, an empty queue, the virtual reader, free
// disk; and never a citizen's data.
func TestHeartbeatReachesPortal(t *testing.T) {
	ps, err := portalserver.Open(portalserver.Config{Dir: filepath.Join(t.TempDir(), "portal"), NoSync: true,
		Tokens: map[string]string{"hb-token": "KIOSK-HB"}, Agency: "000.00.00.H00"})
	if err != nil {
		t.Fatal(err)
	}
	defer ps.Close()
	hs := httptest.NewServer(ps.Handler())
	defer hs.Close()
	c := testConfig(t)
	c.PortalURL, c.Token, c.HeartbeatEvery, c.Version = hs.URL, "hb-token", 200*time.Millisecond, "test-1"
	k, err := Build(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	deadline := time.Now().Add(20 * time.Second)
	for {
		fleet, err := ps.Store().Fleet(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(fleet) == 1 {
			st, err := heartbeat.Parse(fleet[0].Body)
			if err != nil {
				t.Fatal(err)
			}
			if fleet[0].KioskID != "KIOSK-HB" || st.Mode != heartbeat.ModeCounter || st.Ward != c.AgencyName ||
				st.Version != "test-1" || st.Queue != 0 || st.FreeDiskBytes == 0 {
				t.Fatalf("heartbeat %+v from %s", st, fleet[0].KioskID)
			}
			if st.Reader.State == heartbeat.StateOK { // the device check runs in the background
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no complete heartbeat at the portal (fleet %d)", len(fleet))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

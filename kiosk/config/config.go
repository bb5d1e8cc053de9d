package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Profiles: a development config (the built-in default) runs on the
// simulated reader with development PINs and token; a production config
// (the one the Debian package installs, "profile": "production") defaults to
// the real PC/SC reader and must name its own PINs and token.
const (
	Development = "development"
	Production  = "production"
)

// Config is every setting the kiosk and its subcommands read.
type Config struct {
	Profile    string `json:"profile"`   // Development (default) or Production
	DataDir    string `json:"dataDir"`   // bbolt store, key file, logs
	KeyFile    string `json:"keyFile"`   // data key for encryption at rest; default DataDir/data.key
	PortalURL  string `json:"portalURL"` // e.g. http://127.0.0.1:8470
	Token      string `json:"token"`     // bearer token of this kiosk at the portal
	KioskID    string `json:"kioskId"`
	CounterID  string `json:"counterId"`
	Agency     string `json:"agency"`     // receiving agency code (mã đơn vị), prefix of local dossier codes
	AgencyName string `json:"agencyName"` // receiving agency as people read it: the forms' "Kính gửi"
	Clerks     string `json:"clerks"`     // counter sign-in: comma-separated CLERKID:PIN pairs
	AdminPIN   string `json:"adminPin"`   // PIN that lets staff leave self-service mode
	Mode       string `json:"mode"`       // "counter" or "self-service"
	Language   string `json:"language"`   // "vi" or "en"
	Reader     string `json:"reader"`     // "sim" or "pcsc" or "pcsc:NAME"
	SimCard    string `json:"simCard"`    // fixture for the simulated reader
	TrustDir   string `json:"trustDir"`   // CSCA certificates and master lists
	SeedsDir   string `json:"seedsDir"`   // procedures, card fixtures, test PKI
	IdleWipeS  int    `json:"idleWipeSeconds"`
	Retention  string `json:"retention"` // "delete-on-receipt" (default) or "keep"
	// Printer is the CUPS queue "In" prints to; empty is the system default
	// (CUPS_SERVER in the environment picks the scheduler).
	Printer string `json:"printer"`
	// ReceiptPaper is the receipt's layout: "A4", "A5" or "roll80" (an
	// 80 mm kiosk receipt printer).
	ReceiptPaper string `json:"receiptPaper"`
	// PortalKind names the portal adapter (portal.Kinds; default
	// "reference"); PortalCA is a PEM file of the CA the portal's
	// certificate chains to; PortalPins are SHA-256 digests of its public
	// key (hex or base64), checked on top of the chain.
	PortalKind string   `json:"portalKind,omitempty"`
	PortalCA   string   `json:"portalCA,omitempty"`
	PortalPins []string `json:"portalPins,omitempty"`
	// MaxAttachmentMB is the portal's size limit for one attachment,
	// enforced at intake (0: no limit).
	MaxAttachmentMB int `json:"maxAttachmentMB,omitempty"`
	// Scanner is the SANE device the attachments step scans with (e.g.
	// "genesys:libusb:001:004"; `kiosk scan --list` names them): "" is the
	// first one SANE finds, "none" hides "Quét" on a kiosk without one.
	Scanner string `json:"scanner"`
	// CameraFrame is the file a document camera writes its last frame to;
	// "" makes "Chụp" ask for an image file.
	CameraFrame string `json:"cameraFrame"`
}

// ErrConfigMode means a config file holding secrets (the portal token,
// clerk PINs, the admin PIN) can be read or written by other users.
var ErrConfigMode = errors.New("config: a file holding the portal token or PINs must be readable by its owner only (chmod 600)")

// Default returns settings that work out of the box on a developer machine:
// a per-user data directory, the simulated reader and a local portal.
func Default() Config {
	return Config{
		Profile:   Development,
		DataDir:   DefaultDataDir(),
		PortalURL: "http://127.0.0.1:8470",
		Token:     "dev-kiosk-token",
		KioskID:   "KIOSK-01",
		CounterID: "QUAY-01",
		Agency:    "000.00.00.H00",
		// Development defaults: a fictional receiving centre and PINs that a
		// deployment's config file must replace.
		AgencyName: "Trung tâm Phục vụ hành chính công phường Mẫu",
		Clerks:     "CB-01:1357",
		AdminPIN:   "2468",
		Mode:       "counter",
		Language:   "vi",
		Reader:     "sim",
		SeedsDir:   "seeds",
		IdleWipeS:  90,
		Retention:  "delete-on-receipt",
		// ReceiptPaper: A4 at a counter; a self-service kiosk's config sets
		// roll80 for its receipt printer.
		ReceiptPaper: "A4",
	}
}

// ProductionTrustDir is where a production kiosk keeps its CSCA trust list
// (the German master list holds Vietnam's CSCA).
const ProductionTrustDir = "/etc/motcua/trust"

// toProduction replaces the development-only defaults: the reader is the
// real PC/SC one, the trust list is the installed one, and the development
// token, PINs and fictional agency name are dropped so that Check asks for
// real ones. The data directory stays; the production config file names it.
func (c *Config) toProduction() {
	d := Default()
	c.Profile = Production
	for _, f := range []struct {
		dst  *string
		dev  string
		prod string
	}{
		{&c.Reader, d.Reader, "pcsc"},
		{&c.SimCard, d.SimCard, ""},
		{&c.TrustDir, d.TrustDir, ProductionTrustDir},
		{&c.Token, d.Token, ""},
		{&c.Clerks, d.Clerks, ""},
		{&c.AdminPIN, d.AdminPIN, ""},
		{&c.AgencyName, d.AgencyName, ""},
	} {
		if *f.dst == f.dev {
			*f.dst = f.prod
		}
	}
}

// ErrProduction matches every problem Check finds in a production config.
var ErrProduction = errors.New("config: not ready for production")

// Check reports what a production config still lacks or gets wrong; a
// development config always passes. The app refuses to start on an error,
// so a kiosk never runs on the development PINs or the virtual card.
func (c Config) Check() error {
	switch c.Profile {
	case Development, "":
		return nil
	case Production:
	default:
		return fmt.Errorf("config: profile %q: want %q or %q", c.Profile, Development, Production)
	}
	var missing []string
	if c.Reader == "sim" || c.SimCard != "" {
		missing = append(missing, `reader "sim" (the virtual card) is for development only: use "pcsc" or "pcsc:NAME"`)
	}
	d := Default()
	for _, f := range []struct{ name, v, dev string }{
		{"token", c.Token, d.Token}, {"clerks", c.Clerks, d.Clerks},
		{"adminPin", c.AdminPIN, d.AdminPIN}, {"agencyName", c.AgencyName, d.AgencyName},
	} {
		switch f.v {
		case "":
			missing = append(missing, f.name+" is not set")
		case f.dev:
			missing = append(missing, f.name+" is still the development default")
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrProduction, strings.Join(missing, "; "))
}

// UsesSimulatedReader reports whether the app reads the virtual card
// instead of a PC/SC reader.
func (c Config) UsesSimulatedReader() bool { return c.Reader == "sim" }

// DefaultDataDir is $XDG_DATA_HOME/motcua-kiosk, or ~/.local/share/motcua-kiosk.
func DefaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "motcua-kiosk")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "share", "motcua-kiosk")
	}
	return ".motcua-kiosk"
}

// TrustPath is the CSCA trust directory: TrustDir, else DATA/trust. The
// app reads it and `kiosk trust import` writes it, so both use this.
func (c Config) TrustPath() string {
	if c.TrustDir != "" {
		return c.TrustDir
	}
	return filepath.Join(c.DataDir, "trust")
}

// KeyPath returns the key file path, defaulting to DataDir/data.key.
func (c Config) KeyPath() string {
	if c.KeyFile != "" {
		return c.KeyFile
	}
	return filepath.Join(c.DataDir, "data.key")
}

// LoadFile overlays the JSON file at path on c. A missing file is not an
// error when optional is true (the default config path).
func (c *Config) LoadFile(path string, optional bool) error {
	b, err := os.ReadFile(path)
	if err != nil {
		if optional && errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("config: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var file Config
	if err := dec.Decode(&file); err != nil {
		return fmt.Errorf("config: %s: %w", path, err)
	}
	if file.Token != "" || file.Clerks != "" || file.AdminPIN != "" {
		st, err := os.Stat(path)
		if err != nil {
			return fmt.Errorf("config: %w", err)
		}
		if st.Mode().Perm()&0o077 != 0 {
			return fmt.Errorf("%w: %s has mode %v", ErrConfigMode, path, st.Mode().Perm())
		}
	}
	// A production file starts from the production defaults (toProduction)
	// before its own values overlay them.
	if file.Profile == Production && c.Profile != Production {
		c.toProduction()
	}
	// Overlay: decode again onto c (the checks above saw the file alone).
	return json.Unmarshal(b, c)
}

// Flags binds the settings shared by every subcommand to fs. Call Resolve
// after fs.Parse so that flags override the config file.
type Flags struct {
	path     string
	explicit *flag.FlagSet
}

// Bind registers --config, --data, --portal, --token and --key on fs.
func Bind(fs *flag.FlagSet) *Flags {
	f := &Flags{explicit: fs}
	fs.StringVar(&f.path, "config", "", "config file (JSON); default DATA/config.json if present")
	d := Default()
	fs.String("data", d.DataDir, "data directory (store, key file)")
	fs.String("portal", d.PortalURL, "portal base URL")
	fs.String("token", d.Token, "bearer token of this kiosk at the portal")
	fs.String("key", "", "data key file (default DATA/data.key)")
	return f
}

// Resolve returns defaults, overlaid by the config file, overlaid by the
// flags the user actually set.
func (f *Flags) Resolve() (Config, error) {
	cfg := Default()
	setFlags := map[string]string{}
	f.explicit.Visit(func(fl *flag.Flag) { setFlags[fl.Name] = fl.Value.String() })
	if v, ok := setFlags["data"]; ok {
		cfg.DataDir = v
	}
	path, optional := f.path, false
	if path == "" {
		path, optional = filepath.Join(cfg.DataDir, "config.json"), true
	}
	if err := cfg.LoadFile(path, optional); err != nil {
		return cfg, err
	}
	for name, v := range setFlags {
		switch name {
		case "data":
			cfg.DataDir = v
		case "portal":
			cfg.PortalURL = v
		case "token":
			cfg.Token = v
		case "key":
			cfg.KeyFile = v
		}
	}
	return cfg, nil
}

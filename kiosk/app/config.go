package app

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"motcua/kiosk/config"
	"motcua/kiosk/i18n"
	"motcua/kiosk/pdfdoc"
	"motcua/kiosk/session"
	"motcua/offline/portal"
	"motcua/offline/store"
	osync "motcua/offline/sync"
)

// ErrConfig matches every *ConfigError with errors.Is.
var ErrConfig = errors.New("app: invalid configuration")

// ConfigError names the setting that is wrong and why. It never quotes a
// secret (PINs, tokens).
type ConfigError struct {
	Setting string // the config file's key, e.g. "retention"
	Problem string
}

func (e *ConfigError) Error() string { return fmt.Sprintf("config: %s: %s", e.Setting, e.Problem) }

// Unwrap lets errors.Is(err, ErrConfig) match.
func (e *ConfigError) Unwrap() error { return ErrConfig }

// ReaderKind is where cards are read.
type ReaderKind string

// Reader kinds.
const (
	ReaderSim  ReaderKind = "sim"  // virtual cards in process (package simreader)
	ReaderPCSC ReaderKind = "pcsc" // a PC/SC reader through pcscd
)

// Reader says which card reader the kiosk uses.
type Reader struct {
	Kind     ReaderKind
	Name     string // PC/SC reader name; "" is the first contactless one
	SimCard  string // fixture on the simulated reader
	TrustDir string // CSCA certificates and master lists (PC/SC)
}

// Clerks maps clerk IDs to their counter PINs.
type Clerks map[string]string

// ParseClerks reads "ID:PIN,ID:PIN". A pair without an ID or a PIN is an
// error, named by position only (the PIN is a secret).
func ParseClerks(spec string) (Clerks, error) {
	out := Clerks{}
	if strings.TrimSpace(spec) == "" {
		return out, nil
	}
	for i, pair := range strings.Split(spec, ",") {
		id, pin, ok := strings.Cut(strings.TrimSpace(pair), ":")
		id, pin = strings.TrimSpace(id), strings.TrimSpace(pin)
		if !ok || id == "" || pin == "" {
			return nil, &ConfigError{Setting: "clerks", Problem: fmt.Sprintf("pair %d is not CLERKID:PIN", i+1)}
		}
		if _, dup := out[id]; dup {
			return nil, &ConfigError{Setting: "clerks", Problem: fmt.Sprintf("clerk %q appears twice", id)}
		}
		out[id] = pin
	}
	return out, nil
}

// Check compares a clerk's PIN in constant time.
func (c Clerks) Check(id, pin string) bool {
	want, ok := c[strings.TrimSpace(id)]
	return ok && subtle.ConstantTimeCompare([]byte(want), []byte(pin)) == 1
}

// Config is everything the kiosk is built from, typed and checked. Make it
// with FromConfig (the config file and flags) or fill it in code (the demo,
// tests) and call Validate.
type Config struct {
	Profile   string // config.Development or config.Production
	Mode      session.Mode
	Lang      i18n.Lang
	DataDir   string // the store lives here
	KeyPath   string // data key; "" is DataDir/data.key
	Retention store.Retention
	// NoSync skips fsync in the store: tests and the throwaway demo only.
	NoSync bool

	PortalURL, Token string
	// Portal is how the portal client is built: adapter kind, CA file,
	// key pins (URL and Token are set from the fields above by Build).
	Portal portal.Settings
	// MaxAttachment is the portal's limit for one attachment, enforced at
	// intake (0: none).
	MaxAttachment int64

	KioskID, CounterID string
	AgencyName         string // the forms' "Kính gửi"

	Reader Reader
	// Card, when set, is used instead of building one from Reader: the
	// demo and the test rig bring a virtual card they swap.
	Card session.CardSource

	Clerks   Clerks
	AdminPIN string
	// IdleWipe and IdleWarn time out a self-service visit.
	IdleWipe, IdleWarn time.Duration
	Receipts           string // receipt PDFs; "" is DataDir/receipts
	// Printer is the CUPS queue "In" prints to ("" is the system default);
	// ReceiptPaper the receipt's layout (A4, A5 or roll80).
	Printer      string
	ReceiptPaper pdfdoc.Paper
	// Scanner is the SANE device for the attachments step ("" the first
	// found, "none" no scanner); CameraFrame the document camera's frame
	// file ("" asks for a file).
	Scanner, CameraFrame string

	// Version is the build's version, for the heartbeat.
	Version string
	// HeartbeatEvery is how often the kiosk reports its health to the
	// portal (0: every 30 s; negative: never, for tests and the demo).
	HeartbeatEvery time.Duration

	// Sync tunes the worker's timings (zero values take its defaults);
	// Build sets its Store and Client.
	Sync osync.Config
	// QueueWait is how long Submit waits for the portal's code (zero: the
	// queue's default).
	QueueWait time.Duration
	// Now is the clock of the forms and the session; nil is time.Now.
	Now func() time.Time
}

// FromConfig turns the config file's settings into a Config, checking each.
func FromConfig(c config.Config) (Config, error) {
	var errs []error
	bad := func(setting, format string, a ...any) {
		errs = append(errs, &ConfigError{Setting: setting, Problem: fmt.Sprintf(format, a...)})
	}
	if err := c.Check(); err != nil { // production: real reader, own PINs and token
		return Config{}, err
	}
	out := Config{Profile: c.Profile, Mode: session.Mode(c.Mode), DataDir: c.DataDir, KeyPath: c.KeyPath(),
		PortalURL: c.PortalURL, Token: c.Token, KioskID: c.KioskID, CounterID: c.CounterID,
		AgencyName: c.AgencyName, AdminPIN: c.AdminPIN, IdleWipe: time.Duration(c.IdleWipeS) * time.Second,
		Printer: c.Printer, Scanner: c.Scanner, CameraFrame: c.CameraFrame, MaxAttachment: int64(c.MaxAttachmentMB) << 20,
		Portal: portal.Settings{Kind: c.PortalKind, CAFile: c.PortalCA, Pins: c.PortalPins}}
	if paper, err := pdfdoc.ParsePaper(c.ReceiptPaper); err != nil {
		bad("receiptPaper", "%v", err)
	} else {
		out.ReceiptPaper = paper
	}
	if out.Mode == "" {
		out.Mode = session.Counter
	}
	out.Lang = i18n.VI
	if c.Language != "" {
		l, err := i18n.ParseLang(c.Language)
		if err != nil {
			bad("language", "want vi or en")
		}
		out.Lang = l
	}
	ret, err := store.ParseRetention(c.Retention)
	if err != nil {
		bad("retention", "want %q or %q", store.DeleteOnReceipt, store.Keep)
	}
	out.Retention = ret
	clerks, err := ParseClerks(c.Clerks)
	if err != nil {
		errs = append(errs, err)
	}
	out.Clerks = clerks
	switch r := c.Reader; {
	case r == "" || r == string(ReaderSim):
		out.Reader = Reader{Kind: ReaderSim, SimCard: c.SimCard}
		if out.Reader.SimCard == "" {
			out.Reader.SimCard = filepath.Join(c.SeedsDir, "cards", "nguyen-van-an.json")
		}
	case r == string(ReaderPCSC) || strings.HasPrefix(r, string(ReaderPCSC)+":"):
		out.Reader = Reader{Kind: ReaderPCSC, Name: strings.TrimPrefix(strings.TrimPrefix(r, string(ReaderPCSC)), ":"), TrustDir: c.TrustPath()}
	default:
		bad("reader", `want "sim", "pcsc" or "pcsc:NAME"`)
	}
	if c.IdleWipeS < 0 {
		bad("idleWipeSeconds", "must not be negative")
	}
	out.IdleWarn = IdleWarn(out.IdleWipe)
	if err := errors.Join(errs...); err != nil {
		return Config{}, err
	}
	return out, out.Validate()
}

// Validate checks the settings that do not depend on where they came from.
func (c *Config) Validate() error {
	var errs []error
	bad := func(setting, problem string) { errs = append(errs, &ConfigError{Setting: setting, Problem: problem}) }
	if c.Mode != session.Counter && c.Mode != session.SelfService {
		bad("mode", "want counter or self-service")
	}
	if c.Lang != i18n.VI && c.Lang != i18n.EN {
		bad("language", "want vi or en")
	}
	if c.Retention != store.DeleteOnReceipt && c.Retention != store.Keep {
		bad("retention", fmt.Sprintf("want %q or %q", store.DeleteOnReceipt, store.Keep))
	}
	if c.DataDir == "" {
		bad("dataDir", "empty")
	}
	if c.KioskID == "" {
		bad("kioskId", "empty")
	}
	if c.PortalURL == "" {
		bad("portalURL", "empty")
	}
	if c.Card == nil && c.Reader.Kind != ReaderSim && c.Reader.Kind != ReaderPCSC {
		bad("reader", `want "sim", "pcsc" or "pcsc:NAME"`)
	}
	if c.IdleWipe < 0 || c.IdleWarn < 0 || (c.IdleWipe > 0 && c.IdleWarn > c.IdleWipe) {
		bad("idleWipeSeconds", "the warning must come within the idle time")
	}
	return errors.Join(errs...)
}

func (c *Config) keyPath() string {
	if c.KeyPath != "" {
		return c.KeyPath
	}
	return filepath.Join(c.DataDir, "data.key")
}

// ReceiptsDir is where receipt PDFs go.
func (c *Config) ReceiptsDir() string {
	if c.Receipts != "" {
		return c.Receipts
	}
	return filepath.Join(c.DataDir, "receipts")
}

// IdleWarn is when the idle warning of a self-service visit shows, before
// the wipe: half the idle time, at most 30 s.
func IdleWarn(idle time.Duration) time.Duration { return min(30*time.Second, idle/2) }

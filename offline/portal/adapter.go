package portal

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"
)

// Settings choose and configure a portal adapter; they come from the
// kiosk's config file.
type Settings struct {
	// Kind names the adapter ("" is KindReference).
	Kind  string
	URL   string
	Token string
	// CAFile is a PEM file of the CA(s) the portal's certificate must
	// chain to, instead of the system roots.
	CAFile string
	// Pins are SHA-256 digests of the portal certificate's public key
	// (SubjectPublicKeyInfo), hex or base64 (as in HPKP): the leaf must
	// match one of them, on top of the chain check.
	Pins []string
}

// KindReference is the adapter for the reference HTTP/JSON protocol (the
// one cmd/portal serves).
const KindReference = "reference"

// Kinds lists the adapter kinds New accepts. A provincial adapter adds its
// row here and passes portaltest.Run.
var Kinds = map[string]func(Settings) (Client, error){
	KindReference: func(s Settings) (Client, error) { return NewReference(s) },
}

// ErrUnknownKind means the config names no adapter this kiosk has.
var ErrUnknownKind = errors.New("portal: unknown adapter kind")

// New builds the adapter s.Kind names.
func New(s Settings) (Client, error) {
	kind := s.Kind
	if kind == "" {
		kind = KindReference
	}
	mk, ok := Kinds[kind]
	if !ok {
		return nil, fmt.Errorf("%w %q (have %s)", ErrUnknownKind, kind, strings.Join(slices.Sorted(func(yield func(string) bool) {
			for k := range Kinds {
				if !yield(k) {
					return
				}
			}
		}), ", "))
	}
	return mk(s)
}

// NewReference builds the reference HTTP client from s, with its TLS
// settings (CA file, pins).
func NewReference(s Settings) (*HTTPClient, error) {
	var opts []Option
	if s.CAFile != "" || len(s.Pins) > 0 {
		cfg, err := TLSConfig(s.CAFile, s.Pins)
		if err != nil {
			return nil, err
		}
		opts = append(opts, WithTLSConfig(cfg))
	}
	return NewHTTPClient(s.URL, s.Token, opts...)
}

// ErrInsecure means a plain http:// portal URL whose host is not this
// machine: a forged "201 Created" on the way would make the kiosk delete
// its copy of a dossier the portal never got.
var ErrInsecure = errors.New("portal: plain http is allowed only to this machine (127.0.0.1, ::1, localhost); use https")

// checkTransport refuses http:// to anything but loopback.
func checkTransport(u *url.URL) error {
	if u.Scheme != "http" || Loopback(u.Hostname()) {
		return nil
	}
	return fmt.Errorf("%w (host %s)", ErrInsecure, u.Hostname())
}

// Loopback reports whether host (a URL's host name, without port) is this
// machine: "localhost" or a loopback address, the only hosts plain http://
// may go to.
func Loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ErrPin means the portal's certificate matches none of the pinned keys.
var ErrPin = errors.New("portal: certificate does not match the pinned key")

// TLSConfig returns a client TLS configuration that trusts the CAs in
// caFile (system roots when "") and, when pins are given, also requires
// the leaf certificate's public key to match one of them.
func TLSConfig(caFile string, pins []string) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("portal: CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("portal: CA file %s holds no PEM certificate", caFile)
		}
		cfg.RootCAs = pool
	}
	if len(pins) == 0 {
		return cfg, nil
	}
	want := make([][]byte, 0, len(pins))
	for _, p := range pins {
		b, err := parsePin(p)
		if err != nil {
			return nil, err
		}
		want = append(want, b)
	}
	cfg.VerifyConnection = func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return ErrPin
		}
		got := PinOf(cs.PeerCertificates[0])
		for _, w := range want {
			if string(w) == string(got) {
				return nil
			}
		}
		return ErrPin
	}
	return cfg, nil
}

// PinOf returns the SHA-256 of a certificate's SubjectPublicKeyInfo: the
// value to pin (survives a renewal that keeps the key).
func PinOf(c *x509.Certificate) []byte {
	sum := sha256.Sum256(c.RawSubjectPublicKeyInfo)
	return sum[:]
}

func parsePin(p string) ([]byte, error) {
	p = strings.TrimPrefix(strings.TrimSpace(p), "sha256/")
	if b, err := hex.DecodeString(p); err == nil && len(b) == sha256.Size {
		return b, nil
	}
	if b, err := base64.StdEncoding.DecodeString(p); err == nil && len(b) == sha256.Size {
		return b, nil
	}
	return nil, fmt.Errorf("portal: pin %q is not a SHA-256 in hex or base64", p)
}

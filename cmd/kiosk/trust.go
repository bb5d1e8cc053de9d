package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"motcua/cardreader/pki"
	"motcua/kiosk/config"
)

// trustCommand is "kiosk trust"; main.go lists it.
var trustCommand = &command{name: "trust", summary: "import and list the CSCA certificates, master lists and CRLs passive authentication trusts", run: runTrust}

const trustUsage = `usage: kiosk trust COMMAND [flags]

  import FILE [--country VN] [--dir DIR]   add a CSCA certificate, a signed ICAO master list or a CRL
  list [--json] [--dir DIR]                what is trusted, with country, subject and validity

The trust directory is --dir, else the config's trustDir, else DATA/trust.
A master list's signature is verified before anything is added; a CRL must
be signed by a CSCA already trusted.
`

func runTrust(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, trustUsage)
		return errUsage
	}
	fs := flag.NewFlagSet("trust "+args[0], flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	cf := config.Bind(fs)
	dir := fs.String("dir", "", "trust directory (default: the config's trustDir, else DATA/trust)")
	country := fs.String("country", "", "import: take only this country's CSCAs from a master list (ISO 3166 alpha-2, e.g. VN)")
	asJSON := fs.Bool("json", false, "list: print JSON")
	switch args[0] {
	case "import", "list":
	default:
		fmt.Fprint(e.stderr, trustUsage)
		return errUsage
	}
	// Flags may come before or after FILE.
	var pos []string
	for rest := args[1:]; ; {
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		pos, rest = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
	if *dir == "" {
		cfg, err := cf.Resolve()
		if err != nil {
			return err
		}
		*dir = cfg.TrustPath()
	}
	if args[0] == "list" {
		if len(pos) != 0 {
			return errUsage
		}
		return trustList(e, *dir, *asJSON)
	}
	if len(pos) != 1 {
		fmt.Fprintln(e.stderr, "kiosk trust import: give one FILE")
		return errUsage
	}
	return trustImport(e, *dir, pos[0], strings.ToUpper(*country), time.Now())
}

// trustEntry describes one trusted item for people and for JSON.
type trustEntry struct {
	Kind        string    `json:"kind"` // "csca" or "crl"
	File        string    `json:"file"`
	Country     string    `json:"country,omitempty"`
	Subject     string    `json:"subject"`
	NotBefore   time.Time `json:"notBefore,omitzero"`
	NotAfter    time.Time `json:"notAfter,omitzero"`
	Expired     bool      `json:"expired,omitempty"`
	Fingerprint string    `json:"sha256"`
	Revoked     int       `json:"revoked,omitempty"` // CRL: serial numbers listed
}

func describeCert(c *pki.Certificate, file string, now time.Time) trustEntry {
	return trustEntry{Kind: "csca", File: file, Country: strings.Join(c.Subject.Country, ","), Subject: c.Subject.String(),
		NotBefore: c.NotBefore.UTC(), NotAfter: c.NotAfter.UTC(), Expired: now.After(c.NotAfter), Fingerprint: fingerprint(c.Raw)}
}

func (t trustEntry) String() string {
	if t.Kind == "crl" {
		return fmt.Sprintf("CRL   %-3s %s  this update %s, next %s, %d revoked  [%s]", t.Country, t.Subject,
			t.NotBefore.Format(time.DateOnly), t.NotAfter.Format(time.DateOnly), t.Revoked, t.File)
	}
	state := ""
	if t.Expired {
		state = "  EXPIRED"
	}
	return fmt.Sprintf("CSCA  %-3s %s  valid %s to %s%s  sha256 %s…  [%s]", t.Country, t.Subject,
		t.NotBefore.Format(time.DateOnly), t.NotAfter.Format(time.DateOnly), state, t.Fingerprint[:16], t.File)
}

// errTrustFile reports a file that is none of the accepted kinds.
var errTrustFile = errors.New("not a certificate, a CSCA master list or a CRL")

// trustImport verifies FILE and writes what it adds into dir: each CSCA as
// its own PEM file (csca-CC-FINGERPRINT.pem), a CRL as its DER. Nothing is
// written unless the whole file checks out.
func trustImport(e *env, dir, file string, country string, now time.Time) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	der := b
	pemType := ""
	if blk, _ := pem.Decode(b); blk != nil {
		der, pemType = blk.Bytes, blk.Type
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// A CRL: signed by a CSCA already trusted.
	if pemType == "X509 CRL" || (pemType == "" && isCRL(der)) {
		store, err := pki.LoadTrustStore(dir)
		if err != nil {
			return err
		}
		crl, err := store.AddCRL(der)
		if err != nil {
			return fmt.Errorf("%s: %w (import the CSCA that signed it first)", filepath.Base(file), err)
		}
		sum := sha256.Sum256(crl.RawIssuer)
		name := "crl-" + hex.EncodeToString(sum[:6]) + ".crl"
		if err := os.WriteFile(filepath.Join(dir, name), der, 0o644); err != nil {
			return err
		}
		issuer := crlIssuer(store, crl)
		fmt.Fprintf(e.stdout, "added %s\n", trustEntry{Kind: "crl", File: name, Country: issuer.Country, Subject: issuer.Subject,
			NotBefore: crl.ThisUpdate.UTC(), NotAfter: crl.NextUpdate.UTC(), Revoked: len(crl.Revoked)})
		return nil
	}
	var certs [][]byte
	kind := "certificate"
	if c, err := pki.ParseCertificate(der); err == nil {
		if !c.IsCA {
			return fmt.Errorf("%s: the certificate is not a CA (a Document Signer is never a trust anchor: import its CSCA)", filepath.Base(file))
		}
		certs = [][]byte{der}
	} else if certs, err = pki.ParseMasterList(der); err == nil {
		kind = "master list (signature verified)"
	} else if errors.Is(err, pki.ErrMasterList) && !errors.Is(err, pki.ErrCertificate) && looksLikeCMS(der) {
		return fmt.Errorf("%s: %w", filepath.Base(file), err)
	} else {
		return fmt.Errorf("%s: %w", filepath.Base(file), errTrustFile)
	}
	var added, skipped []trustEntry
	for _, raw := range certs {
		c, err := pki.ParseCertificate(raw)
		if err != nil {
			continue // real lists carry a few odd certificates
		}
		if country != "" && !slices.Contains(c.Subject.Country, country) {
			continue
		}
		d := describeCert(c, "", now)
		d.File = fmt.Sprintf("csca-%s-%s.pem", strings.ToLower(firstOr(c.Subject.Country, "xx")), d.Fingerprint[:16])
		path := filepath.Join(dir, d.File)
		if _, err := os.Stat(path); err == nil {
			skipped = append(skipped, d)
			continue
		}
		added = append(added, d)
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: raw}), 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stdout, "%s: %s, %d CSCA certificate(s) added, %d already trusted\n", filepath.Base(file), kind, len(added), len(skipped))
	for _, d := range added {
		fmt.Fprintf(e.stdout, "added %s\n", d)
	}
	if len(added)+len(skipped) == 0 {
		if country != "" {
			return fmt.Errorf("%s holds no CSCA of country %s", filepath.Base(file), country)
		}
		return fmt.Errorf("%s holds no usable CSCA certificate", filepath.Base(file))
	}
	return nil
}

func firstOr(s []string, def string) string {
	if len(s) == 0 || s[0] == "" {
		return def
	}
	return s[0]
}

// isCRL tells a DER CRL from a certificate: both are SEQUENCE { SEQUENCE,
// AlgorithmIdentifier, BIT STRING }, so only parsing tells them apart.
func isCRL(der []byte) bool {
	if _, err := pki.ParseCertificate(der); err == nil {
		return false
	}
	_, err := pki.ParseCRL(der)
	return err == nil
}

// looksLikeCMS reports a ContentInfo: SEQUENCE { OID signedData, … }.
func looksLikeCMS(der []byte) bool {
	return bytes.Contains(der[:min(len(der), 32)], []byte{0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02})
}

func crlIssuer(store *pki.TrustStore, crl *pki.CRL) trustEntry {
	for ca, c := range store.CRLs() {
		if c == crl || bytes.Equal(c.Raw, crl.Raw) {
			return trustEntry{Country: strings.Join(ca.Subject.Country, ","), Subject: ca.Subject.String()}
		}
	}
	return trustEntry{Subject: "(unknown issuer)"}
}

func trustList(e *env, dir string, asJSON bool) error {
	store, err := pki.LoadTrustStore(dir)
	if err != nil {
		return err
	}
	now := time.Now()
	var out []trustEntry
	files := map[string]string{} // certificate fingerprint → file, best effort
	if entries, err := os.ReadDir(dir); err == nil {
		for _, en := range entries {
			if b, err := os.ReadFile(filepath.Join(dir, en.Name())); err == nil {
				for _, der := range certsIn(b) {
					files[fingerprint(der)] = en.Name()
				}
			}
		}
	}
	for _, c := range store.Certificates() {
		d := describeCert(c, "", now)
		d.File = files[d.Fingerprint]
		out = append(out, d)
	}
	for ca, crl := range store.CRLs() {
		fp := fingerprint(crl.Raw)
		out = append(out, trustEntry{Kind: "crl", File: files[fp], Country: strings.Join(ca.Subject.Country, ","), Subject: ca.Subject.String(),
			NotBefore: crl.ThisUpdate.UTC(), NotAfter: crl.NextUpdate.UTC(), Revoked: len(crl.Revoked), Fingerprint: fp})
	}
	slices.SortFunc(out, func(a, b trustEntry) int {
		return strings.Compare(a.Kind+a.Country+a.Subject+a.Fingerprint, b.Kind+b.Country+b.Subject+b.Fingerprint)
	})
	if asJSON {
		return writeJSON(e.stdout, out)
	}
	if len(out) == 0 {
		fmt.Fprintf(e.stdout, "nothing is trusted in %s: every chip's passive authentication will say \"not checked: no trust anchor\"\n", dir)
		return nil
	}
	for _, d := range out {
		fmt.Fprintln(e.stdout, d)
	}
	return nil
}

// fingerprint is the hex SHA-256 of b, the trust list's identity of a
// certificate or CRL.
func fingerprint(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// certsIn returns the DER certificates of a PEM or DER file.
func certsIn(b []byte) [][]byte {
	if !bytes.Contains(b, []byte("-----BEGIN")) {
		return [][]byte{b}
	}
	var out [][]byte
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			return out
		}
		if blk.Type == "CERTIFICATE" {
			out = append(out, blk.Bytes)
		}
	}
}

// Command mkpki makes the TEST-ONLY PKI that signs the virtual card
// fixtures: a CSCA (RSA-3072) and a Brainpool CSCA (brainpoolP512r1, like
// Vietnam's real one), a rogue CSCA nobody trusts, and Document Signers
// under them (valid RSA-2048, P-256 and brainpoolP256r1, expired, rogue).
// With -cards it also makes each fixture's missing Active and Chip
// Authentication keys.
//
//	go run ./cmd/mkpki -out seeds/pki -cards seeds/cards
//
// Existing files are kept unless -force is given, so committed keys (and
// with them every fixture's bytes) stay stable.
package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/brainpool"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"motcua/cardreader/fixture"
	"motcua/cardreader/lds"
	"motcua/cardreader/pki"
)

type authority struct {
	name, dir string
	cn        string
	newKey    func() (crypto.Signer, error)
	hash      crypto.Hash
	from, to  time.Time
	parent    string // "" for a CSCA
	trusted   bool
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func rsaKey(bits int) func() (crypto.Signer, error) {
	return func() (crypto.Signer, error) { return rsa.GenerateKey(rand.Reader, bits) }
}

func ecKey(c elliptic.Curve) func() (crypto.Signer, error) {
	return func() (crypto.Signer, error) { return ecdsa.GenerateKey(c, rand.Reader) }
}

var authorities = []authority{
	{"csca-test", "csca", "CSCA TEST-ONLY Viet Nam", rsaKey(3072), crypto.SHA256, date(2019, 1, 1), date(2049, 1, 1), "", true},
	{"csca-test-bp", "csca", "CSCA TEST-ONLY Viet Nam Brainpool", ecKey(brainpool.P512r1()), crypto.SHA512, date(2019, 1, 1), date(2049, 1, 1), "", true},
	{"csca-rogue", "rogue", "CSCA ROGUE TEST-ONLY", rsaKey(2048), crypto.SHA256, date(2019, 1, 1), date(2049, 1, 1), "", false},
	{"test-ds", "signers", "DS TEST-ONLY 01", rsaKey(2048), crypto.SHA256, date(2020, 1, 1), date(2045, 1, 1), "csca-test", false},
	{"test-ds-p256", "signers", "DS TEST-ONLY P-256", ecKey(elliptic.P256()), crypto.SHA256, date(2020, 1, 1), date(2045, 1, 1), "csca-test", false},
	{"test-ds-brainpool", "signers", "DS TEST-ONLY Brainpool", ecKey(brainpool.P256r1()), crypto.SHA512, date(2020, 1, 1), date(2045, 1, 1), "csca-test-bp", false},
	{"test-ds-expired", "signers", "DS TEST-ONLY Expired", rsaKey(2048), crypto.SHA256, date(2010, 1, 1), date(2020, 1, 1), "csca-test", false},
	{"test-ds-revoked", "signers", "DS TEST-ONLY Revoked", rsaKey(2048), crypto.SHA256, date(2020, 1, 1), date(2045, 1, 1), "csca-test", false},
	{"rogue-ds", "signers", "DS ROGUE TEST-ONLY", rsaKey(2048), crypto.SHA256, date(2020, 1, 1), date(2045, 1, 1), "csca-rogue", false},
	{"test-mls", "mls", "Master List Signer TEST-ONLY", rsaKey(2048), crypto.SHA256, date(2020, 1, 1), date(2045, 1, 1), "csca-test", false},
}

const readme = `# Test PKI — TEST-ONLY, NEVER TRUST IN PRODUCTION

Everything here was made by ` + "`go run ./cmd/mkpki -out seeds/pki`" + `. The private keys are
committed on purpose so that the virtual card fixtures in seeds/cards build the same bytes
every time. These keys are public: nothing signed by them proves anything about a real card.

- trust/         the trust store the kiosk uses with --sim: the test CSCAs only
- csca/          the test CSCAs: csca-test (RSA-3072), csca-test-bp (brainpoolP512r1,
                 ecdsa-with-SHA512, like Viet Nam's real CSCA); certificate + key
- rogue/         csca-rogue: a CSCA that is NOT trusted (fixture fault "unknownCSCA")
- masterlist/    test-csca.ml: the trusted test CSCAs as an ICAO CSCA master list (CMS),
                 signed by mls/test-mls (issued by csca-test); a trust directory too
- mls/           the Master List Signer's certificate and key
- trust/csca-test.crl  csca-test's revocation list: revokes test-ds-revoked (fault "revokedDS")
- signers/       Document Signers (certificate NAME.pem + key NAME.key.pem):
                 test-ds (RSA-2048, default), test-ds-p256, test-ds-brainpool
                 (brainpoolP256r1 under csca-test-bp), test-ds-expired (valid 2010-2020,
                 fault "expiredDS"), test-ds-revoked (revoked by trust/csca-test.crl,
                 fault "revokedDS"), rogue-ds (under csca-rogue)

Subjects say TEST-ONLY. Do not copy any of this into a real trust directory.
`

func main() {
	out := flag.String("out", "seeds/pki", "directory of the test PKI")
	cards := flag.String("cards", "", "fixture directory: also make each fixture's missing AA/CA keys")
	force := flag.Bool("force", false, "regenerate the PKI even if files exist (changes every fixture's SOD)")
	flag.Parse()
	if err := run(*out, *cards, *force); err != nil {
		fmt.Fprintln(os.Stderr, "mkpki:", err)
		os.Exit(1)
	}
}

func run(out, cards string, force bool) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "README.md"), []byte(readme), 0o644); err != nil {
		return err
	}
	made := map[string]*issued{}
	for _, a := range authorities {
		is, err := ensure(out, a, made, force)
		if err != nil {
			return fmt.Errorf("%s: %w", a.name, err)
		}
		made[a.name] = is
		if a.trusted {
			if err := writePEM(filepath.Join(out, "trust", a.name+".pem"), "CERTIFICATE", is.der); err != nil {
				return err
			}
		}
	}
	if err := ensureMasterList(out, made, force); err != nil {
		return err
	}
	if err := ensureCRL(out, made, force); err != nil {
		return err
	}
	if cards != "" {
		return ensureCardKeys(cards)
	}
	return nil
}

// ensureMasterList writes masterlist/test-csca.ml: the trusted CSCAs as a
// signed CscaMasterList, so the master list path of the trust store is
// exercised with real files.
func ensureMasterList(out string, made map[string]*issued, force bool) error {
	path := filepath.Join(out, "masterlist", "test-csca.ml")
	if _, err := os.Stat(path); err == nil && !force {
		return nil
	}
	var list cryptobyte.Builder
	list.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(0)
		b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
			for _, a := range authorities {
				if a.trusted {
					b.AddBytes(made[a.name].der)
				}
			}
		})
	})
	econtent, err := list.Bytes()
	if err != nil {
		return err
	}
	mls := made["test-mls"]
	ml, err := lds.BuildSignedData(pki.OIDCscaMasterList, econtent, mls.key, mls.der, lds.SignOptions{SigningTime: date(2026, 1, 1)})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	fmt.Println("wrote", path)
	return os.WriteFile(path, ml, 0o644)
}

// ensureCRL writes trust/csca-test.crl: csca-test's revocation list, which
// revokes test-ds-revoked (fixture fault "revokedDS").
func ensureCRL(out string, made map[string]*issued, force bool) error {
	path := filepath.Join(out, "trust", "csca-test.crl")
	if _, err := os.Stat(path); err == nil && !force {
		return nil
	}
	ca := made["csca-test"]
	der, err := pki.CreateCRL(ca.cert, ca.key, crypto.SHA256, []*big.Int{made["test-ds-revoked"].cert.SerialNumber},
		date(2026, 1, 1), date(2049, 1, 1), rand.Reader)
	if err != nil {
		return err
	}
	fmt.Println("wrote", path)
	return os.WriteFile(path, der, 0o644)
}

type issued struct {
	key  crypto.Signer
	der  []byte
	cert *pki.Certificate
}

func ensure(out string, a authority, made map[string]*issued, force bool) (*issued, error) {
	certPath := filepath.Join(out, a.dir, a.name+".pem")
	keyPath := filepath.Join(out, a.dir, a.name+".key.pem")
	if !force {
		if is, err := load(certPath, keyPath); err == nil {
			return is, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	key, err := a.newKey()
	if err != nil {
		return nil, err
	}
	var parent *pki.Certificate
	signer := key
	if a.parent != "" {
		p := made[a.parent]
		parent, signer = p.cert, p.key
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	if err != nil {
		return nil, err
	}
	hash := a.hash
	if a.parent != "" {
		hash = parentHash(a.parent)
	}
	der, err := pki.CreateCertificate(pki.Template{
		SerialNumber: serial,
		Subject:      pkix.Name{Country: []string{"VN"}, Organization: []string{"motcua test PKI (TEST-ONLY)"}, CommonName: a.cn},
		NotBefore:    a.from, NotAfter: a.to, IsCA: a.parent == "",
	}, key.Public(), parent, signer, hash, rand.Reader)
	if err != nil {
		return nil, err
	}
	kb, err := pki.MarshalPrivateKeyPEM(key)
	if err != nil {
		return nil, err
	}
	if err := writePEM(certPath, "CERTIFICATE", der); err != nil {
		return nil, err
	}
	if err := os.WriteFile(keyPath, kb, 0o644); err != nil {
		return nil, err
	}
	fmt.Println("wrote", certPath)
	return load(certPath, keyPath)
}

// parentHash is the hash a CSCA signs with.
func parentHash(name string) crypto.Hash {
	for _, a := range authorities {
		if a.name == name {
			return a.hash
		}
	}
	return crypto.SHA256
}

func load(certPath, keyPath string) (*issued, error) {
	cb, err := os.ReadFile(certPath)
	if err != nil {
		return nil, err
	}
	kb, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(cb)
	if blk == nil {
		return nil, fmt.Errorf("%s: no PEM block", certPath)
	}
	cert, err := pki.ParseCertificate(blk.Bytes)
	if err != nil {
		return nil, err
	}
	key, err := pki.ParsePrivateKeyPEM(kb)
	if err != nil {
		return nil, err
	}
	return &issued{key, blk.Bytes, cert}, nil
}

func writePEM(path, typ string, der []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o644)
}

// ensureCardKeys walks the fixture tree and makes missing keys.
func ensureCardKeys(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		f, err := fixture.Load(path)
		if err != nil {
			return err
		}
		written, err := f.EnsureKeys(nil)
		for _, w := range written {
			fmt.Println("wrote", w)
		}
		return err
	})
}

package pki

import (
	"bytes"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"motcua/cardreader/lds"
)

// OIDCscaMasterList is the eContentType of an ICAO CSCA master list.
var OIDCscaMasterList = asn1.ObjectIdentifier{2, 23, 136, 1, 1, 2}

// ErrMasterList matches master list parsing errors.
var ErrMasterList = errors.New("pki: malformed master list")

// TrustStore holds the CSCA certificates passive authentication may chain
// to. It is safe for concurrent use.
type TrustStore struct {
	mu    sync.RWMutex
	certs []*Certificate
	// chains remembers which CSCA verified a Document Signer certificate
	// (by the DS certificate's SHA-256): one DS signs many cards, and a
	// Brainpool P-512 verification costs ~20 ms of CPU.
	chains map[[32]byte]*Certificate
	// crls holds each CSCA's latest revocation list, by the CSCA's name
	// and key (not its certificate: see issuerID).
	crls map[issuerID]issuedCRL
}

// maxChains bounds the chain cache; it is emptied when full.
const maxChains = 1024

// NewTrustStore returns an empty store.
func NewTrustStore() *TrustStore { return &TrustStore{} }

// trustExts are the file name endings LoadTrustStore reads; anything else
// in the directory (README, private keys) is ignored.
var trustExts = []string{".pem", ".crt", ".cer", ".der", ".ml", ".crl"}

// LoadTrustStore reads every certificate file (.pem, .crt, .cer, .der) and
// ICAO master list (.ml, or any of those holding CMS) in dir, not recursing,
// then every revocation list (.crl, DER or PEM): a CRL must be signed by a
// CSCA the directory holds.
// A file that cannot be read is an error naming it, so a broken trust
// directory is noticed rather than silently trusting less.
//
// A master list must carry a valid signature by a Master List Signer that
// one of its own CSCAs issued; trust in the list as a whole still comes
// from the operator putting it in the trust directory.
func LoadTrustStore(dir string) (*TrustStore, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("pki: trust directory: %w", err)
	}
	s := NewTrustStore()
	for _, crls := range []bool{false, true} {
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || strings.HasPrefix(name, ".") || !hasTrustExt(name) || strings.HasSuffix(strings.ToLower(name), ".crl") != crls {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				return nil, fmt.Errorf("pki: trust directory: %w", err)
			}
			if crls {
				err = s.addCRLFile(b)
			} else {
				err = s.AddFile(b)
			}
			if err != nil {
				return nil, fmt.Errorf("pki: trust file %s: %w", name, err)
			}
		}
	}
	return s, nil
}

func hasTrustExt(name string) bool {
	l := strings.ToLower(name)
	for _, x := range trustExts {
		if strings.HasSuffix(l, x) {
			return true
		}
	}
	return false
}

// addCRLFile adds a DER or PEM ("X509 CRL") revocation list.
func (s *TrustStore) addCRLFile(b []byte) error {
	if blk, _ := pem.Decode(b); blk != nil {
		if blk.Type != "X509 CRL" {
			return fmt.Errorf("%w: PEM block %q", ErrCRL, blk.Type)
		}
		b = blk.Bytes
	}
	_, err := s.AddCRL(b)
	return err
}

// AddFile adds the certificates of one file: PEM (CERTIFICATE blocks;
// other blocks ignored), a DER certificate, or a DER master list.
func (s *TrustStore) AddFile(b []byte) error {
	if bytes.Contains(b, []byte("-----BEGIN")) {
		n := 0
		for {
			var blk *pem.Block
			blk, b = pem.Decode(b)
			if blk == nil {
				break
			}
			switch blk.Type {
			case "CERTIFICATE":
				if err := s.AddCert(blk.Bytes); err != nil {
					return err
				}
				n++
			case "CMS", "PKCS7":
				if err := s.AddMasterList(blk.Bytes); err != nil {
					return err
				}
				n++
			}
		}
		if n == 0 {
			return errors.New("pki: PEM file without certificates")
		}
		return nil
	}
	if _, err := ParseCertificate(b); err == nil {
		return s.AddCert(b)
	}
	return s.AddMasterList(b)
}

// AddCert adds one DER CSCA certificate.
func (s *TrustStore) AddCert(der []byte) error {
	c, err := ParseCertificate(bytes.Clone(der))
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, have := range s.certs {
		if bytes.Equal(have.Raw, c.Raw) {
			return nil
		}
	}
	s.certs = append(s.certs, c)
	return nil
}

// AddMasterList adds every certificate of an ICAO CSCA master list: a CMS
// SignedData over a CscaMasterList (ICAO 9303 Part 12 §8). The list's own
// signature is checked first: the signer certificate must verify the
// signed attributes and be issued by one of the listed CSCAs, as the
// issuing state's CSCA issues its Master List Signer. Listed certificates
// the parser cannot read are skipped, as real lists carry some odd ones.
func (s *TrustStore) AddMasterList(der []byte) error {
	certs, err := ParseMasterList(der)
	if err != nil {
		return err
	}
	added := 0
	for _, c := range certs {
		if s.AddCert(c) == nil {
			added++
		}
	}
	if added == 0 {
		return fmt.Errorf("%w: no usable certificate", ErrMasterList)
	}
	return nil
}

// ParseMasterList verifies a CSCA master list's signature and returns its
// DER certificates.
func ParseMasterList(der []byte) ([][]byte, error) {
	sd, err := lds.ParseSignedData(der)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMasterList, err)
	}
	if !sd.EContentType.Equal(OIDCscaMasterList) {
		return nil, fmt.Errorf("%w: content is not a CscaMasterList", ErrMasterList)
	}
	econtent := cryptobyte.String(sd.EContent)
	var ml, set cryptobyte.String
	if !econtent.ReadASN1(&ml, cbasn1.SEQUENCE) || !ml.SkipASN1(cbasn1.INTEGER) || !ml.ReadASN1(&set, cbasn1.SET) {
		return nil, fmt.Errorf("%w: CscaMasterList", ErrMasterList)
	}
	var out [][]byte
	var listed []*Certificate
	for !set.Empty() {
		var c cryptobyte.String
		if !set.ReadASN1Element(&c, cbasn1.SEQUENCE) {
			return nil, fmt.Errorf("%w: certificate list", ErrMasterList)
		}
		out = append(out, []byte(c))
		if cert, err := ParseCertificate(c); err == nil {
			listed = append(listed, cert)
		}
	}
	signer, err := findSigner(sd, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: signer: %w", ErrMasterList, err)
	}
	if _, err := checkSignerInfo(sd, signer); err != nil {
		return nil, fmt.Errorf("%w: signature: %w", ErrMasterList, err)
	}
	for _, ca := range listed {
		if sameName(ca.RawSubject, signer.RawIssuer) && signer.CheckSignatureFrom(ca) == nil {
			return out, nil
		}
	}
	return nil, fmt.Errorf("%w: signer not issued by a listed CSCA", ErrMasterList)
}

// Len is the number of certificates in the store; 0 for a nil store.
func (s *TrustStore) Len() int {
	if s == nil {
		return 0
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.certs)
}

// Certificates returns the store's certificates.
func (s *TrustStore) Certificates() []*Certificate {
	if s == nil {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]*Certificate(nil), s.certs...)
}

// verifiedIssuer returns the CSCA that verified ds before, if any.
func (s *TrustStore) verifiedIssuer(ds *Certificate) *Certificate {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.chains[sha256.Sum256(ds.Raw)]
}

// rememberIssuer records that ca verified ds.
func (s *TrustStore) rememberIssuer(ds, ca *Certificate) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.chains == nil || len(s.chains) >= maxChains {
		s.chains = map[[32]byte]*Certificate{}
	}
	s.chains[sha256.Sum256(ds.Raw)] = ca
}

// issuersOf returns the CSCAs whose subject is c's issuer, those whose key
// identifier matches c's authority key identifier first.
func (s *TrustStore) issuersOf(c *Certificate) []*Certificate {
	var match, rest []*Certificate
	for _, ca := range s.Certificates() {
		if !sameName(ca.RawSubject, c.RawIssuer) {
			continue
		}
		if c.AuthorityKeyID != nil && bytes.Equal(ca.SubjectKeyID, c.AuthorityKeyID) {
			match = append(match, ca)
		} else {
			rest = append(rest, ca)
		}
	}
	return append(match, rest...)
}

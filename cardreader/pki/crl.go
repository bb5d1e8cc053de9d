package pki

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"motcua/cardreader/lds"
)

// CodeDSRevoked is passive authentication's code when the Document Signer's
// certificate is on its CSCA's revocation list.
const CodeDSRevoked = "ds-revoked"

// ErrCRL matches revocation list errors.
var ErrCRL = errors.New("pki: bad certificate revocation list")

// CRL is an X.509 certificate revocation list (RFC 5280 §5), read without
// crypto/x509 so that a Brainpool CSCA's list verifies. Only what passive
// authentication needs is decoded: the issuer, the dates and the serial
// numbers revoked.
type CRL struct {
	Raw                []byte
	RawTBS             []byte
	RawIssuer          []byte
	ThisUpdate         time.Time
	NextUpdate         time.Time // zero when absent
	SignatureAlgorithm lds.AlgorithmIdentifier
	Signature          []byte
	Revoked            []*big.Int
}

func crlErr(what string) error { return fmt.Errorf("%w: %s", ErrCRL, what) }

// ParseCRL reads a DER CRL. Its signature is checked when it is added to
// a TrustStore, against the CSCA that issued it.
func ParseCRL(der []byte) (*CRL, error) {
	input := cryptobyte.String(der)
	var crl, tbs cryptobyte.String
	if !input.ReadASN1(&crl, cbasn1.SEQUENCE) || !input.Empty() {
		return nil, crlErr("CertificateList")
	}
	var tbsRaw cryptobyte.String
	if !crl.ReadASN1Element(&tbsRaw, cbasn1.SEQUENCE) {
		return nil, crlErr("TBSCertList")
	}
	c := &CRL{Raw: der, RawTBS: []byte(tbsRaw)}
	var err error
	if c.SignatureAlgorithm, err = lds.ReadAlgorithmIdentifier(&crl); err != nil {
		return nil, crlErr("signatureAlgorithm")
	}
	var sig asn1.BitString
	if !crl.ReadASN1BitString(&sig) || sig.BitLength%8 != 0 {
		return nil, crlErr("signature")
	}
	c.Signature = sig.Bytes
	tbsRaw.ReadASN1(&tbs, cbasn1.SEQUENCE)
	if tbs.PeekASN1Tag(cbasn1.INTEGER) {
		var v int
		if !tbs.ReadASN1Integer(&v) || v != 1 {
			return nil, crlErr("version")
		}
	}
	var issuer cryptobyte.String
	if _, err := lds.ReadAlgorithmIdentifier(&tbs); err != nil {
		return nil, crlErr("TBS signature algorithm")
	}
	if !tbs.ReadASN1Element(&issuer, cbasn1.SEQUENCE) {
		return nil, crlErr("issuer")
	}
	c.RawIssuer = []byte(issuer)
	if c.ThisUpdate, err = readTime(&tbs); err != nil {
		return nil, crlErr("thisUpdate")
	}
	if tbs.PeekASN1Tag(cbasn1.UTCTime) || tbs.PeekASN1Tag(cbasn1.GeneralizedTime) {
		if c.NextUpdate, err = readTime(&tbs); err != nil {
			return nil, crlErr("nextUpdate")
		}
	}
	if tbs.PeekASN1Tag(cbasn1.SEQUENCE) {
		var list cryptobyte.String
		tbs.ReadASN1(&list, cbasn1.SEQUENCE)
		for !list.Empty() {
			var entry cryptobyte.String
			n := new(big.Int)
			if !list.ReadASN1(&entry, cbasn1.SEQUENCE) || !entry.ReadASN1Integer(n) {
				return nil, crlErr("revoked certificate entry")
			}
			c.Revoked = append(c.Revoked, n)
		}
	}
	return c, nil
}

// Lists reports whether serial is revoked by the list.
func (c *CRL) Lists(serial *big.Int) bool {
	for _, n := range c.Revoked {
		if n.Cmp(serial) == 0 {
			return true
		}
	}
	return false
}

// AddCRL adds a DER revocation list, after checking that a CSCA in the
// store issued and signed it: a list nobody trusted signed could revoke
// anything. Add the CSCAs first. A later list from the same CSCA replaces
// an earlier one.
func (s *TrustStore) AddCRL(der []byte) (*CRL, error) {
	c, err := ParseCRL(bytes.Clone(der))
	if err != nil {
		return nil, err
	}
	alg, err := lds.ParseSignatureAlgorithm(c.SignatureAlgorithm)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCRL, err)
	}
	var issuer *Certificate
	for _, ca := range s.Certificates() {
		if sameName(ca.RawSubject, c.RawIssuer) && VerifySignature(ca.PublicKey, alg, 0, c.RawTBS, c.Signature) == nil {
			issuer = ca
			break
		}
	}
	if issuer == nil {
		return nil, fmt.Errorf("%w: not signed by a CSCA in the trust store", ErrCRL)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.crls == nil {
		s.crls = map[issuerID]issuedCRL{}
	}
	id := issuerIDOf(issuer)
	if old, ok := s.crls[id]; !ok || !c.ThisUpdate.Before(old.crl.ThisUpdate) {
		s.crls[id] = issuedCRL{issuer, c}
	}
	return c, nil
}

// issuerID identifies a CSCA as its revocation lists do: by its name and
// its key. A CSCA certificate re-issued (new serial or validity, same
// name and key) or parsed again is the same issuer, so its list still
// applies; a certificate pointer would miss it.
type issuerID struct {
	name string   // the subject, as sameName compares names
	key  [32]byte // SHA-256 of the subjectPublicKey
}

func issuerIDOf(ca *Certificate) issuerID {
	return issuerID{name: ca.Subject.String(), key: sha256.Sum256(publicKeyBits(ca.RawSubjectPublicKeyInfo))}
}

// issuedCRL is a CSCA's latest list and the certificate that verified it.
type issuedCRL struct {
	ca  *Certificate
	crl *CRL
}

// revoked reports whether ca's revocation list lists ds.
func (s *TrustStore) revoked(ca, ds *Certificate) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, ok := s.crls[issuerIDOf(ca)]
	return ok && e.crl.Lists(ds.SerialNumber)
}

// CRLs returns the revocation lists in the store, by the CSCA that signed them.
func (s *TrustStore) CRLs() map[*Certificate]*CRL {
	if s == nil {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[*Certificate]*CRL, len(s.crls))
	for _, e := range s.crls {
		out[e.ca] = e.crl
	}
	return out
}

// CreateCRL makes a DER v2 revocation list issued by ca (signed by its key
// with hash h) that revokes serials. It exists for test PKIs, and handles
// the Brainpool CSCAs crypto/x509 cannot sign for.
func CreateCRL(ca *Certificate, key crypto.Signer, h crypto.Hash, serials []*big.Int, thisUpdate, nextUpdate time.Time, r io.Reader) ([]byte, error) {
	alg, err := lds.SignatureAlgorithmFor(key.Public(), h, false)
	if err != nil {
		return nil, err
	}
	var tbs cryptobyte.Builder
	tbs.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(1) // v2
		lds.AddAlgorithmIdentifier(b, alg)
		b.AddBytes(ca.RawSubject)
		addTime(b, thisUpdate)
		addTime(b, nextUpdate)
		if len(serials) > 0 {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				for _, n := range serials {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1BigInt(n)
						addTime(b, thisUpdate)
					})
				}
			})
		}
	})
	return signTBS(&tbs, alg, key, h, r)
}

package pki

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509/pkix"
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

// ErrCertificate matches every certificate parsing error.
var ErrCertificate = errors.New("pki: malformed certificate")

// ErrSignature reports a signature that does not verify.
var ErrSignature = errors.New("pki: signature invalid")

// Certificate is an X.509 certificate read without crypto/x509, so that
// Brainpool keys work. Only what passive authentication needs is decoded.
type Certificate struct {
	Raw        []byte // the whole DER certificate
	RawTBS     []byte // the signed part
	RawSubject []byte // DER Name
	RawIssuer  []byte // DER Name
	Subject    pkix.Name
	Issuer     pkix.Name
	// RawSubjectPublicKeyInfo is the DER SubjectPublicKeyInfo.
	RawSubjectPublicKeyInfo []byte

	SerialNumber *big.Int
	NotBefore    time.Time
	NotAfter     time.Time

	PublicKey          crypto.PublicKey // *rsa.PublicKey or *ecdsa.PublicKey
	SignatureAlgorithm lds.AlgorithmIdentifier
	Signature          []byte

	SubjectKeyID   []byte
	AuthorityKeyID []byte
	IsCA           bool // basicConstraints cA
}

var (
	oidSubjectKeyID   = asn1.ObjectIdentifier{2, 5, 29, 14}
	oidKeyUsage       = asn1.ObjectIdentifier{2, 5, 29, 15}
	oidBasicConstr    = asn1.ObjectIdentifier{2, 5, 29, 19}
	oidAuthorityKeyID = asn1.ObjectIdentifier{2, 5, 29, 35}
)

func certErr(what string) error { return fmt.Errorf("%w: %s", ErrCertificate, what) }

// ParseCertificate decodes one DER certificate.
func ParseCertificate(der []byte) (*Certificate, error) {
	in := cryptobyte.String(der)
	var cert, tbs, tbsRaw cryptobyte.String
	if !in.ReadASN1(&cert, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, certErr("not a single SEQUENCE")
	}
	if !cert.ReadASN1Element(&tbsRaw, cbasn1.SEQUENCE) {
		return nil, certErr("TBSCertificate")
	}
	c := &Certificate{Raw: der, RawTBS: []byte(tbsRaw), SerialNumber: new(big.Int)}
	var err error
	if c.SignatureAlgorithm, err = readAlgorithm(&cert); err != nil {
		return nil, err
	}
	var sig asn1.BitString
	if !cert.ReadASN1BitString(&sig) || !cert.Empty() {
		return nil, certErr("signature")
	}
	c.Signature = sig.RightAlign()

	if !tbsRaw.ReadASN1(&tbs, cbasn1.SEQUENCE) {
		return nil, certErr("TBSCertificate")
	}
	if !tbs.SkipOptionalASN1(cbasn1.Tag(0).Constructed().ContextSpecific()) ||
		!tbs.ReadASN1Integer(c.SerialNumber) || !tbs.SkipASN1(cbasn1.SEQUENCE) {
		return nil, certErr("serial number")
	}
	var issuer, validity, subject, spki cryptobyte.String
	if !tbs.ReadASN1Element(&issuer, cbasn1.SEQUENCE) {
		return nil, certErr("issuer")
	}
	c.RawIssuer = []byte(issuer)
	if !tbs.ReadASN1(&validity, cbasn1.SEQUENCE) {
		return nil, certErr("validity")
	}
	if c.NotBefore, err = readTime(&validity); err != nil {
		return nil, err
	}
	if c.NotAfter, err = readTime(&validity); err != nil {
		return nil, err
	}
	if !tbs.ReadASN1Element(&subject, cbasn1.SEQUENCE) {
		return nil, certErr("subject")
	}
	c.RawSubject = []byte(subject)
	if err := parseName(c.RawIssuer, &c.Issuer); err != nil {
		return nil, err
	}
	if err := parseName(c.RawSubject, &c.Subject); err != nil {
		return nil, err
	}
	if !tbs.ReadASN1Element(&spki, cbasn1.SEQUENCE) {
		return nil, certErr("subject public key")
	}
	c.RawSubjectPublicKeyInfo = []byte(spki)
	if c.PublicKey, err = lds.ParsePublicKey(spki); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCertificate, err)
	}
	tbs.SkipOptionalASN1(cbasn1.Tag(1).ContextSpecific())
	tbs.SkipOptionalASN1(cbasn1.Tag(2).ContextSpecific())
	var exts cryptobyte.String
	var present bool
	if !tbs.ReadOptionalASN1(&exts, &present, cbasn1.Tag(3).Constructed().ContextSpecific()) {
		return nil, certErr("extensions")
	}
	if present {
		if err := c.parseExtensions(exts); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *Certificate) parseExtensions(exts cryptobyte.String) error {
	var seq cryptobyte.String
	if !exts.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return certErr("extensions")
	}
	for !seq.Empty() {
		var ext, value cryptobyte.String
		var oid asn1.ObjectIdentifier
		var critical bool
		if !seq.ReadASN1(&ext, cbasn1.SEQUENCE) || !ext.ReadASN1ObjectIdentifier(&oid) ||
			!readOptionalBool(&ext, &critical) || !ext.ReadASN1(&value, cbasn1.OCTET_STRING) {
			return certErr("extension")
		}
		switch {
		case oid.Equal(oidSubjectKeyID):
			var id cryptobyte.String
			if !value.ReadASN1(&id, cbasn1.OCTET_STRING) {
				return certErr("subject key identifier")
			}
			c.SubjectKeyID = []byte(id)
		case oid.Equal(oidAuthorityKeyID):
			var aki, id cryptobyte.String
			var has bool
			if !value.ReadASN1(&aki, cbasn1.SEQUENCE) || !aki.ReadOptionalASN1(&id, &has, cbasn1.Tag(0).ContextSpecific()) {
				return certErr("authority key identifier")
			}
			c.AuthorityKeyID = []byte(id)
		case oid.Equal(oidBasicConstr):
			var bc cryptobyte.String
			if !value.ReadASN1(&bc, cbasn1.SEQUENCE) || !readOptionalBool(&bc, &c.IsCA) {
				return certErr("basic constraints")
			}
		}
	}
	return nil
}

// readOptionalBool reads a BOOLEAN if one comes next (DEFAULT FALSE).
// cryptobyte's ReadOptionalASN1Boolean expects an explicit tag, not this.
func readOptionalBool(s *cryptobyte.String, out *bool) bool {
	*out = false
	if !s.PeekASN1Tag(cbasn1.BOOLEAN) {
		return true
	}
	return s.ReadASN1Boolean(out)
}

func readTime(s *cryptobyte.String) (time.Time, error) {
	var t time.Time
	switch {
	case s.PeekASN1Tag(cbasn1.UTCTime):
		if s.ReadASN1UTCTime(&t) {
			return t, nil
		}
	case s.PeekASN1Tag(cbasn1.GeneralizedTime):
		if s.ReadASN1GeneralizedTime(&t) {
			return t, nil
		}
	}
	return t, certErr("validity time")
}

func parseName(der []byte, out *pkix.Name) error {
	var rdn pkix.RDNSequence
	if rest, err := asn1.Unmarshal(der, &rdn); err != nil || len(rest) != 0 {
		return certErr("distinguished name")
	}
	out.FillFromRDNSequence(&rdn)
	return nil
}

func readAlgorithm(s *cryptobyte.String) (lds.AlgorithmIdentifier, error) {
	a, err := lds.ReadAlgorithmIdentifier(s)
	if err != nil {
		return a, certErr("AlgorithmIdentifier")
	}
	return a, nil
}

// CheckSignatureFrom verifies that parent's key signed c.
func (c *Certificate) CheckSignatureFrom(parent *Certificate) error {
	alg, err := lds.ParseSignatureAlgorithm(c.SignatureAlgorithm)
	if err != nil {
		return err
	}
	return VerifySignature(parent.PublicKey, alg, 0, c.RawTBS, c.Signature)
}

// VerifySignature checks sig over msg with pub. The hash is the algorithm's
// own, or fallback when the algorithm names none (rsaEncryption in CMS).
// ECDSA signatures are accepted in DER or as plain r||s.
func VerifySignature(pub crypto.PublicKey, alg lds.SignatureAlgorithm, fallback crypto.Hash, msg, sig []byte) error {
	h := alg.Hash
	if h == 0 {
		h = fallback
	}
	if h == 0 || !h.Available() {
		return fmt.Errorf("%w: no usable hash", lds.ErrUnsupportedAlgorithm)
	}
	d := h.New()
	d.Write(msg)
	digest := d.Sum(nil)
	switch k := pub.(type) {
	case *rsa.PublicKey:
		var err error
		switch alg.Kind {
		case lds.SigRSAPKCS1:
			err = rsa.VerifyPKCS1v15(k, h, digest, sig)
		case lds.SigRSAPSS:
			err = rsa.VerifyPSS(k, h, digest, sig, &rsa.PSSOptions{SaltLength: alg.SaltLength, Hash: h})
		default:
			// The key cannot have made such a signature.
			return fmt.Errorf("%w: %s with an RSA key", ErrSignature, alg.Name)
		}
		if err != nil {
			return fmt.Errorf("%w: %w", ErrSignature, err)
		}
		return nil
	case *ecdsa.PublicKey:
		if alg.Kind != lds.SigECDSA {
			return fmt.Errorf("%w: %s with an EC key", ErrSignature, alg.Name)
		}
		k = fastKey(k)
		if ecdsa.VerifyASN1(k, digest, sig) {
			return nil
		}
		size := (k.Curve.Params().BitSize + 7) / 8
		if len(sig) == 2*size {
			r := new(big.Int).SetBytes(sig[:size])
			s := new(big.Int).SetBytes(sig[size:])
			if ecdsa.Verify(k, digest, r, s) {
				return nil
			}
		}
		return ErrSignature
	}
	return fmt.Errorf("%w: key %T", lds.ErrUnsupportedKey, pub)
}

// Template describes a certificate for CreateCertificate.
type Template struct {
	SerialNumber *big.Int
	Subject      pkix.Name
	NotBefore    time.Time
	NotAfter     time.Time
	IsCA         bool
}

// CreateCertificate makes a DER X.509 v3 certificate for pub, signed by
// signer (parent nil: self-signed) with hash h. It exists for test PKIs and
// handles the Brainpool keys crypto/x509 cannot encode. CA certificates get
// basicConstraints and keyCertSign; others digitalSignature.
func CreateCertificate(t Template, pub crypto.PublicKey, parent *Certificate, signer crypto.Signer, h crypto.Hash, r io.Reader) ([]byte, error) {
	spki, err := lds.MarshalPublicKey(pub)
	if err != nil {
		return nil, err
	}
	subject, err := asn1.Marshal(t.Subject.ToRDNSequence())
	if err != nil {
		return nil, err
	}
	skid := keyID(spki)
	issuer, akid := subject, skid
	if parent != nil {
		issuer, akid = parent.RawSubject, parent.SubjectKeyID
	}
	alg, err := lds.SignatureAlgorithmFor(signer.Public(), h, false)
	if err != nil {
		return nil, err
	}
	var tbs cryptobyte.Builder
	tbs.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) { b.AddASN1Int64(2) })
		b.AddASN1BigInt(t.SerialNumber)
		lds.AddAlgorithmIdentifier(b, alg)
		b.AddBytes(issuer)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			addTime(b, t.NotBefore)
			addTime(b, t.NotAfter)
		})
		b.AddBytes(subject)
		b.AddBytes(spki)
		b.AddASN1(cbasn1.Tag(3).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				addExtension(b, oidSubjectKeyID, false, func(b *cryptobyte.Builder) { b.AddASN1OctetString(skid) })
				if akid != nil {
					addExtension(b, oidAuthorityKeyID, false, func(b *cryptobyte.Builder) {
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
							b.AddASN1(cbasn1.Tag(0).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes(akid) })
						})
					})
				}
				usage := []byte{0x07, 0x80} // digitalSignature
				if t.IsCA {
					usage = []byte{0x01, 0x06} // keyCertSign, cRLSign
				}
				addExtension(b, oidKeyUsage, true, func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.BIT_STRING, func(b *cryptobyte.Builder) { b.AddBytes(usage) })
				})
				if t.IsCA {
					addExtension(b, oidBasicConstr, true, func(b *cryptobyte.Builder) {
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
							b.AddASN1Boolean(true)
							b.AddASN1Int64(0)
						})
					})
				}
			})
		})
	})
	return signTBS(&tbs, alg, signer, h, r)
}

// signTBS signs the DER of tbs with key and hash h (alg names that pair)
// and wraps it the way X.509 wraps certificates and CRLs alike:
// SEQUENCE { tbs, signatureAlgorithm, BIT STRING signature }.
func signTBS(tbs *cryptobyte.Builder, alg lds.AlgorithmIdentifier, key crypto.Signer, h crypto.Hash, r io.Reader) ([]byte, error) {
	tbsDER, err := tbs.Bytes()
	if err != nil {
		return nil, err
	}
	_, sig, err := lds.SignDigest(key, h, false, tbsDER, r)
	if err != nil {
		return nil, err
	}
	var signed cryptobyte.Builder
	signed.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(tbsDER)
		lds.AddAlgorithmIdentifier(b, alg)
		b.AddASN1BitString(sig)
	})
	return signed.Bytes()
}

// keyID is the RFC 5280 method 1 key identifier: SHA-1 of the public key bits.
func keyID(spki []byte) []byte {
	bits := publicKeyBits(spki)
	if bits == nil {
		return nil
	}
	sum := sha1.Sum(bits)
	return sum[:]
}

// publicKeyBits is the subjectPublicKey of a DER SubjectPublicKeyInfo: the
// key itself, whichever way its algorithm parameters are written (named
// or explicit curve); nil when it does not parse.
func publicKeyBits(spki []byte) []byte {
	s := cryptobyte.String(spki)
	var seq cryptobyte.String
	var bits asn1.BitString
	if !s.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.SkipASN1(cbasn1.SEQUENCE) || !seq.ReadASN1BitString(&bits) {
		return nil
	}
	return bits.Bytes
}

func addTime(b *cryptobyte.Builder, t time.Time) {
	t = t.UTC()
	if t.Year() >= 1950 && t.Year() < 2050 {
		b.AddASN1UTCTime(t)
	} else {
		b.AddASN1GeneralizedTime(t)
	}
}

func addExtension(b *cryptobyte.Builder, oid asn1.ObjectIdentifier, critical bool, value func(*cryptobyte.Builder)) {
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oid)
		if critical {
			b.AddASN1Boolean(true)
		}
		b.AddASN1(cbasn1.OCTET_STRING, value)
	})
}

// sameName compares two DER names, falling back to their decoded form when
// the encodings differ (PrintableString vs UTF8String).
func sameName(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	var na, nb pkix.Name
	if parseName(a, &na) != nil || parseName(b, &nb) != nil {
		return false
	}
	return na.String() == nb.String()
}

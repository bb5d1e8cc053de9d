package lds

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"sort"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"motcua/cardreader/tlv"
)

// ErrUnsupportedAlgorithm reports a digest or signature algorithm this
// package does not implement.
var ErrUnsupportedAlgorithm = errors.New("lds: unsupported algorithm")

// CMS and ICAO object identifiers of EF.SOD.
var (
	OIDSignedData        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	OIDLDSSecurityObject = asn1.ObjectIdentifier{2, 23, 136, 1, 1, 1}
	OIDContentType       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	OIDMessageDigest     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	OIDSigningTime       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
)

// SOD is a decoded EF.SOD: the LDS security object (data group hashes) and
// the CMS signer information needed to verify it. Byte slices alias the input.
type SOD struct {
	// LDS security object.
	Version       int
	HashAlgorithm AlgorithmIdentifier
	Hash          crypto.Hash // 0 when HashAlgorithm is unknown
	Hashes        map[int][]byte

	// SignedData is the CMS envelope; its EContentType should be
	// OIDLDSSecurityObject and EContent is the security object's DER.
	SignedData
}

// SignedData is a CMS SignedData with exactly one SignerInfo, as EF.SOD and
// ICAO master lists carry.
type SignedData struct {
	// EContentType names the signed content; EContent is its DER, the bytes
	// the messageDigest attribute covers.
	EContentType asn1.ObjectIdentifier
	EContent     []byte

	// Certificates are the DER certificates in the SignedData (normally the
	// signer's).
	Certificates [][]byte

	Signer SignerInfo
}

// SignerInfo is the one CMS SignerInfo of an EF.SOD.
type SignerInfo struct {
	// Issuer (DER Name) and SerialNumber identify the Document Signer
	// certificate, or SubjectKeyID does.
	Issuer       []byte
	SerialNumber *big.Int
	SubjectKeyID []byte

	DigestAlgorithm    AlgorithmIdentifier
	SignatureAlgorithm AlgorithmIdentifier
	Signature          []byte

	// SignedAttrs is the DER of the signed attributes with the SET tag (31),
	// exactly what the signature covers. ParseSOD requires them.
	SignedAttrs   []byte
	ContentType   asn1.ObjectIdentifier // from the contentType attribute
	MessageDigest []byte                // from the messageDigest attribute
	SigningTime   time.Time             // zero when absent
}

func sodErr(what string) error { return malformed("EF.SOD", what, nil) }

// ParseSOD decodes EF.SOD: 77 { ContentInfo { signedData, SignedData } }.
// It checks structure only; package pki verifies hashes and signatures.
func ParseSOD(b []byte) (*SOD, error) {
	ci, _, err := tlv.Expect(b, TagSOD)
	if err != nil {
		return nil, malformed("EF.SOD", "container", err)
	}
	sd, err := ParseSignedData(ci)
	if err != nil {
		return nil, err
	}
	sod := &SOD{SignedData: *sd}
	if err := parseLDSSecurityObject(sod.EContent, sod); err != nil {
		return nil, err
	}
	return sod, nil
}

// ParseSignedData decodes a DER ContentInfo holding a CMS SignedData with
// one SignerInfo, which must have signed attributes (ICAO 9303 Part 10
// §4.6.2). Errors name EF.SOD, its main use.
func ParseSignedData(der []byte) (*SignedData, error) {
	s := cryptobyte.String(der)
	var contentInfo, signedData cryptobyte.String
	var ct asn1.ObjectIdentifier
	if !s.ReadASN1(&contentInfo, cbasn1.SEQUENCE) ||
		!contentInfo.ReadASN1ObjectIdentifier(&ct) {
		return nil, sodErr("ContentInfo")
	}
	if !ct.Equal(OIDSignedData) {
		return nil, sodErr("content type is not signedData")
	}
	var explicit cryptobyte.String
	if !contentInfo.ReadASN1(&explicit, cbasn1.Tag(0).Constructed().ContextSpecific()) ||
		!explicit.ReadASN1(&signedData, cbasn1.SEQUENCE) {
		return nil, sodErr("SignedData")
	}
	sd := &SignedData{}
	var version int
	var digestAlgs, encap, signerInfos cryptobyte.String
	if !signedData.ReadASN1Integer(&version) ||
		!signedData.ReadASN1(&digestAlgs, cbasn1.SET) ||
		!signedData.ReadASN1(&encap, cbasn1.SEQUENCE) {
		return nil, sodErr("SignedData header")
	}
	var eoct cryptobyte.String
	if !encap.ReadASN1ObjectIdentifier(&sd.EContentType) ||
		!encap.ReadASN1(&explicit, cbasn1.Tag(0).Constructed().ContextSpecific()) ||
		!explicit.ReadASN1(&eoct, cbasn1.OCTET_STRING) {
		return nil, sodErr("encapsulated content")
	}
	sd.EContent = []byte(eoct)
	var certs cryptobyte.String
	var present bool
	if !signedData.ReadOptionalASN1(&certs, &present, cbasn1.Tag(0).Constructed().ContextSpecific()) {
		return nil, sodErr("certificates")
	}
	for !certs.Empty() {
		var c cryptobyte.String
		if !certs.ReadASN1Element(&c, cbasn1.SEQUENCE) {
			return nil, sodErr("certificate")
		}
		sd.Certificates = append(sd.Certificates, []byte(c))
	}
	if !signedData.SkipOptionalASN1(cbasn1.Tag(1).Constructed().ContextSpecific()) ||
		!signedData.ReadASN1(&signerInfos, cbasn1.SET) {
		return nil, sodErr("signerInfos")
	}
	var si cryptobyte.String
	if !signerInfos.ReadASN1(&si, cbasn1.SEQUENCE) {
		return nil, sodErr("no SignerInfo")
	}
	if !signerInfos.Empty() {
		return nil, sodErr("more than one SignerInfo")
	}
	if err := parseSignerInfo(si, &sd.Signer); err != nil {
		return nil, err
	}
	return sd, nil
}

func parseSignerInfo(si cryptobyte.String, out *SignerInfo) error {
	var version int
	if !si.ReadASN1Integer(&version) {
		return sodErr("SignerInfo version")
	}
	var sid cryptobyte.String
	var tag cbasn1.Tag
	if !si.ReadAnyASN1(&sid, &tag) {
		return sodErr("SignerInfo sid")
	}
	switch tag {
	case cbasn1.SEQUENCE:
		var issuer cryptobyte.String
		out.SerialNumber = new(big.Int)
		if !sid.ReadASN1Element(&issuer, cbasn1.SEQUENCE) || !sid.ReadASN1Integer(out.SerialNumber) {
			return sodErr("IssuerAndSerialNumber")
		}
		out.Issuer = []byte(issuer)
	case cbasn1.Tag(0).ContextSpecific():
		out.SubjectKeyID = []byte(sid)
	default:
		return sodErr("SignerInfo sid")
	}
	var err error
	if out.DigestAlgorithm, err = ReadAlgorithmIdentifier(&si); err != nil {
		return err
	}
	if si.PeekASN1Tag(cbasn1.Tag(0).Constructed().ContextSpecific()) {
		var attrs cryptobyte.String
		if !si.ReadASN1Element(&attrs, cbasn1.Tag(0).Constructed().ContextSpecific()) {
			return sodErr("signed attributes")
		}
		// The signature covers the attributes with the universal SET tag.
		out.SignedAttrs = append([]byte{0x31}, attrs[1:]...)
		if err := parseSignedAttrs(out.SignedAttrs, out); err != nil {
			return err
		}
	} else {
		// ICAO 9303 Part 10 §4.6.2 requires signed attributes in EF.SOD.
		return sodErr("no signed attributes")
	}
	if out.SignatureAlgorithm, err = ReadAlgorithmIdentifier(&si); err != nil {
		return err
	}
	var sig cryptobyte.String
	if !si.ReadASN1(&sig, cbasn1.OCTET_STRING) {
		return sodErr("signature")
	}
	out.Signature = []byte(sig)
	return nil
}

func parseSignedAttrs(der []byte, out *SignerInfo) error {
	s := cryptobyte.String(der)
	var set cryptobyte.String
	if !s.ReadASN1(&set, cbasn1.SET) {
		return sodErr("signed attributes")
	}
	seen := map[string]bool{}
	for !set.Empty() {
		var attr, values cryptobyte.String
		var typ asn1.ObjectIdentifier
		if !set.ReadASN1(&attr, cbasn1.SEQUENCE) || !attr.ReadASN1ObjectIdentifier(&typ) || !attr.ReadASN1(&values, cbasn1.SET) {
			return sodErr("attribute")
		}
		if seen[typ.String()] {
			return sodErr("repeated signed attribute")
		}
		seen[typ.String()] = true
		switch {
		case typ.Equal(OIDContentType):
			if !values.ReadASN1ObjectIdentifier(&out.ContentType) || !values.Empty() {
				return sodErr("contentType attribute")
			}
		case typ.Equal(OIDMessageDigest):
			var d cryptobyte.String
			if !values.ReadASN1(&d, cbasn1.OCTET_STRING) || !values.Empty() {
				return sodErr("messageDigest attribute")
			}
			out.MessageDigest = []byte(d)
		case typ.Equal(OIDSigningTime):
			var t time.Time
			switch {
			case values.PeekASN1Tag(cbasn1.UTCTime):
				if !values.ReadASN1UTCTime(&t) {
					return sodErr("signingTime attribute")
				}
			case values.PeekASN1Tag(cbasn1.GeneralizedTime):
				if !values.ReadASN1GeneralizedTime(&t) {
					return sodErr("signingTime attribute")
				}
			default:
				return sodErr("signingTime attribute")
			}
			out.SigningTime = t
		}
	}
	if out.MessageDigest == nil {
		return sodErr("no messageDigest attribute")
	}
	return nil
}

func parseLDSSecurityObject(der []byte, sod *SOD) error {
	s := cryptobyte.String(der)
	var seq, hashes cryptobyte.String
	if !s.ReadASN1(&seq, cbasn1.SEQUENCE) || !s.Empty() || !seq.ReadASN1Integer(&sod.Version) {
		return sodErr("LDSSecurityObject")
	}
	var err error
	if sod.HashAlgorithm, err = ReadAlgorithmIdentifier(&seq); err != nil {
		return err
	}
	sod.Hash, _ = HashByOID(sod.HashAlgorithm.OID)
	if !seq.ReadASN1(&hashes, cbasn1.SEQUENCE) {
		return sodErr("dataGroupHashValues")
	}
	sod.Hashes = map[int][]byte{}
	for !hashes.Empty() {
		var dgh, value cryptobyte.String
		var n int
		if !hashes.ReadASN1(&dgh, cbasn1.SEQUENCE) || !dgh.ReadASN1Integer(&n) || !dgh.ReadASN1(&value, cbasn1.OCTET_STRING) {
			return sodErr("DataGroupHash")
		}
		if n < 1 || n > 16 {
			return sodErr("data group number out of range")
		}
		if _, dup := sod.Hashes[n]; dup {
			return sodErr("data group hashed twice")
		}
		sod.Hashes[n] = []byte(value)
	}
	return nil
}

// SignOptions controls BuildSOD.
type SignOptions struct {
	// Hash is used for the data group hashes, the message digest and the
	// signature; SHA-256 when zero.
	Hash crypto.Hash
	// PSS selects RSASSA-PSS instead of PKCS #1 v1.5 for an RSA signer.
	PSS bool
	// SigningTime, when not zero, is added as a signed attribute.
	SigningTime time.Time
	// Rand is the randomness for ECDSA and PSS; crypto/rand when nil.
	Rand io.Reader
}

// BuildSOD hashes the data groups (keyed by number, each the whole file),
// wraps the hashes in an LDSSecurityObject and signs it as CMS SignedData
// with the Document Signer's key and certificate (DER), returning EF.SOD.
func BuildSOD(dataGroups map[int][]byte, signer crypto.Signer, certDER []byte, opts SignOptions) ([]byte, error) {
	h := opts.Hash
	if h == 0 {
		h = crypto.SHA256
	}
	hoid, ok := HashOID(h)
	if !ok || !h.Available() {
		return nil, fmt.Errorf("%w: hash %v", ErrUnsupportedAlgorithm, h)
	}
	nums := make([]int, 0, len(dataGroups))
	for n := range dataGroups {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	var lso cryptobyte.Builder
	lso.AddASN1(cbasn1.SEQUENCE, func(s *cryptobyte.Builder) {
		s.AddASN1Int64(0)
		AddAlgorithmIdentifier(s, AlgorithmIdentifier{OID: hoid, Params: asn1.NullBytes})
		s.AddASN1(cbasn1.SEQUENCE, func(s *cryptobyte.Builder) {
			for _, n := range nums {
				d := h.New()
				d.Write(dataGroups[n])
				s.AddASN1(cbasn1.SEQUENCE, func(s *cryptobyte.Builder) {
					s.AddASN1Int64(int64(n))
					s.AddASN1OctetString(d.Sum(nil))
				})
			}
		})
	})
	econtent, err := lso.Bytes()
	if err != nil {
		return nil, err
	}
	ci, err := BuildSignedData(OIDLDSSecurityObject, econtent, signer, certDER, opts)
	if err != nil {
		return nil, err
	}
	return tlv.Encode(TagSOD, ci), nil
}

// BuildSignedData signs econtent (of type contentType) as a DER ContentInfo
// holding a CMS SignedData with one SignerInfo: signed attributes
// contentType, messageDigest and, if set, signingTime; the signer named by
// issuer and serial number; certDER included.
func BuildSignedData(contentType asn1.ObjectIdentifier, econtent []byte, signer crypto.Signer, certDER []byte, opts SignOptions) ([]byte, error) {
	h := opts.Hash
	if h == 0 {
		h = crypto.SHA256
	}
	hoid, ok := HashOID(h)
	if !ok || !h.Available() {
		return nil, fmt.Errorf("%w: hash %v", ErrUnsupportedAlgorithm, h)
	}
	r := opts.Rand
	if r == nil {
		r = rand.Reader
	}
	hashAlg := AlgorithmIdentifier{OID: hoid, Params: asn1.NullBytes}
	md := h.New()
	md.Write(econtent)
	attrList := [][]byte{
		attribute(OIDContentType, func(s *cryptobyte.Builder) { s.AddASN1ObjectIdentifier(contentType) }),
		attribute(OIDMessageDigest, func(s *cryptobyte.Builder) { s.AddASN1OctetString(md.Sum(nil)) }),
	}
	if !opts.SigningTime.IsZero() {
		attrList = append(attrList, attribute(OIDSigningTime, func(s *cryptobyte.Builder) { s.AddASN1UTCTime(opts.SigningTime.UTC()) }))
	}
	// DER orders a SET OF by the encodings of its elements.
	sort.Slice(attrList, func(i, j int) bool { return bytes.Compare(attrList[i], attrList[j]) < 0 })
	var attrs cryptobyte.Builder
	attrs.AddASN1(cbasn1.SET, func(s *cryptobyte.Builder) {
		for _, a := range attrList {
			s.AddBytes(a)
		}
	})
	signedAttrs, err := attrs.Bytes()
	if err != nil {
		return nil, err
	}
	sigAlg, sig, err := signDigest(signer, h, opts.PSS, signedAttrs, r)
	if err != nil {
		return nil, err
	}
	issuer, serial, err := certIssuerSerial(certDER)
	if err != nil {
		return nil, err
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(ci *cryptobyte.Builder) {
		ci.AddASN1ObjectIdentifier(OIDSignedData)
		ci.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(e *cryptobyte.Builder) {
			e.AddASN1(cbasn1.SEQUENCE, func(sd *cryptobyte.Builder) {
				sd.AddASN1Int64(3)
				sd.AddASN1(cbasn1.SET, func(s *cryptobyte.Builder) { AddAlgorithmIdentifier(s, hashAlg) })
				sd.AddASN1(cbasn1.SEQUENCE, func(s *cryptobyte.Builder) {
					s.AddASN1ObjectIdentifier(contentType)
					s.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(s *cryptobyte.Builder) {
						s.AddASN1OctetString(econtent)
					})
				})
				sd.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(s *cryptobyte.Builder) { s.AddBytes(certDER) })
				sd.AddASN1(cbasn1.SET, func(s *cryptobyte.Builder) {
					s.AddASN1(cbasn1.SEQUENCE, func(si *cryptobyte.Builder) {
						si.AddASN1Int64(1)
						si.AddASN1(cbasn1.SEQUENCE, func(s *cryptobyte.Builder) {
							s.AddBytes(issuer)
							s.AddASN1BigInt(serial)
						})
						AddAlgorithmIdentifier(si, hashAlg)
						si.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(s *cryptobyte.Builder) {
							s.AddBytes(signedAttrs[tlvHeaderLen(signedAttrs):])
						})
						AddAlgorithmIdentifier(si, sigAlg)
						si.AddASN1OctetString(sig)
					})
				})
			})
		})
	})
	return b.Bytes()
}

// attribute encodes a CMS Attribute with one value.
func attribute(typ asn1.ObjectIdentifier, value func(*cryptobyte.Builder)) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(s *cryptobyte.Builder) {
		s.AddASN1ObjectIdentifier(typ)
		s.AddASN1(cbasn1.SET, value)
	})
	return b.BytesOrPanic()
}

func tlvHeaderLen(b []byte) int {
	_, h, _, err := tlv.Header(b)
	if err != nil {
		return 0
	}
	return h
}

// SignDigest hashes msg with h and signs it with signer, returning the
// signature algorithm identifier to put next to the signature: RSA PKCS #1
// v1.5 (or PSS when pss is set) or ECDSA (DER signature).
func SignDigest(signer crypto.Signer, h crypto.Hash, pss bool, msg []byte, r io.Reader) (AlgorithmIdentifier, []byte, error) {
	return signDigest(signer, h, pss, msg, r)
}

func signDigest(signer crypto.Signer, h crypto.Hash, pss bool, msg []byte, r io.Reader) (AlgorithmIdentifier, []byte, error) {
	alg, err := SignatureAlgorithmFor(signer.Public(), h, pss)
	if err != nil {
		return alg, nil, err
	}
	d := h.New()
	d.Write(msg)
	digest := d.Sum(nil)
	var sig []byte
	switch {
	case pss:
		sig, err = signer.Sign(r, digest, &rsa.PSSOptions{SaltLength: h.Size(), Hash: h})
	default:
		sig, err = signer.Sign(r, digest, h) // ECDSA signers return DER
	}
	return alg, sig, err
}

// SignatureAlgorithmFor returns the signature algorithm identifier for a
// signature by pub's private key over hash h: sha*WithRSAEncryption,
// RSASSA-PSS (pss) or ecdsa-with-SHA*.
func SignatureAlgorithmFor(pub crypto.PublicKey, h crypto.Hash, pss bool) (AlgorithmIdentifier, error) {
	kind := SigECDSA
	switch pub.(type) {
	case *rsa.PublicKey:
		kind = SigRSAPKCS1
		if pss {
			if _, ok := HashOID(h); !ok {
				return AlgorithmIdentifier{}, fmt.Errorf("%w: hash %v", ErrUnsupportedAlgorithm, h)
			}
			return PSSAlgorithm(h), nil
		}
	case *ecdsa.PublicKey:
		if pss {
			return AlgorithmIdentifier{}, fmt.Errorf("%w: PSS with an EC key", ErrUnsupportedAlgorithm)
		}
	default:
		return AlgorithmIdentifier{}, fmt.Errorf("%w: signer key %T", ErrUnsupportedKey, pub)
	}
	for _, e := range sigOIDs {
		if e.kind == kind && e.hash == h {
			if kind == SigRSAPKCS1 {
				return AlgorithmIdentifier{OID: e.oid, Params: asn1.NullBytes}, nil
			}
			return AlgorithmIdentifier{OID: e.oid}, nil
		}
	}
	return AlgorithmIdentifier{}, fmt.Errorf("%w: hash %v", ErrUnsupportedAlgorithm, h)
}

// certIssuerSerial reads the issuer Name (DER) and serial number of a DER
// certificate without crypto/x509, which refuses Brainpool keys.
func certIssuerSerial(der []byte) ([]byte, *big.Int, error) {
	s := cryptobyte.String(der)
	var cert, tbs, issuer cryptobyte.String
	serial := new(big.Int)
	if !s.ReadASN1(&cert, cbasn1.SEQUENCE) ||
		!cert.ReadASN1(&tbs, cbasn1.SEQUENCE) ||
		!tbs.SkipOptionalASN1(cbasn1.Tag(0).Constructed().ContextSpecific()) ||
		!tbs.ReadASN1Integer(serial) ||
		!tbs.SkipASN1(cbasn1.SEQUENCE) ||
		!tbs.ReadASN1Element(&issuer, cbasn1.SEQUENCE) {
		return nil, nil, fmt.Errorf("%w: signer certificate", ErrMalformed)
	}
	return bytes.Clone(issuer), serial, nil
}

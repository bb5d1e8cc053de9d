package lds

import (
	"crypto"
	"encoding/asn1"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// AlgorithmIdentifier is an X.509/CMS AlgorithmIdentifier with its
// parameters kept as DER (nil when absent).
type AlgorithmIdentifier struct {
	OID    asn1.ObjectIdentifier
	Params []byte
}

// Digest and signature algorithm identifiers used in EF.SOD.
var (
	OIDSHA1   = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	OIDSHA224 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 4}
	OIDSHA256 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	OIDSHA384 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	OIDSHA512 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}

	OIDSHA1WithRSA   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}
	OIDSHA224WithRSA = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 14}
	OIDSHA256WithRSA = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	OIDSHA384WithRSA = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}
	OIDSHA512WithRSA = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}
	OIDRSAPSS        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	OIDMGF1          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 8}

	OIDECDSAWithSHA1   = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 1}
	OIDECDSAWithSHA224 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 1}
	OIDECDSAWithSHA256 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	OIDECDSAWithSHA384 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}
	OIDECDSAWithSHA512 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}
)

var hashOIDs = []struct {
	oid  asn1.ObjectIdentifier
	hash crypto.Hash
	name string
}{
	{OIDSHA1, crypto.SHA1, "SHA-1"},
	{OIDSHA224, crypto.SHA224, "SHA-224"},
	{OIDSHA256, crypto.SHA256, "SHA-256"},
	{OIDSHA384, crypto.SHA384, "SHA-384"},
	{OIDSHA512, crypto.SHA512, "SHA-512"},
}

// HashByOID maps a digest algorithm OID to its crypto.Hash.
func HashByOID(oid asn1.ObjectIdentifier) (crypto.Hash, bool) {
	for _, h := range hashOIDs {
		if h.oid.Equal(oid) {
			return h.hash, true
		}
	}
	return 0, false
}

// HashOID returns the OID of h.
func HashOID(h crypto.Hash) (asn1.ObjectIdentifier, bool) {
	for _, e := range hashOIDs {
		if e.hash == h {
			return e.oid, true
		}
	}
	return nil, false
}

// HashName names h as ICAO documents do ("SHA-256").
func HashName(h crypto.Hash) string {
	for _, e := range hashOIDs {
		if e.hash == h {
			return e.name
		}
	}
	return h.String()
}

// SignatureKind is the family of a signature algorithm.
type SignatureKind int

// Signature kinds.
const (
	SigUnknown  SignatureKind = iota
	SigRSAPKCS1               // RSASSA-PKCS1-v1_5
	SigRSAPSS                 // RSASSA-PSS
	SigECDSA                  // ECDSA, DER or plain r||s
)

// SignatureAlgorithm is a decoded signature AlgorithmIdentifier.
type SignatureAlgorithm struct {
	Kind SignatureKind
	Hash crypto.Hash // 0 when the OID names no hash (rsaEncryption): use the digest algorithm
	// SaltLength is the RSA-PSS salt length (PSS only).
	SaltLength int
	Name       string // e.g. "sha256WithRSAEncryption", "RSASSA-PSS/SHA-256", "ecdsa-with-SHA384"
}

var sigOIDs = []struct {
	oid  asn1.ObjectIdentifier
	kind SignatureKind
	hash crypto.Hash
	name string
}{
	{OIDRSAEncryption, SigRSAPKCS1, 0, "rsaEncryption"},
	{OIDSHA1WithRSA, SigRSAPKCS1, crypto.SHA1, "sha1WithRSAEncryption"},
	{OIDSHA224WithRSA, SigRSAPKCS1, crypto.SHA224, "sha224WithRSAEncryption"},
	{OIDSHA256WithRSA, SigRSAPKCS1, crypto.SHA256, "sha256WithRSAEncryption"},
	{OIDSHA384WithRSA, SigRSAPKCS1, crypto.SHA384, "sha384WithRSAEncryption"},
	{OIDSHA512WithRSA, SigRSAPKCS1, crypto.SHA512, "sha512WithRSAEncryption"},
	{OIDECDSAWithSHA1, SigECDSA, crypto.SHA1, "ecdsa-with-SHA1"},
	{OIDECDSAWithSHA224, SigECDSA, crypto.SHA224, "ecdsa-with-SHA224"},
	{OIDECDSAWithSHA256, SigECDSA, crypto.SHA256, "ecdsa-with-SHA256"},
	{OIDECDSAWithSHA384, SigECDSA, crypto.SHA384, "ecdsa-with-SHA384"},
	{OIDECDSAWithSHA512, SigECDSA, crypto.SHA512, "ecdsa-with-SHA512"},
}

// ParseSignatureAlgorithm decodes a signature algorithm identifier,
// including RSASSA-PSS parameters (RFC 4055). ok is false for an algorithm
// this package does not know.
func ParseSignatureAlgorithm(a AlgorithmIdentifier) (SignatureAlgorithm, error) {
	for _, e := range sigOIDs {
		if e.oid.Equal(a.OID) {
			return SignatureAlgorithm{Kind: e.kind, Hash: e.hash, Name: e.name}, nil
		}
	}
	if a.OID.Equal(OIDRSAPSS) {
		return parsePSSParams(a.Params)
	}
	return SignatureAlgorithm{}, fmt.Errorf("%w: signature algorithm %v", ErrUnsupportedAlgorithm, a.OID)
}

// parsePSSParams reads RSASSA-PSS-params. Absent fields take the RFC 4055
// defaults (SHA-1, MGF1-SHA-1, salt 20); the MGF hash must equal the hash.
func parsePSSParams(der []byte) (SignatureAlgorithm, error) {
	out := SignatureAlgorithm{Kind: SigRSAPSS, Hash: crypto.SHA1, SaltLength: 20}
	s := cryptobyte.String(der)
	var seq cryptobyte.String
	if len(der) == 0 {
		out.Name = "RSASSA-PSS/SHA-1"
		return out, nil
	}
	if !s.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return out, fmt.Errorf("%w: RSASSA-PSS parameters", ErrMalformed)
	}
	mgfHash := crypto.SHA1
	var hashAlg, mgf cryptobyte.String
	var present bool
	if !seq.ReadOptionalASN1(&hashAlg, &present, cbasn1.Tag(0).Constructed().ContextSpecific()) {
		return out, fmt.Errorf("%w: RSASSA-PSS hash", ErrMalformed)
	}
	if present {
		a, err := ReadAlgorithmIdentifier(&hashAlg)
		if err != nil {
			return out, err
		}
		h, ok := HashByOID(a.OID)
		if !ok {
			return out, fmt.Errorf("%w: RSASSA-PSS hash %v", ErrUnsupportedAlgorithm, a.OID)
		}
		out.Hash = h
	}
	if !seq.ReadOptionalASN1(&mgf, &present, cbasn1.Tag(1).Constructed().ContextSpecific()) {
		return out, fmt.Errorf("%w: RSASSA-PSS mask generation", ErrMalformed)
	}
	if present {
		a, err := ReadAlgorithmIdentifier(&mgf)
		if err != nil {
			return out, err
		}
		if !a.OID.Equal(OIDMGF1) {
			return out, fmt.Errorf("%w: RSASSA-PSS mask generation %v", ErrUnsupportedAlgorithm, a.OID)
		}
		p := cryptobyte.String(a.Params)
		inner, err := ReadAlgorithmIdentifier(&p)
		if err != nil {
			return out, err
		}
		h, ok := HashByOID(inner.OID)
		if !ok {
			return out, fmt.Errorf("%w: MGF1 hash %v", ErrUnsupportedAlgorithm, inner.OID)
		}
		mgfHash = h
	}
	var salt cryptobyte.String
	if !seq.ReadOptionalASN1(&salt, &present, cbasn1.Tag(2).Constructed().ContextSpecific()) {
		return out, fmt.Errorf("%w: RSASSA-PSS salt length", ErrMalformed)
	}
	if present && (!salt.ReadASN1Integer(&out.SaltLength) || out.SaltLength < 0) {
		return out, fmt.Errorf("%w: RSASSA-PSS salt length", ErrMalformed)
	}
	if mgfHash != out.Hash {
		return out, fmt.Errorf("%w: RSASSA-PSS with MGF1 hash differing from the message hash", ErrUnsupportedAlgorithm)
	}
	out.Name = "RSASSA-PSS/" + HashName(out.Hash)
	return out, nil
}

// PSSAlgorithm returns the RSASSA-PSS identifier for hash h with MGF1(h) and
// a salt as long as the hash.
func PSSAlgorithm(h crypto.Hash) AlgorithmIdentifier {
	hoid, _ := HashOID(h)
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(s *cryptobyte.Builder) {
		s.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(s *cryptobyte.Builder) {
			AddAlgorithmIdentifier(s, AlgorithmIdentifier{OID: hoid, Params: asn1.NullBytes})
		})
		s.AddASN1(cbasn1.Tag(1).Constructed().ContextSpecific(), func(s *cryptobyte.Builder) {
			var inner cryptobyte.Builder
			AddAlgorithmIdentifier(&inner, AlgorithmIdentifier{OID: hoid, Params: asn1.NullBytes})
			AddAlgorithmIdentifier(s, AlgorithmIdentifier{OID: OIDMGF1, Params: inner.BytesOrPanic()})
		})
		s.AddASN1(cbasn1.Tag(2).Constructed().ContextSpecific(), func(s *cryptobyte.Builder) {
			s.AddASN1Int64(int64(h.Size()))
		})
	})
	return AlgorithmIdentifier{OID: OIDRSAPSS, Params: b.BytesOrPanic()}
}

// ReadAlgorithmIdentifier reads one DER AlgorithmIdentifier from s. It is
// the one reader: SOD, CMS, certificates and CRLs (pki) use it.
func ReadAlgorithmIdentifier(s *cryptobyte.String) (AlgorithmIdentifier, error) {
	var seq cryptobyte.String
	var a AlgorithmIdentifier
	if !s.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1ObjectIdentifier(&a.OID) {
		return a, fmt.Errorf("%w: AlgorithmIdentifier", ErrMalformed)
	}
	if !seq.Empty() {
		a.Params = []byte(seq)
	}
	return a, nil
}

// AddAlgorithmIdentifier writes a as DER; the one writer, as
// ReadAlgorithmIdentifier is the one reader.
func AddAlgorithmIdentifier(b *cryptobyte.Builder, a AlgorithmIdentifier) {
	b.AddASN1(cbasn1.SEQUENCE, func(s *cryptobyte.Builder) {
		s.AddASN1ObjectIdentifier(a.OID)
		if a.Params != nil {
			s.AddBytes(a.Params)
		}
	})
}

package pki

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"motcua/cardreader"
	"motcua/cardreader/lds"
)

// Check codes of passive authentication, stable for the UI to translate.
const (
	CodeHashMismatch         = "hash-mismatch"
	CodeBadSignature         = "bad-signature"
	CodeUnknownCSCA          = "unknown-csca"
	CodeDSExpired            = "ds-expired"
	CodeDSNotYetValid        = "ds-not-yet-valid"
	CodeUnsupportedAlgorithm = "unsupported-algorithm"
	CodeMalformedSOD         = "malformed-sod"
	CodeNoTrustAnchor        = "no-trust-anchor"
)

// SODInfo is what passive authentication learned, for callers that want
// more than the Check (e.g. the DS certificate for a report). Fields are nil
// when the check stopped before reaching them.
type SODInfo struct {
	SOD    *lds.SOD
	DS     *Certificate
	CSCA   *Certificate
	Hashed []int // data groups whose hash matched, ascending
}

// VerifySOD performs passive authentication of sod (the EF.SOD file) for the
// data groups read (number → whole file). In order it checks: the SOD
// parses; its hash algorithm is supported; every data group read has a
// matching hash; the signed attributes' message digest covers the LDS
// security object; the Document Signer's signature over the signed
// attributes; then, against store, that a CSCA signed the DS certificate
// and that the DS certificate is valid at now.
//
// The first failing step decides the Check: status failed and its code.
// When every integrity step passes but store is nil or empty, the status is
// not-checked with code no-trust-anchor. Evidence holds algorithms,
// subjects and data group numbers, never personal data.
func VerifySOD(sod []byte, dataGroups map[int][]byte, store *TrustStore, now time.Time) (cardreader.Check, *SODInfo) {
	ev := map[string]string{}
	info := &SODInfo{}
	fail := func(code, reason string) (cardreader.Check, *SODInfo) {
		return cardreader.Check{Status: cardreader.StatusFailed, Code: code, Reason: reason, Evidence: ev}, info
	}
	s, err := lds.ParseSOD(sod)
	if err != nil {
		return fail(CodeMalformedSOD, err.Error())
	}
	info.SOD = s
	if s.Hash == 0 || !s.Hash.Available() {
		return fail(CodeUnsupportedAlgorithm, "LDS security object hash algorithm "+s.HashAlgorithm.OID.String())
	}
	ev["digestAlgorithm"] = lds.HashName(s.Hash)

	// 1. Data group hashes.
	nums := make([]int, 0, len(dataGroups))
	for n := range dataGroups {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	for _, n := range nums {
		want, ok := s.Hashes[n]
		if !ok {
			ev["dg"] = strconv.Itoa(n)
			return fail(CodeHashMismatch, fmt.Sprintf("DG%d is not listed in the SOD", n))
		}
		d := s.Hash.New()
		d.Write(dataGroups[n])
		if !bytes.Equal(d.Sum(nil), want) {
			ev["dg"] = strconv.Itoa(n)
			return fail(CodeHashMismatch, fmt.Sprintf("DG%d hash does not match the SOD", n))
		}
		info.Hashed = append(info.Hashed, n)
	}
	ev["dataGroups"] = joinInts(info.Hashed)

	// 2. The signed attributes cover this LDS security object, and the
	// Document Signer signed them.
	if !s.EContentType.Equal(lds.OIDLDSSecurityObject) {
		return fail(CodeMalformedSOD, "signed content is not an LDS security object")
	}
	ds, err := findSigner(&s.SignedData, store.Certificates())
	if err != nil {
		return fail(CodeMalformedSOD, "Document Signer certificate: "+err.Error())
	}
	info.DS = ds
	ev["dsSubject"] = ds.Subject.String()
	ev["dsSerial"] = ds.SerialNumber.Text(16)
	alg, err := checkSignerInfo(&s.SignedData, ds)
	if alg.Name != "" {
		ev["signatureAlgorithm"] = alg.Name
	}
	switch {
	case errors.Is(err, errContentType):
		return fail(CodeMalformedSOD, err.Error())
	case err != nil:
		return fail(sigCode(err), "Document Signer signature: "+err.Error())
	}

	// 4. Chain to a trusted CSCA.
	if store.Len() == 0 {
		return cardreader.Check{Status: cardreader.StatusNotChecked, Code: CodeNoTrustAnchor,
			Reason: "signature valid, but no CSCA is trusted", Evidence: ev}, info
	}
	if ca := store.verifiedIssuer(ds); ca != nil {
		info.CSCA = ca
	} else {
		cands := store.issuersOf(ds)
		if len(cands) == 0 {
			ev["dsIssuer"] = ds.Issuer.String()
			return fail(CodeUnknownCSCA, "no trusted CSCA has the Document Signer's issuer name")
		}
		var lastErr error
		for _, ca := range cands {
			if lastErr = ds.CheckSignatureFrom(ca); lastErr == nil {
				info.CSCA = ca
				store.rememberIssuer(ds, ca)
				break
			}
		}
		if info.CSCA == nil {
			ev["dsIssuer"] = ds.Issuer.String()
			return fail(sigCode(lastErr), "Document Signer certificate not signed by the trusted CSCA: "+lastErr.Error())
		}
	}
	ev["cscaSubject"] = info.CSCA.Subject.String()
	if store.revoked(info.CSCA, ds) {
		return fail(CodeDSRevoked, "Document Signer certificate is on its CSCA's revocation list")
	}
	switch {
	case now.Before(ds.NotBefore):
		return fail(CodeDSNotYetValid, "Document Signer certificate valid from "+ds.NotBefore.UTC().Format(time.DateOnly))
	case now.After(ds.NotAfter):
		return fail(CodeDSExpired, "Document Signer certificate expired on "+ds.NotAfter.UTC().Format(time.DateOnly))
	}
	return cardreader.Check{Status: cardreader.StatusPassed, Reason: "data group hashes, signature and certificate chain verified", Evidence: ev}, info
}

func sigCode(err error) string {
	if errors.Is(err, lds.ErrUnsupportedAlgorithm) || errors.Is(err, lds.ErrUnsupportedKey) {
		return CodeUnsupportedAlgorithm
	}
	return CodeBadSignature
}

// errContentType reports signed attributes naming other content than the
// SignedData carries.
var errContentType = errors.New("pki: signed contentType differs from the encapsulated content")

// checkSignerInfo verifies that the signed attributes cover the
// encapsulated content and that signer signed them. The signature
// algorithm is returned as far as it was decoded.
func checkSignerInfo(sd *lds.SignedData, signer *Certificate) (lds.SignatureAlgorithm, error) {
	si := &sd.Signer
	mdHash, ok := lds.HashByOID(si.DigestAlgorithm.OID)
	if !ok || !mdHash.Available() {
		return lds.SignatureAlgorithm{}, fmt.Errorf("%w: signer digest algorithm %v", lds.ErrUnsupportedAlgorithm, si.DigestAlgorithm.OID)
	}
	if si.ContentType != nil && !si.ContentType.Equal(sd.EContentType) {
		return lds.SignatureAlgorithm{}, errContentType
	}
	d := mdHash.New()
	d.Write(sd.EContent)
	if !bytes.Equal(d.Sum(nil), si.MessageDigest) {
		return lds.SignatureAlgorithm{}, fmt.Errorf("%w: message digest does not match the signed content", ErrSignature)
	}
	alg, err := lds.ParseSignatureAlgorithm(si.SignatureAlgorithm)
	if err != nil {
		return alg, err
	}
	return alg, VerifySignature(signer.PublicKey, alg, mdHash, si.SignedAttrs, si.Signature)
}

// findSigner picks the certificate the SignerInfo names, from the
// SignedData or, failing that, from extra (some states leave the Document
// Signer certificate out of EF.SOD).
func findSigner(sd *lds.SignedData, extra []*Certificate) (*Certificate, error) {
	var certs []*Certificate
	for _, der := range sd.Certificates {
		c, err := ParseCertificate(der)
		if err != nil {
			return nil, err
		}
		certs = append(certs, c)
	}
	certs = append(certs, extra...)
	si := &sd.Signer
	for _, c := range certs {
		if si.SubjectKeyID != nil && bytes.Equal(si.SubjectKeyID, c.SubjectKeyID) {
			return c, nil
		}
		if si.SerialNumber != nil && si.SerialNumber.Cmp(c.SerialNumber) == 0 && sameName(si.Issuer, c.RawIssuer) {
			return c, nil
		}
	}
	return nil, errors.New("no certificate matches the SignerInfo")
}

func joinInts(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}

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

	// 2. The signed attributes must cover this LDS security object.
	si := &s.Signer
	mdHash, ok := lds.HashByOID(si.DigestAlgorithm.OID)
	if !ok || !mdHash.Available() {
		return fail(CodeUnsupportedAlgorithm, "signer digest algorithm "+si.DigestAlgorithm.OID.String())
	}
	if si.ContentType != nil && !si.ContentType.Equal(lds.OIDLDSSecurityObject) {
		return fail(CodeMalformedSOD, "signed contentType is not an LDS security object")
	}
	d := mdHash.New()
	d.Write(s.EContent)
	if !bytes.Equal(d.Sum(nil), si.MessageDigest) {
		return fail(CodeBadSignature, "message digest does not match the LDS security object")
	}

	// 3. The Document Signer's signature.
	ds, err := findDS(s, store)
	if err != nil {
		return fail(CodeMalformedSOD, err.Error())
	}
	info.DS = ds
	ev["dsSubject"] = ds.Subject.String()
	ev["dsSerial"] = ds.SerialNumber.Text(16)
	alg, err := lds.ParseSignatureAlgorithm(si.SignatureAlgorithm)
	if err != nil {
		return fail(CodeUnsupportedAlgorithm, err.Error())
	}
	ev["signatureAlgorithm"] = alg.Name
	if err := VerifySignature(ds.PublicKey, alg, mdHash, si.SignedAttrs, si.Signature); err != nil {
		return fail(sigCode(err), "Document Signer signature: "+err.Error())
	}

	// 4. Chain to a trusted CSCA.
	if store.Len() == 0 {
		return cardreader.Check{Status: cardreader.StatusNotChecked, Code: CodeNoTrustAnchor,
			Reason: "signature valid, but no CSCA is trusted", Evidence: ev}, info
	}
	cands := store.issuersOf(ds)
	if len(cands) == 0 {
		ev["dsIssuer"] = ds.Issuer.String()
		return fail(CodeUnknownCSCA, "no trusted CSCA has the Document Signer's issuer name")
	}
	var lastErr error
	for _, ca := range cands {
		if lastErr = ds.CheckSignatureFrom(ca); lastErr == nil {
			info.CSCA = ca
			break
		}
	}
	if info.CSCA == nil {
		ev["dsIssuer"] = ds.Issuer.String()
		return fail(sigCode(lastErr), "Document Signer certificate not signed by the trusted CSCA: "+lastErr.Error())
	}
	ev["cscaSubject"] = info.CSCA.Subject.String()
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

// findDS picks the Document Signer certificate the SignerInfo names, from
// the SOD or, failing that, from the store (some states leave it out).
func findDS(s *lds.SOD, store *TrustStore) (*Certificate, error) {
	var certs []*Certificate
	for _, der := range s.Certificates {
		c, err := ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("Document Signer certificate: %w", err)
		}
		certs = append(certs, c)
	}
	certs = append(certs, store.Certificates()...)
	si := &s.Signer
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

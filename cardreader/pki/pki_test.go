package pki

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/brainpool"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/cardreader/lds"
)

var (
	t2020 = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	t2021 = time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	t2035 = time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC)
	t2040 = time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)
	now   = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
)

type party struct {
	key  crypto.Signer
	der  []byte
	cert *Certificate
}

func ecKey(t testing.TB, c elliptic.Curve) crypto.Signer {
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func issue(t testing.TB, key crypto.Signer, cn string, from, to time.Time, parent *party, isCA bool, h crypto.Hash) *party {
	t.Helper()
	signer, pc := key, (*Certificate)(nil)
	if parent != nil {
		signer, pc = parent.key, parent.cert
	}
	der, err := CreateCertificate(Template{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{Country: []string{"VN"}, Organization: []string{"Test PKI"}, CommonName: cn},
		NotBefore: from, NotAfter: to, IsCA: isCA}, key.Public(), pc, signer, h, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &party{key, der, c}
}

func sampleDGs() map[int][]byte {
	c := cccd.Citizen{ID: "079203001234", FullName: "Phạm Minh Khoa", DateOfBirth: cccd.Date{Year: 2003, Month: 8, Day: 15}, Sex: cccd.Male}
	return map[int][]byte{1: lds.EncodeDG1(lds.MRZFromCitizen(c)), 13: cccd.EncodeDG13(c), 15: {0x6F, 0x00}}
}

func TestCreateCertificateAgreesWithX509(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ca := issue(t, rsaKey, "CSCA", t2020, t2040, nil, true, crypto.SHA256)
	ds := issue(t, ecKey(t, elliptic.P256()), "DS", t2021, t2035, ca, false, crypto.SHA256)
	xca, err := x509.ParseCertificate(ca.der)
	if err != nil {
		t.Fatal(err)
	}
	xds, err := x509.ParseCertificate(ds.der)
	if err != nil {
		t.Fatal(err)
	}
	if err := xds.CheckSignatureFrom(xca); err != nil {
		t.Fatal(err)
	}
	if !xca.IsCA || xds.IsCA || !bytes.Equal(xds.AuthorityKeyId, xca.SubjectKeyId) {
		t.Fatal("extensions differ from what crypto/x509 reads")
	}
	if ds.cert.Subject.CommonName != "DS" || ds.cert.Issuer.CommonName != "CSCA" || !ca.cert.IsCA || !ds.cert.NotAfter.Equal(t2035) {
		t.Fatalf("ParseCertificate: %+v", ds.cert)
	}
	if err := ds.cert.CheckSignatureFrom(ca.cert); err != nil {
		t.Fatal(err)
	}
	if err := ca.cert.CheckSignatureFrom(ds.cert); err == nil {
		t.Fatal("CSCA verified under the DS key")
	}
}

func TestBrainpoolChain(t *testing.T) {
	ca := issue(t, ecKey(t, brainpool.P512r1()), "CSCA BP", t2020, t2040, nil, true, crypto.SHA512)
	ds := issue(t, ecKey(t, brainpool.P256r1()), "DS BP", t2021, t2035, ca, false, crypto.SHA512)
	if _, err := x509.ParseCertificate(ca.der); err == nil {
		t.Log("crypto/x509 now reads Brainpool certificates")
	}
	if err := ds.cert.CheckSignatureFrom(ca.cert); err != nil {
		t.Fatal(err)
	}
	store := NewTrustStore()
	if err := store.AddCert(ca.der); err != nil {
		t.Fatal(err)
	}
	sod, err := lds.BuildSOD(sampleDGs(), ds.key, ds.der, lds.SignOptions{Hash: crypto.SHA384})
	if err != nil {
		t.Fatal(err)
	}
	chk, _ := VerifySOD(sod, sampleDGs(), store, now)
	if chk.Status != cardreader.StatusPassed || chk.Evidence["signatureAlgorithm"] != "ecdsa-with-SHA384" {
		t.Fatalf("check = %+v", chk)
	}
}

func TestVerifySOD(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	csca := issue(t, rsaKey, "CSCA Test", t2020, t2040, nil, true, crypto.SHA256)
	rogue := issue(t, ecKey(t, elliptic.P384()), "CSCA Rogue", t2020, t2040, nil, true, crypto.SHA384)
	impostor := issue(t, ecKey(t, elliptic.P256()), "CSCA Test", t2020, t2040, nil, true, crypto.SHA256) // same name, other key
	dsRSA := issue(t, rsaKey, "DS RSA", t2021, t2035, csca, false, crypto.SHA256)
	dsEC := issue(t, ecKey(t, elliptic.P256()), "DS EC", t2021, t2035, csca, false, crypto.SHA256)
	dsRogue := issue(t, ecKey(t, elliptic.P256()), "DS Rogue", t2021, t2035, rogue, false, crypto.SHA256)
	dsImpostor := issue(t, ecKey(t, elliptic.P256()), "DS Impostor", t2021, t2035, impostor, false, crypto.SHA256)
	dsOld := issue(t, ecKey(t, elliptic.P256()), "DS Old", t2020, t2021, csca, false, crypto.SHA256)
	dsFuture := issue(t, ecKey(t, elliptic.P256()), "DS Future", t2035, t2040, csca, false, crypto.SHA256)
	store := NewTrustStore()
	if err := store.AddCert(csca.der); err != nil {
		t.Fatal(err)
	}
	dgs := sampleDGs()
	build := func(ds *party, opts lds.SignOptions) []byte {
		b, err := lds.BuildSOD(dgs, ds.key, ds.der, opts)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	good := build(dsEC, lds.SignOptions{})
	tampered := map[int][]byte{}
	for n, b := range dgs {
		tampered[n] = b
	}
	tampered[13] = append(bytes.Clone(dgs[13][:len(dgs[13])-1]), dgs[13][len(dgs[13])-1]^1)
	extra := map[int][]byte{2: {0x75, 0x00}}
	for n, b := range dgs {
		extra[n] = b
	}
	badSig := bytes.Clone(good)
	badSig[len(badSig)-3] ^= 0x55
	unknownHash := bytes.ReplaceAll(bytes.Clone(good), []byte{0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01}, []byte{0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x63})

	tests := []struct {
		name   string
		sod    []byte
		dgs    map[int][]byte
		store  *TrustStore
		status cardreader.CheckStatus
		code   string
		dg     string
	}{
		{"ecdsa passes", good, dgs, store, cardreader.StatusPassed, "", ""},
		{"rsa pkcs1 passes", build(dsRSA, lds.SignOptions{SigningTime: t2021}), dgs, store, cardreader.StatusPassed, "", ""},
		{"rsa-pss passes", build(dsRSA, lds.SignOptions{PSS: true, Hash: crypto.SHA512}), dgs, store, cardreader.StatusPassed, "", ""},
		{"subset of DGs passes", good, map[int][]byte{13: dgs[13]}, store, cardreader.StatusPassed, "", ""},
		{"tampered DG13", good, tampered, store, cardreader.StatusFailed, CodeHashMismatch, "13"},
		{"DG not in SOD", good, extra, store, cardreader.StatusFailed, CodeHashMismatch, "2"},
		{"bad signature", badSig, dgs, store, cardreader.StatusFailed, CodeBadSignature, ""},
		{"unknown CSCA", build(dsRogue, lds.SignOptions{}), dgs, store, cardreader.StatusFailed, CodeUnknownCSCA, ""},
		{"impostor CSCA of the same name", build(dsImpostor, lds.SignOptions{}), dgs, store, cardreader.StatusFailed, CodeBadSignature, ""},
		{"expired DS", build(dsOld, lds.SignOptions{}), dgs, store, cardreader.StatusFailed, CodeDSExpired, ""},
		{"DS not yet valid", build(dsFuture, lds.SignOptions{}), dgs, store, cardreader.StatusFailed, CodeDSNotYetValid, ""},
		{"unsupported hash", unknownHash, dgs, store, cardreader.StatusFailed, CodeUnsupportedAlgorithm, ""},
		{"malformed", good[:100], dgs, store, cardreader.StatusFailed, CodeMalformedSOD, ""},
		{"nil store", good, dgs, nil, cardreader.StatusNotChecked, CodeNoTrustAnchor, ""},
		{"empty store", good, dgs, NewTrustStore(), cardreader.StatusNotChecked, CodeNoTrustAnchor, ""},
		{"no store does not hide tampering", good, tampered, nil, cardreader.StatusFailed, CodeHashMismatch, "13"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Twice: the second run meets the store's chain cache.
			chk, info := VerifySOD(tc.sod, tc.dgs, tc.store, now)
			again, _ := VerifySOD(tc.sod, tc.dgs, tc.store, now)
			if !reflect.DeepEqual(chk, again) {
				t.Fatalf("second run differs: %+v", again)
			}
			if chk.Status != tc.status || chk.Code != tc.code || chk.Evidence["dg"] != tc.dg {
				t.Fatalf("check = %+v", chk)
			}
			if tc.status == cardreader.StatusPassed {
				if info.CSCA == nil || chk.Evidence["cscaSubject"] == "" || chk.Evidence["dsSubject"] == "" || chk.Evidence["digestAlgorithm"] == "" {
					t.Fatalf("evidence = %v", chk.Evidence)
				}
			}
			for _, v := range append([]string{chk.Reason}, values(chk.Evidence)...) {
				if strings.Contains(v, "079203001234") || strings.Contains(v, "Khoa") {
					t.Fatal("check leaks personal data")
				}
			}
		})
	}
}

func values(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// masterList signs certificates as a CMS CscaMasterList.
func masterList(t testing.TB, signer *party, certs ...[]byte) []byte {
	t.Helper()
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(0)
		b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
			for _, c := range certs {
				b.AddBytes(c)
			}
		})
	})
	ml, err := lds.BuildSignedData(OIDCscaMasterList, b.BytesOrPanic(), signer.key, signer.der, lds.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ml
}

func TestMasterList(t *testing.T) {
	a := issue(t, ecKey(t, elliptic.P256()), "CSCA A", t2020, t2040, nil, true, crypto.SHA256)
	c := issue(t, ecKey(t, brainpool.P384r1()), "CSCA C", t2020, t2040, nil, true, crypto.SHA384)
	mls := issue(t, ecKey(t, elliptic.P256()), "Master List Signer A", t2021, t2035, a, false, crypto.SHA256)
	stray := issue(t, ecKey(t, elliptic.P256()), "Stray signer", t2021, t2035, c, false, crypto.SHA256)
	good := masterList(t, mls, a.der, c.der)
	certs, err := ParseMasterList(good)
	if err != nil || len(certs) != 2 {
		t.Fatalf("ParseMasterList = %d, %v", len(certs), err)
	}
	tampered := bytes.Clone(good)
	i := bytes.Index(tampered, c.der[len(c.der)-20:])
	tampered[i] ^= 1
	for name, ml := range map[string][]byte{
		"tampered":          tampered,
		"signer not listed": masterList(t, stray, a.der),
		"truncated":         good[:len(good)/2],
	} {
		if _, err := ParseMasterList(ml); !errors.Is(err, ErrMasterList) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestLoadTrustStore(t *testing.T) {
	a := issue(t, ecKey(t, elliptic.P256()), "CSCA A", t2020, t2040, nil, true, crypto.SHA256)
	b := issue(t, ecKey(t, brainpool.P384r1()), "CSCA B", t2020, t2040, nil, true, crypto.SHA384)
	c := issue(t, ecKey(t, elliptic.P384()), "CSCA C", t2020, t2040, nil, true, crypto.SHA384)
	dir := t.TempDir()
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: a.der}))
	write("b.der", b.der)
	mls := issue(t, ecKey(t, elliptic.P256()), "Master List Signer", t2021, t2035, c, false, crypto.SHA384)
	write("list.ml", masterList(t, mls, c.der, a.der))
	write("README.md", []byte("not a certificate"))
	s, err := LoadTrustStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 3 {
		t.Fatalf("Len = %d, want 3 (duplicates merged)", s.Len())
	}
	write("broken.cer", []byte{0x30, 0x03, 0x02, 0x01})
	if _, err := LoadTrustStore(dir); err == nil || !strings.Contains(err.Error(), "broken.cer") {
		t.Fatalf("err = %v", err)
	}
	if _, err := LoadTrustStore(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("missing directory accepted")
	}
}

func FuzzCertificate(f *testing.F) {
	f.Add(issue(f, ecKey(f, brainpool.P256r1()), "CSCA", t2020, t2040, nil, true, crypto.SHA256).der)
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseCertificate(b)
		if err != nil {
			return
		}
		_ = c.CheckSignatureFrom(c)
	})
}

func FuzzMasterList(f *testing.F) {
	ca := issue(f, ecKey(f, elliptic.P256()), "CSCA", t2020, t2040, nil, true, crypto.SHA256)
	f.Add(masterList(f, issue(f, ecKey(f, elliptic.P256()), "MLS", t2020, t2040, ca, false, crypto.SHA256), ca.der))
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = NewTrustStore().AddFile(b)
	})
}

func BenchmarkVerifySOD(b *testing.B) {
	for _, tc := range []struct {
		name string
		key  func() crypto.Signer
	}{
		{"RSA2048", func() crypto.Signer { k, _ := rsa.GenerateKey(rand.Reader, 2048); return k }},
		{"P256", func() crypto.Signer { return ecKey(b, elliptic.P256()) }},
		{"BrainpoolP256r1", func() crypto.Signer { return ecKey(b, brainpool.P256r1()) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			k := tc.key()
			ca := issue(b, k, "CSCA", t2020, t2040, nil, true, crypto.SHA256)
			ds := issue(b, k, "DS", t2021, t2035, ca, false, crypto.SHA256)
			store := NewTrustStore()
			store.AddCert(ca.der)
			dgs := sampleDGs()
			sod, err := lds.BuildSOD(dgs, ds.key, ds.der, lds.SignOptions{})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if chk, _ := VerifySOD(sod, dgs, store, now); chk.Status != cardreader.StatusPassed {
					b.Fatal(chk)
				}
			}
		})
	}
}

// TestConcurrentVerify runs passive authentication from several goroutines
// on one store, as a kiosk with two readers would (run with -race).
func TestConcurrentVerify(t *testing.T) {
	ca := issue(t, ecKey(t, elliptic.P256()), "CSCA", t2020, t2040, nil, true, crypto.SHA256)
	ds := issue(t, ecKey(t, elliptic.P256()), "DS", t2021, t2035, ca, false, crypto.SHA256)
	store := NewTrustStore()
	if err := store.AddCert(ca.der); err != nil {
		t.Fatal(err)
	}
	dgs := sampleDGs()
	sod, err := lds.BuildSOD(dgs, ds.key, ds.der, lds.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			if chk, _ := VerifySOD(sod, dgs, store, now); chk.Status != cardreader.StatusPassed {
				errs <- errors.New(chk.Code)
				return
			}
			errs <- store.AddCert(ca.der)
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

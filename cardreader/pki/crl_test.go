package pki

import (
	"crypto"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"math/big"
	"testing"

	"github.com/ProtonMail/go-crypto/brainpool"

	"motcua/cardreader"
	"motcua/cardreader/lds"
)

// A CRL revokes a Document Signer: passive authentication fails with
// ds-revoked. A CRL no trusted CSCA signed is refused, so it cannot revoke
// anything; a Brainpool CSCA (Viet Nam's is brainpoolP512r1) signs one too.
func TestCRL(t *testing.T) {
	for _, tc := range []struct {
		name  string
		curve elliptic.Curve
		h     crypto.Hash
	}{
		{"P-384 CSCA", elliptic.P384(), crypto.SHA384},
		{"brainpoolP512r1 CSCA", brainpool.P512r1(), crypto.SHA512},
	} {
		t.Run(tc.name, func(t *testing.T) {
			csca := issue(t, ecKey(t, tc.curve), "CSCA CRL Test", t2020, t2040, nil, true, tc.h)
			rogue := issue(t, ecKey(t, elliptic.P256()), "CSCA CRL Test", t2020, t2040, nil, true, crypto.SHA256) // same name, other key
			ds := issue(t, ecKey(t, elliptic.P256()), "DS revoked", t2021, t2035, csca, false, crypto.SHA256)
			other := issue(t, ecKey(t, elliptic.P256()), "DS fine", t2021, t2035, csca, false, crypto.SHA256)
			store := NewTrustStore()
			if err := store.AddCert(csca.der); err != nil {
				t.Fatal(err)
			}
			crl, err := CreateCRL(csca.cert, csca.key, tc.h, []*big.Int{ds.cert.SerialNumber, big.NewInt(7)}, t2021, t2040, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			forged, err := CreateCRL(rogue.cert, rogue.key, crypto.SHA256, []*big.Int{other.cert.SerialNumber}, t2035, t2040, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := store.AddCRL(forged); !errors.Is(err, ErrCRL) {
				t.Fatalf("a CRL signed by an untrusted key: %v, want ErrCRL", err)
			}
			c, err := store.AddCRL(crl)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Revoked) != 2 || !c.Lists(ds.cert.SerialNumber) || c.Lists(other.cert.SerialNumber) || !c.ThisUpdate.Equal(t2021) {
				t.Fatalf("CRL read back: %+v", c)
			}
			dgs := sampleDGs()
			for _, x := range []struct {
				signer *party
				status cardreader.CheckStatus
				code   string
			}{{ds, cardreader.StatusFailed, CodeDSRevoked}, {other, cardreader.StatusPassed, ""}} {
				sod, err := lds.BuildSOD(dgs, x.signer.key, x.signer.der, lds.SignOptions{})
				if err != nil {
					t.Fatal(err)
				}
				chk, _ := VerifySOD(sod, dgs, store, now)
				if chk.Status != x.status || chk.Code != x.code {
					t.Errorf("%s: %+v, want %s %q", x.signer.cert.Subject.CommonName, chk, x.status, x.code)
				}
			}
		})
	}
}

// A revocation list belongs to its CSCA, not to one parsed copy of the
// CSCA's certificate: the same CSCA parsed again, or re-issued with the
// same name and key, still finds it; another key under the same name does
// not.
func TestCRLFollowsTheIssuer(t *testing.T) {
	key := ecKey(t, elliptic.P256())
	csca := issue(t, key, "CSCA CRL Issuer", t2020, t2040, nil, true, crypto.SHA256)
	reissued := issue(t, key, "CSCA CRL Issuer", t2021, t2040, nil, true, crypto.SHA256) // new serial and validity
	rogue := issue(t, ecKey(t, elliptic.P256()), "CSCA CRL Issuer", t2020, t2040, nil, true, crypto.SHA256)
	ds := issue(t, ecKey(t, elliptic.P256()), "DS revoked", t2021, t2035, csca, false, crypto.SHA256)
	store := NewTrustStore()
	if err := store.AddCert(csca.der); err != nil {
		t.Fatal(err)
	}
	crl, err := CreateCRL(csca.cert, csca.key, crypto.SHA256, []*big.Int{ds.cert.SerialNumber}, t2021, t2040, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.AddCRL(crl); err != nil {
		t.Fatal(err)
	}
	again, err := ParseCertificate(csca.der)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []struct {
		name string
		ca   *Certificate
		want bool
	}{{"parsed again", again, true}, {"re-issued", reissued.cert, true}, {"same name, other key", rogue.cert, false}} {
		if got := store.revoked(x.ca, ds.cert); got != x.want {
			t.Errorf("%s: revoked %v, want %v", x.name, got, x.want)
		}
	}
	if crls := store.CRLs(); len(crls) != 1 || crls[store.Certificates()[0]] == nil {
		t.Errorf("CRLs() = %v, want the list by the CSCA that signed it", crls)
	}
}

// The test PKI's trust directory carries csca-test's CRL, which revokes
// test-ds-revoked.
func TestSeedCRL(t *testing.T) {
	store, err := LoadTrustStore("../../seeds/pki/trust")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(store.CRLs()); n != 1 {
		t.Fatalf("%d CRLs loaded, want 1", n)
	}
}

func TestParseCRLErrors(t *testing.T) {
	for _, in := range [][]byte{nil, {0x30, 0x00}, {0x30, 0x03, 0x30, 0x01, 0x00}, []byte("not a crl")} {
		if _, err := ParseCRL(in); !errors.Is(err, ErrCRL) {
			t.Errorf("ParseCRL(%x) = %v, want ErrCRL", in, err)
		}
	}
}

func FuzzParseCRL(f *testing.F) {
	csca := issue(f, ecKey(f, elliptic.P256()), "CSCA Fuzz", t2020, t2040, nil, true, crypto.SHA256)
	crl, err := CreateCRL(csca.cert, csca.key, crypto.SHA256, []*big.Int{big.NewInt(1)}, t2021, t2040, rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(crl)
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseCRL(b)
		if err == nil && c.RawIssuer == nil {
			t.Fatal("a CRL without an issuer parsed")
		}
	})
}

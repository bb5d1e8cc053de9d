package lds

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/brainpool"

	"motcua/cardreader/cccd"
)

func FuzzDG1(f *testing.F) {
	f.Add(EncodeDG1(MRZFromCitizen(exampleCitizen())))
	f.Add([]byte(exampleMRZ))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseDG1(b)
		if err != nil {
			m, err = ParseTD1(string(b))
			if err != nil {
				return
			}
		}
		// A valid MRZ re-encodes to itself.
		if _, err := ParseTD1(strings.ReplaceAll(m.String(), "\n", "")); err != nil {
			t.Fatalf("re-encoded MRZ invalid: %v", err)
		}
		_, _ = m.BirthDate(30)
		_, _, _ = m.ExpiryDate()
		_, _ = m.NameParts()
	})
}

func FuzzDG2(f *testing.F) {
	f.Add(EncodeDG2(testJPEG(f, 8, 8), 8, 8))
	f.Fuzz(func(t *testing.T, b []byte) {
		if face, err := ParseDG2(b); err == nil && len(face.Image) == 0 {
			t.Fatal("empty image accepted")
		}
	})
}

func FuzzDG14(f *testing.F) {
	ca, _ := hex.DecodeString(cccdCardAccess)
	f.Add(append([]byte{0x6E, byte(len(ca))}, ca...))
	k, _ := ecdsa.GenerateKey(brainpool.P256r1(), rand.Reader)
	pub, _ := MarshalPublicKey(&k.PublicKey)
	dg14, _ := EncodeDG14(&SecurityInfos{ChipAuthenticationKey: []ChipAuthenticationPublicKeyInfo{{Protocol: OIDPKECDH, PublicKey: pub}}})
	f.Add(dg14)
	f.Fuzz(func(t *testing.T, b []byte) {
		si, err := ParseDG14(b)
		if err != nil {
			return
		}
		for _, k := range si.ChipAuthenticationKey {
			_, _ = ParsePublicKey(k.PublicKey)
		}
		re, err := si.Encode()
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		if _, err := ParseSecurityInfos(re); err != nil {
			t.Fatalf("re-encoded SecurityInfos do not parse: %v", err)
		}
	})
}

func FuzzDG15(f *testing.F) {
	for _, c := range []elliptic.Curve{elliptic.P256(), brainpool.P384r1()} {
		k, _ := ecdsa.GenerateKey(c, rand.Reader)
		b, _ := EncodeDG15(&k.PublicKey)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		pub, err := ParseDG15(b)
		if err != nil {
			return
		}
		if _, err := EncodeDG15(pub); err != nil {
			t.Fatalf("parsed key does not re-encode: %v", err)
		}
	})
}

func FuzzSOD(f *testing.F) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	sod, err := BuildSOD(map[int][]byte{1: {0x61, 0}, 13: cccd.EncodeDG13(exampleCitizen())}, key, testSigner(f, key), SignOptions{})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sod)
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseSOD(b)
		if err != nil {
			return
		}
		_, _ = ParseSignatureAlgorithm(s.Signer.SignatureAlgorithm)
		if s.Signer.MessageDigest == nil {
			t.Fatal("SOD without messageDigest accepted")
		}
	})
}

func FuzzCOM(f *testing.F) {
	f.Add((&COM{LDSVersion: "0107", UnicodeVersion: "040000", DataGroups: []int{1, 2, 13}}).Encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseCOM(b)
		if err != nil {
			return
		}
		if _, err := ParseCOM(c.Encode()); err != nil {
			t.Fatalf("re-encoded EF.COM does not parse: %v", err)
		}
	})
}

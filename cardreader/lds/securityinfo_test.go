package lds

import (
	"bytes"
	"testing"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// TestSecurityInfoMarshal: one entry marshalled alone is the same DER as
// inside SecurityInfos.Encode, with and without a key ID, and parses back.
func TestSecurityInfoMarshal(t *testing.T) {
	spki := []byte{0x30, 0x03, 0x02, 0x01, 0x00} // opaque here: lds keeps the key as DER
	for _, tc := range []struct {
		name string
		ca   ChipAuthenticationInfo
		key  ChipAuthenticationPublicKeyInfo
	}{
		{"no key ID", ChipAuthenticationInfo{Protocol: OIDCAECDHAES128, Version: 1},
			ChipAuthenticationPublicKeyInfo{Protocol: OIDPKECDH, PublicKey: spki}},
		{"key ID", ChipAuthenticationInfo{Protocol: OIDCAECDH3DES, Version: 1, KeyID: 300, HasKeyID: true},
			ChipAuthenticationPublicKeyInfo{Protocol: OIDPKECDH, PublicKey: spki, KeyID: 300, HasKeyID: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ca, err := tc.ca.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			key, err := tc.key.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			whole, err := (&SecurityInfos{ChipAuthentication: []ChipAuthenticationInfo{tc.ca}, ChipAuthenticationKey: []ChipAuthenticationPublicKeyInfo{tc.key}}).Encode()
			if err != nil {
				t.Fatal(err)
			}
			in := cryptobyte.String(whole)
			var set cryptobyte.String
			if !in.ReadASN1(&set, cbasn1.SET) || !bytes.Equal(set, append(ca, key...)) {
				t.Fatalf("Encode = %X, entries %X %X", whole, ca, key)
			}
			si, err := ParseSecurityInfos(whole)
			if err != nil {
				t.Fatal(err)
			}
			gotCA, gotKey := si.ChipAuthentication[0], si.ChipAuthenticationKey[0]
			if !gotCA.Protocol.Equal(tc.ca.Protocol) || gotCA.KeyID != tc.ca.KeyID || gotCA.HasKeyID != tc.ca.HasKeyID ||
				gotKey.KeyID != tc.key.KeyID || gotKey.HasKeyID != tc.key.HasKeyID || !bytes.Equal(gotKey.PublicKey, spki) {
				t.Errorf("parsed back %+v %+v", gotCA, gotKey)
			}
		})
	}
}

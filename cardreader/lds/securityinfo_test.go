package lds

import (
	"bytes"
	"reflect"
	"slices"
	"testing"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// TestSecurityInfoMarshal: each entry marshalled alone is the same DER as
// inside SecurityInfos.Encode, with and without the optional INTEGER, and
// parses back.
func TestSecurityInfoMarshal(t *testing.T) {
	spki := []byte{0x30, 0x03, 0x02, 0x01, 0x00} // opaque here: lds keeps the key as DER
	for _, tc := range []struct {
		name string
		pace PACEInfo
		ca   ChipAuthenticationInfo
		key  ChipAuthenticationPublicKeyInfo
	}{
		{"optional fields absent", PACEInfo{Protocol: OIDPACEECDHGM128, Version: 2},
			ChipAuthenticationInfo{Protocol: OIDCAECDHAES128, Version: 1},
			ChipAuthenticationPublicKeyInfo{Protocol: OIDPKECDH, PublicKey: spki}},
		{"optional fields present", PACEInfo{Protocol: OIDPACEECDHGM192, Version: 2, ParameterID: 13, HasParamID: true},
			ChipAuthenticationInfo{Protocol: OIDCAECDH3DES, Version: 1, KeyID: 300, HasKeyID: true},
			ChipAuthenticationPublicKeyInfo{Protocol: OIDPKECDH, PublicKey: spki, KeyID: 300, HasKeyID: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pace, err := tc.pace.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			ca, err := tc.ca.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			key, err := tc.key.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			want := &SecurityInfos{PACE: []PACEInfo{tc.pace}, ChipAuthentication: []ChipAuthenticationInfo{tc.ca}, ChipAuthenticationKey: []ChipAuthenticationPublicKeyInfo{tc.key}}
			whole, err := want.Encode()
			if err != nil {
				t.Fatal(err)
			}
			in := cryptobyte.String(whole)
			var set cryptobyte.String
			if !in.ReadASN1(&set, cbasn1.SET) || !bytes.Equal(set, slices.Concat(pace, ca, key)) {
				t.Fatalf("Encode = %X, entries %X %X %X", whole, pace, ca, key)
			}
			si, err := ParseSecurityInfos(whole)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(si, want) {
				t.Errorf("parsed back %+v, want %+v", si, want)
			}
		})
	}
}

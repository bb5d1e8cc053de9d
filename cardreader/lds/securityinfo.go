package lds

import (
	"encoding/asn1"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"motcua/cardreader/tlv"
)

// Protocol object identifiers of ICAO 9303 Part 11 §9.2 (bsi-de 0.4.0.127.0.7).
var (
	OIDPKDH   = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 2, 2, 1, 1} // id-PK-DH
	OIDPKECDH = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 2, 2, 1, 2} // id-PK-ECDH
	OIDTA     = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 2, 2, 2}    // id-TA
	OIDCA     = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 2, 2, 3}    // id-CA
	OIDPACE   = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 2, 2, 4}    // id-PACE
	OIDAA     = asn1.ObjectIdentifier{2, 23, 136, 1, 1, 5}            // id-icao-mrtd-security-aaProtocolObject

	// Chip Authentication protocols (id-CA-DH-*, id-CA-ECDH-*).
	OIDCADH3DES      = append(OIDCA[:len(OIDCA):len(OIDCA)], 1, 1)
	OIDCADHAES128    = append(OIDCA[:len(OIDCA):len(OIDCA)], 1, 2)
	OIDCAECDH3DES    = append(OIDCA[:len(OIDCA):len(OIDCA)], 2, 1)
	OIDCAECDHAES128  = append(OIDCA[:len(OIDCA):len(OIDCA)], 2, 2)
	OIDCAECDHAES192  = append(OIDCA[:len(OIDCA):len(OIDCA)], 2, 3)
	OIDCAECDHAES256  = append(OIDCA[:len(OIDCA):len(OIDCA)], 2, 4)
	OIDPACEECDHGM128 = append(OIDPACE[:len(OIDPACE):len(OIDPACE)], 2, 2) // id-PACE-ECDH-GM-AES-CBC-CMAC-128
	OIDPACEECDHGM192 = append(OIDPACE[:len(OIDPACE):len(OIDPACE)], 2, 3)
	OIDPACEECDHGM256 = append(OIDPACE[:len(OIDPACE):len(OIDPACE)], 2, 4)
	OIDPACEECDHIM128 = append(OIDPACE[:len(OIDPACE):len(OIDPACE)], 4, 2)
	OIDPACEECDHCAM   = append(OIDPACE[:len(OIDPACE):len(OIDPACE)], 6, 2)

	// ECDSA plain signatures for AA (BSI TR-03111), named by hash.
	OIDECDSAPlainSHA1   = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 1, 1, 4, 1, 1}
	OIDECDSAPlainSHA256 = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 1, 1, 4, 1, 3}
)

// hasPrefix reports whether oid starts with prefix and is longer.
func hasPrefix(oid, prefix asn1.ObjectIdentifier) bool {
	if len(oid) <= len(prefix) {
		return false
	}
	return oid[:len(prefix)].Equal(prefix)
}

// SecurityInfos is the decoded content of EF.CardAccess or DG14: a SET of
// SecurityInfo, sorted by kind. Entries of unknown protocols are kept raw.
type SecurityInfos struct {
	PACE                   []PACEInfo
	PACEDomainParameters   []RawSecurityInfo // PACEDomainParameterInfo, kept raw
	ChipAuthentication     []ChipAuthenticationInfo
	ChipAuthenticationKey  []ChipAuthenticationPublicKeyInfo
	TerminalAuthentication []TerminalAuthenticationInfo
	ActiveAuthentication   []ActiveAuthenticationInfo
	Unknown                []RawSecurityInfo
}

// PACEInfo advertises one PACE protocol (ICAO 9303 Part 11 §9.2.1).
type PACEInfo struct {
	Protocol    asn1.ObjectIdentifier
	Version     int
	ParameterID int  // standardized domain parameters, e.g. 13 = brainpoolP256r1
	HasParamID  bool // ParameterID was present
}

// ChipAuthenticationInfo advertises Chip Authentication (§9.2.5).
type ChipAuthenticationInfo struct {
	Protocol asn1.ObjectIdentifier
	Version  int
	KeyID    int
	HasKeyID bool
}

// ChipAuthenticationPublicKeyInfo carries the chip's static CA key (§9.2.6).
type ChipAuthenticationPublicKeyInfo struct {
	Protocol  asn1.ObjectIdentifier // id-PK-DH or id-PK-ECDH
	PublicKey []byte                // DER SubjectPublicKeyInfo; ParsePublicKey decodes EC keys
	KeyID     int
	HasKeyID  bool
}

// TerminalAuthenticationInfo advertises Terminal Authentication (§9.2.7).
type TerminalAuthenticationInfo struct {
	Protocol asn1.ObjectIdentifier
	Version  int
}

// ActiveAuthenticationInfo names the signature algorithm of ECDSA Active
// Authentication (ICAO 9303 Part 11 §9.2.9, in DG14).
type ActiveAuthenticationInfo struct {
	Version            int
	SignatureAlgorithm asn1.ObjectIdentifier
}

// RawSecurityInfo is a SecurityInfo kept as it came: its protocol OID and the
// whole DER SEQUENCE.
type RawSecurityInfo struct {
	Protocol asn1.ObjectIdentifier
	DER      []byte
}

// ParseSecurityInfos decodes a DER SET OF SecurityInfo (the content of
// EF.CardAccess, or of DG14 inside its 6E tag).
func ParseSecurityInfos(der []byte) (*SecurityInfos, error) {
	in := cryptobyte.String(der)
	var set cryptobyte.String
	if !in.ReadASN1(&set, cbasn1.SET) || !in.Empty() {
		return nil, malformed("SecurityInfos", "SET", nil)
	}
	out := &SecurityInfos{}
	for !set.Empty() {
		var whole, seq cryptobyte.String
		if !set.ReadASN1Element(&whole, cbasn1.SEQUENCE) {
			return nil, malformed("SecurityInfos", "SecurityInfo SEQUENCE", nil)
		}
		elem := whole
		if !elem.ReadASN1(&seq, cbasn1.SEQUENCE) {
			return nil, malformed("SecurityInfos", "SecurityInfo SEQUENCE", nil)
		}
		var oid asn1.ObjectIdentifier
		if !seq.ReadASN1ObjectIdentifier(&oid) {
			return nil, malformed("SecurityInfos", "protocol OID", nil)
		}
		if err := out.add(oid, seq, []byte(whole)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func readInt(s *cryptobyte.String, what string) (int, error) {
	var n int
	if !s.ReadASN1Integer(&n) {
		return 0, malformed("SecurityInfos", what, nil)
	}
	return n, nil
}

func readOptionalInt(s *cryptobyte.String) (int, bool, error) {
	if s.Empty() {
		return 0, false, nil
	}
	if !s.PeekASN1Tag(cbasn1.INTEGER) {
		return 0, false, nil
	}
	var n int
	if !s.ReadASN1Integer(&n) {
		return 0, false, malformed("SecurityInfos", "optional INTEGER", nil)
	}
	return n, true, nil
}

func (si *SecurityInfos) add(oid asn1.ObjectIdentifier, rest cryptobyte.String, whole []byte) error {
	switch {
	case hasPrefix(oid, OIDPACE) && len(oid) == len(OIDPACE)+2:
		v, err := readInt(&rest, "PACEInfo version")
		if err != nil {
			return err
		}
		p, has, err := readOptionalInt(&rest)
		if err != nil {
			return err
		}
		si.PACE = append(si.PACE, PACEInfo{Protocol: oid, Version: v, ParameterID: p, HasParamID: has})
	case isPACEDomainParams(oid):
		si.PACEDomainParameters = append(si.PACEDomainParameters, RawSecurityInfo{oid, whole})
	case hasPrefix(oid, OIDPKDH[:len(OIDPKDH)-1]) && len(oid) == len(OIDPKDH):
		var key cryptobyte.String
		if !rest.ReadASN1Element(&key, cbasn1.SEQUENCE) {
			return malformed("SecurityInfos", "ChipAuthenticationPublicKeyInfo key", nil)
		}
		id, has, err := readOptionalInt(&rest)
		if err != nil {
			return err
		}
		si.ChipAuthenticationKey = append(si.ChipAuthenticationKey, ChipAuthenticationPublicKeyInfo{Protocol: oid, PublicKey: []byte(key), KeyID: id, HasKeyID: has})
	case hasPrefix(oid, OIDCA) && len(oid) == len(OIDCA)+2:
		v, err := readInt(&rest, "ChipAuthenticationInfo version")
		if err != nil {
			return err
		}
		id, has, err := readOptionalInt(&rest)
		if err != nil {
			return err
		}
		si.ChipAuthentication = append(si.ChipAuthentication, ChipAuthenticationInfo{Protocol: oid, Version: v, KeyID: id, HasKeyID: has})
	case oid.Equal(OIDTA) || hasPrefix(oid, OIDTA):
		v, err := readInt(&rest, "TerminalAuthenticationInfo version")
		if err != nil {
			return err
		}
		si.TerminalAuthentication = append(si.TerminalAuthentication, TerminalAuthenticationInfo{Protocol: oid, Version: v})
	case oid.Equal(OIDAA):
		v, err := readInt(&rest, "ActiveAuthenticationInfo version")
		if err != nil {
			return err
		}
		var alg asn1.ObjectIdentifier
		if !rest.ReadASN1ObjectIdentifier(&alg) {
			return malformed("SecurityInfos", "ActiveAuthenticationInfo signature algorithm", nil)
		}
		si.ActiveAuthentication = append(si.ActiveAuthentication, ActiveAuthenticationInfo{Version: v, SignatureAlgorithm: alg})
	default:
		si.Unknown = append(si.Unknown, RawSecurityInfo{oid, whole})
	}
	return nil
}

// isPACEDomainParams matches id-PACE-DH-GM/ECDH-GM/… domain parameter OIDs
// (id-PACE.1 to .4 with no further arc) used by PACEDomainParameterInfo.
func isPACEDomainParams(oid asn1.ObjectIdentifier) bool {
	return hasPrefix(oid, OIDPACE) && len(oid) == len(OIDPACE)+1
}

// Encode builds the DER SET OF SecurityInfo, in the order of the fields.
func (si *SecurityInfos) Encode() ([]byte, error) {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SET, func(set *cryptobyte.Builder) {
		for _, p := range si.PACE {
			p.add(set)
		}
		for _, r := range si.PACEDomainParameters {
			set.AddBytes(r.DER)
		}
		for _, c := range si.ChipAuthentication {
			c.add(set)
		}
		for _, k := range si.ChipAuthenticationKey {
			k.add(set)
		}
		for _, t := range si.TerminalAuthentication {
			set.AddASN1(cbasn1.SEQUENCE, func(s *cryptobyte.Builder) {
				s.AddASN1ObjectIdentifier(t.Protocol)
				s.AddASN1Int64(int64(t.Version))
			})
		}
		for _, a := range si.ActiveAuthentication {
			set.AddASN1(cbasn1.SEQUENCE, func(s *cryptobyte.Builder) {
				s.AddASN1ObjectIdentifier(OIDAA)
				s.AddASN1Int64(int64(a.Version))
				s.AddASN1ObjectIdentifier(a.SignatureAlgorithm)
			})
		}
		for _, r := range si.Unknown {
			set.AddBytes(r.DER)
		}
	})
	return b.Bytes()
}

// Marshal encodes p as one DER SecurityInfo, for EF.CardAccess or DG14
// built entry by entry.
func (p PACEInfo) Marshal() ([]byte, error) { return marshalOne(p.add) }

// Marshal encodes c as one DER SecurityInfo.
func (c ChipAuthenticationInfo) Marshal() ([]byte, error) { return marshalOne(c.add) }

// Marshal encodes k as one DER SecurityInfo.
func (k ChipAuthenticationPublicKeyInfo) Marshal() ([]byte, error) { return marshalOne(k.add) }

func marshalOne(add func(*cryptobyte.Builder)) ([]byte, error) {
	var b cryptobyte.Builder
	add(&b)
	return b.Bytes()
}

func (p PACEInfo) add(b *cryptobyte.Builder) {
	addInfo(b, p.Protocol, p.Version, p.ParameterID, p.HasParamID)
}

func (c ChipAuthenticationInfo) add(b *cryptobyte.Builder) {
	addInfo(b, c.Protocol, c.Version, c.KeyID, c.HasKeyID)
}

// addInfo adds SEQUENCE { protocol, version, optional INTEGER }, the shape
// of PACEInfo and ChipAuthenticationInfo.
func addInfo(b *cryptobyte.Builder, protocol asn1.ObjectIdentifier, version, opt int, hasOpt bool) {
	b.AddASN1(cbasn1.SEQUENCE, func(s *cryptobyte.Builder) {
		s.AddASN1ObjectIdentifier(protocol)
		s.AddASN1Int64(int64(version))
		if hasOpt {
			s.AddASN1Int64(int64(opt))
		}
	})
}

func (k ChipAuthenticationPublicKeyInfo) add(b *cryptobyte.Builder) {
	b.AddASN1(cbasn1.SEQUENCE, func(s *cryptobyte.Builder) {
		s.AddASN1ObjectIdentifier(k.Protocol)
		s.AddBytes(k.PublicKey)
		if k.HasKeyID {
			s.AddASN1Int64(int64(k.KeyID))
		}
	})
}

// ParseDG14 decodes DG14 (6E { SecurityInfos }).
func ParseDG14(b []byte) (*SecurityInfos, error) {
	v, _, err := tlv.Expect(b, TagDG14)
	if err != nil {
		return nil, malformed("DG14", "container", err)
	}
	si, err := ParseSecurityInfos(v)
	if err != nil {
		return nil, fmt.Errorf("DG14: %w", err)
	}
	return si, nil
}

// EncodeDG14 builds DG14 around si.
func EncodeDG14(si *SecurityInfos) ([]byte, error) {
	der, err := si.Encode()
	if err != nil {
		return nil, err
	}
	return tlv.Encode(TagDG14, der), nil
}

// ParseCardAccess decodes EF.CardAccess (a bare SecurityInfos).
func ParseCardAccess(b []byte) (*SecurityInfos, error) { return ParseSecurityInfos(b) }

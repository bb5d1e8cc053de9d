package pace

import (
	"encoding/asn1"
	"errors"
	"fmt"
)

// Info is a PACEInfo from EF.CardAccess (ICAO 9303 Part 11 §9.2.1).
type Info struct {
	Protocol    asn1.ObjectIdentifier
	Version     int // 2 for PACE v2
	ParameterID int // standardized domain parameters; -1 when absent
}

// Supported reports whether this package can run the protocol the info
// describes.
func (i Info) Supported() bool {
	if _, err := AlgorithmByOID(i.Protocol); err != nil {
		return false
	}
	_, err := Curve(i.ParameterID)
	return err == nil && i.Version == 2
}

// ErrNoPACE reports an EF.CardAccess with no PACEInfo at all.
var ErrNoPACE = errors.New("pace: EF.CardAccess offers no PACE")

// securityInfo is the generic SecurityInfo SEQUENCE: a protocol OID and
// protocol-specific data.
type securityInfo struct {
	Protocol asn1.ObjectIdentifier
	Required asn1.RawValue
	Optional asn1.RawValue `asn1:"optional"`
}

// ParseCardAccess decodes EF.CardAccess (a DER SET OF SecurityInfo) and
// returns its PACEInfos, supported or not, in file order. Other
// SecurityInfos (Chip and Terminal Authentication) are skipped.
func ParseCardAccess(b []byte) ([]Info, error) {
	var all []securityInfo
	rest, err := asn1.UnmarshalWithParams(b, &all, "set")
	if err != nil {
		return nil, fmt.Errorf("%w: EF.CardAccess: %w", ErrMalformed, err)
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after EF.CardAccess", ErrMalformed, len(rest))
	}
	var out []Info
	for _, si := range all {
		if !IsPACE(si.Protocol) {
			continue
		}
		info := Info{Protocol: si.Protocol, ParameterID: -1}
		if err := unmarshalInt(si.Required.FullBytes, &info.Version); err != nil {
			return nil, fmt.Errorf("%w: PACEInfo version: %w", ErrMalformed, err)
		}
		if len(si.Optional.FullBytes) > 0 {
			if err := unmarshalInt(si.Optional.FullBytes, &info.ParameterID); err != nil {
				return nil, fmt.Errorf("%w: PACEInfo parameterId: %w", ErrMalformed, err)
			}
		}
		out = append(out, info)
	}
	return out, nil
}

func unmarshalInt(der []byte, v *int) error {
	rest, err := asn1.Unmarshal(der, v)
	if err == nil && len(rest) != 0 {
		err = errors.New("trailing data")
	}
	if err == nil && (*v < 0 || *v > 0xFF) {
		err = fmt.Errorf("value %d out of range", *v)
	}
	return err
}

// Choose picks the first PACEInfo this package supports. It returns
// ErrNoPACE when there is none at all and ErrUnsupported when none fits:
// in both cases the host may fall back to BAC.
func Choose(infos []Info) (Info, error) {
	if len(infos) == 0 {
		return Info{}, ErrNoPACE
	}
	for _, i := range infos {
		if i.Supported() {
			return i, nil
		}
	}
	return Info{}, fmt.Errorf("%w: none of %d PACEInfos", ErrUnsupported, len(infos))
}

// MarshalCardAccess encodes EF.CardAccess from PACEInfos plus already
// encoded SecurityInfos of other protocols (for instance a
// ChipAuthenticationInfo). The virtual chip serves it.
func MarshalCardAccess(infos []Info, others ...[]byte) ([]byte, error) {
	var all []asn1.RawValue
	for _, i := range infos {
		var der []byte
		var err error
		if i.ParameterID >= 0 {
			der, err = asn1.Marshal(struct {
				Protocol    asn1.ObjectIdentifier
				Version     int
				ParameterID int
			}{i.Protocol, i.Version, i.ParameterID})
		} else {
			der, err = asn1.Marshal(struct {
				Protocol asn1.ObjectIdentifier
				Version  int
			}{i.Protocol, i.Version})
		}
		if err != nil {
			return nil, err
		}
		all = append(all, asn1.RawValue{FullBytes: der})
	}
	for _, o := range others {
		all = append(all, asn1.RawValue{FullBytes: o})
	}
	return asn1.MarshalWithParams(all, "set")
}

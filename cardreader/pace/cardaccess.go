package pace

import (
	"encoding/asn1"
	"errors"
	"fmt"

	"motcua/cardreader/lds"
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

// ParseCardAccess decodes EF.CardAccess (a DER SET OF SecurityInfo, parsed
// by lds.ParseSecurityInfos) and returns its PACEInfos, supported or not,
// in file order. Other SecurityInfos (Chip and Terminal Authentication) are
// left out.
func ParseCardAccess(b []byte) ([]Info, error) {
	si, err := lds.ParseSecurityInfos(b)
	if err != nil {
		return nil, fmt.Errorf("%w: EF.CardAccess: %w", ErrMalformed, err)
	}
	return FromSecurityInfos(si), nil
}

// FromSecurityInfos returns the PACEInfos of already parsed SecurityInfos.
func FromSecurityInfos(si *lds.SecurityInfos) []Info {
	var out []Info
	for _, p := range si.PACE {
		info := Info{Protocol: p.Protocol, Version: p.Version, ParameterID: -1}
		if p.HasParamID {
			info.ParameterID = p.ParameterID
		}
		out = append(out, info)
	}
	return out
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
		der, err := lds.PACEInfo{
			Protocol: i.Protocol, Version: i.Version, ParameterID: max(i.ParameterID, 0), HasParamID: i.ParameterID >= 0,
		}.Marshal()
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

package chipauth

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"fmt"

	"motcua/cardreader/lds"
	"motcua/cardreader/pace"
)

// FromSecurityInfos converts DG14 as lds parsed it: the CA-ECDH infos and
// the ECDH public keys, whose SubjectPublicKeyInfo lds.ParsePublicKey
// decodes in any of its forms. DH keys and other protocols are skipped; a
// key on a curve PACE lacks gives ErrUnsupported, a broken one ErrMalformed.
func FromSecurityInfos(si *lds.SecurityInfos) ([]Info, []PublicKey, error) {
	var infos []Info
	for _, c := range si.ChipAuthentication {
		if !isCAECDH(c.Protocol) {
			continue
		}
		in := Info{Protocol: c.Protocol, Version: c.Version, KeyID: -1}
		if c.HasKeyID {
			in.KeyID = c.KeyID
		}
		infos = append(infos, in)
	}
	var keys []PublicKey
	for _, k := range si.ChipAuthenticationKey {
		if !k.Protocol.Equal(OIDPKECDH) {
			continue
		}
		pk, err := keyFromSPKI(k.PublicKey)
		if err != nil {
			return nil, nil, err
		}
		pk.KeyID = -1
		if k.HasKeyID {
			pk.KeyID = k.KeyID
		}
		keys = append(keys, pk)
	}
	return infos, keys, nil
}

// KeyFromPrivate turns a private key as a fixture holds it
// (*ecdsa.PrivateKey on any supported curve, *ecdh.PrivateKey on a NIST
// curve, or a *StaticKey) into the chip's static key.
func KeyFromPrivate(k crypto.PrivateKey) (*StaticKey, error) {
	switch k := k.(type) {
	case *StaticKey:
		return k, nil
	case *ecdsa.PrivateKey:
		id, _, err := paramIDOf(k.Curve)
		if err != nil {
			return nil, err
		}
		d := make([]byte, (k.Curve.Params().N.BitLen()+7)/8)
		k.D.FillBytes(d)
		return NewStaticKey(id, d)
	case *ecdh.PrivateKey:
		var id int
		switch k.Curve() {
		case ecdh.P256():
			id = pace.ParamNISTP256
		case ecdh.P384():
			id = pace.ParamNISTP384
		case ecdh.P521():
			id = pace.ParamNISTP521
		default:
			return nil, fmt.Errorf("%w: X25519 key", ErrUnsupported)
		}
		return NewStaticKey(id, k.Bytes())
	}
	return nil, fmt.Errorf("%w: private key of type %T", ErrUnsupported, k)
}

package chipauth

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"fmt"

	"motcua/cardreader/lds"
	"motcua/cardreader/pace"
)

// FromSecurityInfos converts DG14 as lds parsed it: the CA-ECDH infos and
// the ECDH public keys (whose SubjectPublicKeyInfo is decoded here, in any
// of the forms ParseDG14 takes). DH keys and other protocols are skipped.
func FromSecurityInfos(si *lds.SecurityInfos) ([]Info, []PublicKey, error) {
	var infos []Info
	for _, c := range si.ChipAuthentication {
		if len(c.Protocol) != len(oidCAECDH)+1 || !c.Protocol[:len(oidCAECDH)].Equal(oidCAECDH) {
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
		pk, err := parseSPKI(k.PublicKey)
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
		id, err := paramIDOf(k.Curve)
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

// paramIDOf finds the standardized parameter ID of a curve from another
// implementation by comparing its prime, order and generator.
func paramIDOf(c elliptic.Curve) (int, error) {
	p := c.Params()
	for _, nc := range namedCurves {
		q, _ := pace.Curve(nc.id)
		qp := q.Params()
		if qp.P.Cmp(p.P) == 0 && qp.N.Cmp(p.N) == 0 && qp.Gx.Cmp(p.Gx) == 0 && qp.Gy.Cmp(p.Gy) == 0 {
			return nc.id, nil
		}
	}
	return 0, fmt.Errorf("%w: curve %s", ErrUnsupported, p.Name)
}

package vchip

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"errors"
	"io"
	"math/big"

	"motcua/cardreader/iso7816"
)

const insInternalAuthenticate = 0x88

// internalAuthenticate answers Active Authentication (ICAO 9303 Part 11
// §6.1): it signs the host's 8-byte challenge with the AA key.
func (c *Card) internalAuthenticate(cmd iso7816.Command) iso7816.Response {
	if !c.secure {
		return iso7816.Response{Status: iso7816.StatusSecurityNotSatisfied}
	}
	if c.cfg.AAKey == nil {
		return iso7816.Response{Status: iso7816.StatusINSNotSupported}
	}
	if len(cmd.Data) != 8 {
		return iso7816.Response{Status: iso7816.StatusWrongLength}
	}
	key := c.cfg.AAKey
	if c.cfg.Faults.ClonedChip {
		if c.clone == nil {
			k, err := cloneKey(key, c.cfg.Rand)
			if err != nil {
				return iso7816.Response{Status: iso7816.StatusNoPreciseDiagnosis}
			}
			c.clone = k
		}
		key = c.clone
	}
	sig, err := SignAA(key, c.cfg.AAHash, cmd.Data, c.cfg.Rand)
	if err != nil {
		return iso7816.Response{Status: iso7816.StatusNoPreciseDiagnosis}
	}
	if cmd.Ne > 0 && len(sig) > cmd.Ne {
		return iso7816.Response{Status: iso7816.Status(0x6C00 | len(sig)&0xFF)}
	}
	return iso7816.Response{Data: sig, Status: iso7816.StatusOK}
}

// cloneKey makes a key of the same kind and size as k: what a copied chip,
// which cannot extract the genuine key, would sign with.
func cloneKey(k crypto.Signer, r io.Reader) (crypto.Signer, error) {
	switch k := k.(type) {
	case *rsa.PrivateKey:
		return rsa.GenerateKey(r, k.N.BitLen())
	case *ecdsa.PrivateKey:
		return ecdsa.GenerateKey(k.Curve, r)
	}
	return nil, errUnsupportedKey
}

var errUnsupportedKey = errors.New("vchip: AA key must be RSA or ECDSA")

// SignAA makes an Active Authentication signature over challenge.
//
// RSA: ISO/IEC 9796-2 digital signature scheme 1 with partial message
// recovery, as ICAO 9303 Part 11 §6.1 uses it: the message representative
// is 6A || M1 || H(M1 || challenge) || trailer, where M1 is chip randomness
// filling the modulus, the trailer is BC for SHA-1 (implicit) or 34CC for
// SHA-256, and the signature is the raw RSA private operation on it.
//
// ECDSA: the plain r || s signature (BSI TR-03111) over H(challenge).
func SignAA(key crypto.Signer, h crypto.Hash, challenge []byte, r io.Reader) ([]byte, error) {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if h == 0 {
			h = crypto.SHA1
		}
		var trailer []byte
		switch h {
		case crypto.SHA1:
			trailer = []byte{0xBC}
		case crypto.SHA256:
			trailer = []byte{0x34, 0xCC}
		default:
			return nil, errors.New("vchip: RSA AA hash must be SHA-1 or SHA-256")
		}
		kLen := (k.N.BitLen() + 7) / 8
		m1Len := kLen - 1 - h.Size() - len(trailer)
		if k.N.BitLen()%8 != 0 || m1Len < 1 {
			return nil, errors.New("vchip: RSA AA modulus must be a whole number of bytes")
		}
		m := make([]byte, kLen)
		m[0] = 0x6A
		m1 := m[1 : 1+m1Len]
		if _, err := io.ReadFull(r, m1); err != nil {
			return nil, err
		}
		d := h.New()
		d.Write(m1)
		d.Write(challenge)
		copy(m[1+m1Len:], d.Sum(nil))
		copy(m[kLen-len(trailer):], trailer)
		s := rsaPrivate(k, new(big.Int).SetBytes(m))
		return s.FillBytes(make([]byte, kLen)), nil
	case *ecdsa.PrivateKey:
		if h == 0 {
			h = crypto.SHA256
		}
		d := h.New()
		d.Write(challenge)
		rr, ss, err := ecdsa.Sign(r, k, d.Sum(nil))
		if err != nil {
			return nil, err
		}
		n := (k.Curve.Params().BitSize + 7) / 8
		out := make([]byte, 2*n)
		rr.FillBytes(out[:n])
		ss.FillBytes(out[n:])
		return out, nil
	}
	return nil, errUnsupportedKey
}

// rsaPrivate is the raw RSA private operation m^d mod n, with the Chinese
// remainder theorem when the key has its precomputed values.
func rsaPrivate(k *rsa.PrivateKey, m *big.Int) *big.Int {
	if len(k.Primes) != 2 || k.Precomputed.Dp == nil {
		return new(big.Int).Exp(m, k.D, k.N)
	}
	p, q := k.Primes[0], k.Primes[1]
	m1 := new(big.Int).Exp(m, k.Precomputed.Dp, p)
	m2 := new(big.Int).Exp(m, k.Precomputed.Dq, q)
	h := m1.Sub(m1, m2)
	h.Mul(h, k.Precomputed.Qinv)
	h.Mod(h, p)
	h.Mul(h, q)
	return h.Add(h, m2)
}

package pace

import (
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"io"

	"motcua/cardreader/cmac"
)

// Config is what the terminal needs to run PACE with one chip.
type Config struct {
	// Info is the PACEInfo chosen from EF.CardAccess (see Choose).
	Info Info
	// Password is the CAN or MRZ password.
	Password Password
	// Rand is the source of the terminal's ephemeral keys; nil means
	// crypto/rand. Tests pass fixed keys to replay worked examples.
	Rand io.Reader
	// SendParameterID adds the domain parameter ID (84) to MSE:SET AT. A
	// chip offering one parameter set needs none; one with several does.
	SendParameterID bool
}

// Terminal is the host side of PACE. Next is called with each chip
// response in turn; a Terminal is good for one run.
type Terminal struct {
	alg   Algorithm
	curve elliptic.Curve
	cfg   Config
	step  int

	kpi     []byte
	nonce   []byte
	mapKey  keyPair
	eph     keyPair
	pending *Keys // keys agreed, waiting for the chip's token
	keys    *Keys // set once the chip's token verified
}

// NewTerminal checks the configuration and prepares a run.
func NewTerminal(cfg Config) (*Terminal, error) {
	alg, err := AlgorithmByOID(cfg.Info.Protocol)
	if err != nil {
		return nil, err
	}
	curve, err := Curve(cfg.Info.ParameterID)
	if err != nil {
		return nil, err
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.Password.Type == 0 || len(cfg.Password.secret) == 0 {
		return nil, fmt.Errorf("%w: the terminal was given none", ErrNoPassword)
	}
	return &Terminal{alg: alg, curve: curve, cfg: cfg}, nil
}

// SetAT is the data field of the MSE:SET AT command that starts the run.
func (t *Terminal) SetAT() []byte {
	s := SetAT{Protocol: t.alg.OID, Password: t.cfg.Password.Type, ParameterID: -1}
	if t.cfg.SendParameterID {
		s.ParameterID = t.cfg.Info.ParameterID
	}
	return s.Marshal()
}

// Done reports whether the run finished and both tokens verified.
func (t *Terminal) Done() bool { return t.keys != nil }

// Keys returns the session keys after a successful run, or nil.
func (t *Terminal) Keys() *Keys { return t.keys }

// Next consumes the data field of the chip's last GENERAL AUTHENTICATE
// response (nil before the first) and returns the data field of the next
// command. It returns nil data once the chip's token has verified.
func (t *Terminal) Next(fromChip []byte) ([]byte, error) {
	out, err := t.next(fromChip)
	if err != nil {
		t.step = -1 // a failed run cannot continue
		t.mapKey.wipe()
		t.eph.wipe()
		return nil, err
	}
	t.step++
	return out, nil
}

func (t *Terminal) next(in []byte) ([]byte, error) {
	c := t.curve
	switch t.step {
	case 0: // ask for the encrypted nonce
		return dynamicAuth(0, nil), nil

	case 1: // decrypt the nonce, send the mapping key
		z, err := parseDynamicAuth(in, tagEncryptedNonce)
		if err != nil {
			return nil, err
		}
		t.kpi = t.cfg.Password.key(t.alg)
		t.nonce, err = cryptNonce(t.alg, t.kpi, z, false)
		clear(t.kpi)
		if err != nil {
			return nil, err
		}
		if t.mapKey, err = newKeyPair(c, generator(c), t.cfg.Rand); err != nil {
			return nil, err
		}
		return dynamicAuth(tagMapIFD, encodePoint(c, t.mapKey.pub)), nil

	case 2: // map the generator, send the ephemeral key
		b, err := parseDynamicAuth(in, tagMapIC)
		if err != nil {
			return nil, err
		}
		pk, err := decodePoint(c, b)
		if err != nil {
			return nil, err
		}
		g, err := mapGenerator(c, t.nonce, t.mapKey.priv, pk)
		if err != nil {
			return nil, err
		}
		t.mapKey.wipe()
		clear(t.nonce)
		if t.eph, err = newKeyPair(c, g, t.cfg.Rand); err != nil {
			return nil, err
		}
		return dynamicAuth(tagEphIFD, encodePoint(c, t.eph.pub)), nil

	case 3: // agree on the session keys, send our token
		b, err := parseDynamicAuth(in, tagEphIC)
		if err != nil {
			return nil, err
		}
		kenc, kmac, err := agree(c, t.alg, t.eph, b)
		if err != nil {
			return nil, err
		}
		t.eph.wipe()
		chip := append([]byte(nil), b...)
		t.pending = &Keys{Algorithm: t.alg, ParameterID: t.cfg.Info.ParameterID, KSenc: kenc, KSmac: kmac, ChipPublic: chip}
		tok, err := token(t.alg, kmac, chip)
		if err != nil {
			return nil, err
		}
		return dynamicAuth(tagTokenIFD, tok), nil

	case 4: // check the chip's token
		got, err := parseDynamicAuth(in, tagTokenIC)
		if err != nil {
			return nil, err
		}
		k := t.pending
		want, err := token(t.alg, k.KSmac, encodePoint(c, t.eph.pub))
		if err != nil {
			return nil, err
		}
		if !cmac.Equal(got, want) {
			k.Wipe()
			return nil, fmt.Errorf("%w: chip token", ErrAuthentication)
		}
		t.keys = k
		return nil, nil
	}
	return nil, ErrState
}

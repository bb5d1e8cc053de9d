package pace

import (
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"fmt"
	"io"

	"motcua/cardreader/cmac"
	"motcua/cardreader/iso7816"
)

// ChipConfig is the card side's setup: what it offers and which passwords
// it knows.
type ChipConfig struct {
	// Infos are the PACEInfos of the chip's EF.CardAccess.
	Infos []Info
	// Passwords the chip accepts, by type (a CCCD knows its CAN and MRZ).
	Passwords []Password
	// Rand is the source of nonces and ephemeral keys; nil means crypto/rand.
	Rand io.Reader
	// CorruptToken makes the chip send a wrong authentication token, as a
	// chip that does not know the password would: fault injection.
	CorruptToken bool
}

// Chip is the card side of PACE, driven by the virtual chip's MSE:SET AT
// and GENERAL AUTHENTICATE handlers. A Chip is reused across runs: SetAT
// starts a new one.
type Chip struct {
	cfg ChipConfig

	alg      Algorithm
	curve    elliptic.Curve
	paramID  int
	password Password
	step     int // -1: no run selected

	nonce  []byte
	mapKey keyPair
	eph    keyPair
	other  []byte // PK_DH,IFD
	kenc   []byte
	kmac   []byte
	keys   *Keys
}

// NewChip returns the card side, waiting for MSE:SET AT.
func NewChip(cfg ChipConfig) *Chip {
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	return &Chip{cfg: cfg, step: -1}
}

// Reset abandons any run, as a card reset or a new SELECT does.
func (c *Chip) Reset() {
	c.mapKey.wipe()
	c.eph.wipe()
	clear(c.nonce)
	clear(c.kenc)
	clear(c.kmac)
	*c = Chip{cfg: c.cfg, step: -1}
}

// SetAT handles the data field of MSE:SET AT: it selects the protocol,
// domain parameters and password for the next run.
func (c *Chip) SetAT(data []byte) error {
	c.Reset()
	s, err := ParseSetAT(data)
	if err != nil {
		return err
	}
	var info *Info
	for i := range c.cfg.Infos {
		in := &c.cfg.Infos[i]
		if in.Protocol.Equal(s.Protocol) && (s.ParameterID < 0 || s.ParameterID == in.ParameterID) {
			info = in
			break
		}
	}
	if info == nil {
		return fmt.Errorf("%w: protocol %v not offered", ErrUnsupported, s.Protocol)
	}
	alg, err := AlgorithmByOID(info.Protocol)
	if err != nil {
		return err
	}
	curve, err := Curve(info.ParameterID)
	if err != nil {
		return err
	}
	var pw *Password
	for i := range c.cfg.Passwords {
		if c.cfg.Passwords[i].Type == s.Password {
			pw = &c.cfg.Passwords[i]
		}
	}
	if pw == nil {
		return fmt.Errorf("%w: password %v", ErrNoPassword, s.Password)
	}
	c.alg, c.curve, c.paramID, c.password, c.step = alg, curve, info.ParameterID, *pw, 0
	return nil
}

// ErrNoPassword reports a missing password: on the card, an MSE:SET AT
// for a password the chip does not have (answered 6A88, referenced data
// not found); on the terminal, an empty Config.Password.
var ErrNoPassword = errors.New("pace: password not available")

// Keys returns the session keys once the run succeeded, or nil.
func (c *Chip) Keys() *Keys { return c.keys }

// Authenticate handles the data field of one GENERAL AUTHENTICATE command;
// last is false while the terminal chains (CLA 10). It returns the
// response data field.
func (c *Chip) Authenticate(data []byte, last bool) ([]byte, error) {
	if c.step < 0 {
		return nil, fmt.Errorf("%w: GENERAL AUTHENTICATE without MSE:SET AT", ErrState)
	}
	if last != (c.step == 3) {
		c.Reset()
		return nil, fmt.Errorf("%w: command chaining does not match step %d", ErrState, c.step)
	}
	out, err := c.authenticate(data)
	if err != nil {
		c.Reset()
		return nil, err
	}
	c.step++
	if c.step == 4 {
		c.step = -1
	}
	return out, nil
}

func (c *Chip) authenticate(in []byte) ([]byte, error) {
	cv := c.curve
	switch c.step {
	case 0: // send the encrypted nonce
		if _, err := parseDynamicAuth(in, 0); err != nil {
			return nil, err
		}
		c.nonce = make([]byte, 16)
		if _, err := io.ReadFull(c.cfg.Rand, c.nonce); err != nil {
			return nil, err
		}
		kpi := c.password.key(c.alg)
		z, err := cryptNonce(c.alg, kpi, c.nonce, true)
		clear(kpi)
		if err != nil {
			return nil, err
		}
		return dynamicAuth(tagEncryptedNonce, z), nil

	case 1: // mapping
		b, err := parseDynamicAuth(in, tagMapIFD)
		if err != nil {
			return nil, err
		}
		pk, err := decodePoint(cv, b)
		if err != nil {
			return nil, err
		}
		if c.mapKey, err = newKeyPair(cv, generator(cv), c.cfg.Rand); err != nil {
			return nil, err
		}
		g, err := mapGenerator(cv, c.nonce, c.mapKey.priv, pk)
		if err != nil {
			return nil, err
		}
		if c.eph, err = newKeyPair(cv, g, c.cfg.Rand); err != nil {
			return nil, err
		}
		return dynamicAuth(tagMapIC, encodePoint(cv, c.mapKey.pub)), nil

	case 2: // key agreement
		b, err := parseDynamicAuth(in, tagEphIFD)
		if err != nil {
			return nil, err
		}
		if c.kenc, c.kmac, err = agree(cv, c.alg, c.eph, b); err != nil {
			return nil, err
		}
		c.other = append([]byte(nil), b...)
		return dynamicAuth(tagEphIC, encodePoint(cv, c.eph.pub)), nil

	case 3: // tokens
		got, err := parseDynamicAuth(in, tagTokenIFD)
		if err != nil {
			return nil, err
		}
		own := encodePoint(cv, c.eph.pub)
		want, err := token(c.alg, c.kmac, own)
		if err != nil {
			return nil, err
		}
		if !cmac.Equal(got, want) {
			return nil, fmt.Errorf("%w: terminal token", ErrAuthentication)
		}
		tok, err := token(c.alg, c.kmac, c.other)
		if err != nil {
			return nil, err
		}
		if c.cfg.CorruptToken {
			tok[0] ^= 0xFF
		}
		c.keys = &Keys{Algorithm: c.alg, ParameterID: c.paramID, ChipPublic: own,
			KSenc: append([]byte(nil), c.kenc...), KSmac: append([]byte(nil), c.kmac...)}
		c.eph.wipe()
		c.mapKey.wipe()
		return dynamicAuth(tagTokenIC, tok), nil
	}
	return nil, ErrState
}

// ChipStatus is the status word a card answers for an error from SetAT or
// Authenticate.
func ChipStatus(err error) iso7816.Status {
	switch {
	case err == nil:
		return iso7816.StatusOK
	case errors.Is(err, ErrAuthentication):
		return 0x6300 // authentication failed
	case errors.Is(err, ErrNoPassword):
		return 0x6A88 // referenced data not found
	case errors.Is(err, ErrState):
		return iso7816.StatusConditionsNotSatisfied
	case errors.Is(err, ErrMalformed), errors.Is(err, ErrInvalidPoint), errors.Is(err, ErrUnsupported):
		return iso7816.StatusIncorrectData
	}
	return iso7816.StatusNoPreciseDiagnosis
}

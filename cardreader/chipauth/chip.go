package chipauth

import (
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"

	"motcua/cardreader/internal/ecutil"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/pace"
	"motcua/cardreader/sm"
	"motcua/cardreader/tlv"
)

// ErrState reports a GENERAL AUTHENTICATE without a prior MSE:SET AT.
var ErrState = errors.New("chipauth: step out of order")

// StaticKey is the chip's Chip Authentication key pair. The private half
// never leaves the (virtual) chip; the public half goes into DG14.
type StaticKey struct {
	Public PublicKey
	d      []byte
}

// GenerateKey makes a key pair on a standardized curve.
func GenerateKey(parameterID int, r io.Reader) (*StaticKey, error) {
	c, err := pace.Curve(parameterID)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	d, err := ecutil.RandomScalar(c, r)
	if err != nil {
		return nil, fmt.Errorf("chipauth: %w", err)
	}
	return NewStaticKey(parameterID, d)
}

// NewStaticKey rebuilds a key pair from its private scalar, as a fixture
// stores it.
func NewStaticKey(parameterID int, d []byte) (*StaticKey, error) {
	c, err := pace.Curve(parameterID)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	k := new(big.Int).SetBytes(d)
	if k.Sign() <= 0 || k.Cmp(c.Params().N) >= 0 {
		return nil, fmt.Errorf("%w: private key out of range", ErrMalformed)
	}
	x, y := c.ScalarBaseMult(d)
	return &StaticKey{
		Public: PublicKey{ParameterID: parameterID, Point: ecutil.EncodePoint(c, x, y), KeyID: -1},
		d:      append([]byte(nil), d...),
	}, nil
}

// Private returns a copy of the private scalar, for storing a fixture.
func (k *StaticKey) Private() []byte { return append([]byte(nil), k.d...) }

// Chip is the card side of Chip Authentication.
type Chip struct {
	key   *StaticKey
	info  Info
	ready bool // MSE:SET AT selected the protocol
}

// NewChip serves Chip Authentication with key under the protocol in info.
func NewChip(key *StaticKey, info Info) (*Chip, error) {
	if _, err := cipherOf(info.Protocol); err != nil {
		return nil, err
	}
	return &Chip{key: key, info: info}, nil
}

// Reset forgets a selected protocol.
func (c *Chip) Reset() { c.ready = false }

// SetAT handles MSE:SET AT (41 A4): it names the protocol and, optionally,
// the key.
func (c *Chip) SetAT(data []byte) error {
	c.ready = false
	oid, err := tlv.Find(data, tagOID)
	if err != nil {
		return fmt.Errorf("%w: MSE:SET AT without protocol", ErrMalformed)
	}
	want, _ := asn1MarshalOID(c.info.Protocol)
	if string(oid) != string(want) {
		return fmt.Errorf("%w: protocol not offered", ErrUnsupported)
	}
	if err := c.checkKeyID(data); err != nil {
		return err
	}
	c.ready = true
	return nil
}

func (c *Chip) checkKeyID(data []byte) error {
	id, err := tlv.Find(data, tagKeyID)
	if errors.Is(err, tlv.ErrNotFound) {
		return nil
	}
	if err != nil || len(id) == 0 || len(id) > 4 {
		return fmt.Errorf("%w: key reference", ErrMalformed)
	}
	if c.info.KeyID >= 0 && new(big.Int).SetBytes(id).Int64() != int64(c.info.KeyID) {
		return fmt.Errorf("%w: key %X", ErrNoKey, id)
	}
	return nil
}

// ErrNoKey reports a key reference the chip does not have (6A88).
var ErrNoKey = errors.New("chipauth: referenced key not found")

// Authenticate handles GENERAL AUTHENTICATE (AES): 7C {80 ephemeral public
// key}. It returns the response data (an empty 7C) and the new keys, which
// take over after this response has been sent under the old ones.
func (c *Chip) Authenticate(data []byte) ([]byte, *Keys, error) {
	if !c.ready {
		return nil, nil, ErrState
	}
	c.ready = false
	inner, rest, err := tlv.Expect(data, tagDyn)
	if err != nil || len(rest) != 0 {
		return nil, nil, fmt.Errorf("%w: dynamic authentication data", ErrMalformed)
	}
	pk, err := tlv.Find(inner, tagGAPK)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: no ephemeral public key", ErrMalformed)
	}
	keys, err := c.agree(pk)
	if err != nil {
		return nil, nil, err
	}
	return []byte{tagDyn, 0}, keys, nil
}

// SetKAT handles MSE:SET KAT (41 A6, 3DES): 91 ephemeral public key,
// optionally 84 key reference. It returns the new keys.
func (c *Chip) SetKAT(data []byte) (*Keys, error) {
	c.ready = false
	alg, _ := cipherOf(c.info.Protocol)
	if alg != sm.TDES {
		return nil, fmt.Errorf("%w: MSE:SET KAT for an AES protocol", ErrUnsupported)
	}
	pk, err := tlv.Find(data, tagKATPK)
	if err != nil {
		return nil, fmt.Errorf("%w: no ephemeral public key", ErrMalformed)
	}
	if err := c.checkKeyID(data); err != nil {
		return nil, err
	}
	return c.agree(pk)
}

func (c *Chip) agree(pk []byte) (*Keys, error) {
	curve := c.key.Public.Curve()
	x, y, err := decodePoint(curve, pk)
	if err != nil {
		return nil, err
	}
	sx, _ := curve.ScalarMult(x, y, c.key.d)
	alg, _ := cipherOf(c.info.Protocol)
	return deriveKeys(alg, curve, sx), nil
}

// ChipStatus is the status word a card answers for an error of SetAT,
// Authenticate or SetKAT.
func ChipStatus(err error) iso7816.Status {
	switch {
	case err == nil:
		return iso7816.StatusOK
	case errors.Is(err, ErrNoKey):
		return 0x6A88
	case errors.Is(err, ErrState):
		return iso7816.StatusConditionsNotSatisfied
	case errors.Is(err, ErrMalformed), errors.Is(err, ErrUnsupported):
		return iso7816.StatusIncorrectData
	}
	return iso7816.StatusNoPreciseDiagnosis
}

// asn1MarshalOID returns the content octets of an OID.
func asn1MarshalOID(oid asn1.ObjectIdentifier) ([]byte, error) {
	der, err := asn1.Marshal(oid)
	if err != nil {
		return nil, err
	}
	return der[2:], nil
}

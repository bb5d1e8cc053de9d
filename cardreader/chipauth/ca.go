package chipauth

import (
	"context"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math/big"

	"motcua/cardreader/internal/ecutil"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/sm"
	"motcua/cardreader/tlv"
)

// Command bytes (ICAO 9303 Part 11 §6.2.4).
const (
	InsMSE   = 0x22
	InsGA    = 0x86
	P1CA     = 0x41 // set for internal authentication / computation
	P2AT     = 0xA4 // authentication template (AES: MSE:SET AT + GENERAL AUTHENTICATE)
	P2KAT    = 0xA6 // key agreement template (3DES: MSE:SET KAT)
	tagOID   = 0x80
	tagKeyID = 0x84
	tagKATPK = 0x91 // ephemeral public key in MSE:SET KAT
	tagGAPK  = 0x80 // ephemeral public key in GENERAL AUTHENTICATE
	tagDyn   = 0x7C
)

// ErrKeyMismatch reports a chip that could not continue secure messaging
// under the keys derived from its DG14 public key: it does not hold the
// matching private key, as a clone with copied files would not.
var ErrKeyMismatch = errors.New("chipauth: chip does not hold the DG14 key")

// Keys are the session keys that replace the running ones after Chip
// Authentication; secure messaging restarts with SSC 0.
type Keys struct {
	Algorithm    sm.Algorithm
	KSenc, KSmac []byte
}

// Session starts secure messaging with the new keys and SSC 0.
func (k *Keys) Session() (*sm.Session, error) {
	return sm.New(k.Algorithm, k.KSenc, k.KSmac, make([]byte, k.Algorithm.BlockSize()))
}

// Wipe overwrites the keys.
func (k *Keys) Wipe() {
	clear(k.KSenc)
	clear(k.KSmac)
}

func deriveKeys(alg sm.Algorithm, c elliptic.Curve, x *big.Int) *Keys {
	k := make([]byte, (c.Params().BitSize+7)/8)
	x.FillBytes(k)
	defer clear(k)
	return &Keys{Algorithm: alg, KSenc: sm.DeriveKey(k, sm.CounterEnc, alg), KSmac: sm.DeriveKey(k, sm.CounterMAC, alg)}
}

func keyIDBytes(id int) []byte {
	b := big.NewInt(int64(id)).Bytes()
	if len(b) == 0 {
		b = []byte{0}
	}
	return b
}

// Terminal is the host side of one Chip Authentication.
type Terminal struct {
	info   Info
	key    PublicKey
	alg    sm.Algorithm
	curve  elliptic.Curve
	priv   []byte
	public []byte
}

// NewTerminal makes the host's ephemeral key pair on the chip key's curve.
// rand nil means crypto/rand.
func NewTerminal(info Info, key PublicKey, r io.Reader) (*Terminal, error) {
	alg, err := cipherOf(info.Protocol)
	if err != nil {
		return nil, err
	}
	c := key.Curve()
	if c == nil {
		return nil, fmt.Errorf("%w: parameter ID %d", ErrUnsupported, key.ParameterID)
	}
	if err := checkPoint(c, key.Point); err != nil {
		return nil, err
	}
	if r == nil {
		r = rand.Reader
	}
	priv, err := ecutil.RandomScalar(c, r)
	if err != nil {
		return nil, fmt.Errorf("chipauth: %w", err)
	}
	x, y := c.ScalarBaseMult(priv)
	return &Terminal{info: info, key: key, alg: alg, curve: c, priv: priv, public: ecutil.EncodePoint(c, x, y)}, nil
}

// Commands are the commands to send, under the running secure messaging,
// in order: MSE:SET KAT for 3DES; MSE:SET AT then GENERAL AUTHENTICATE for
// AES.
func (t *Terminal) Commands() []iso7816.Command {
	keyID := func(b []byte) []byte {
		if t.info.KeyID >= 0 {
			b = tlv.Append(b, tagKeyID, keyIDBytes(t.info.KeyID))
		}
		return b
	}
	if t.alg == sm.TDES {
		return []iso7816.Command{{INS: InsMSE, P1: P1CA, P2: P2KAT, Data: keyID(tlv.Encode(tagKATPK, t.public))}}
	}
	oid, _ := asn1MarshalOID(t.info.Protocol)
	return []iso7816.Command{
		{INS: InsMSE, P1: P1CA, P2: P2AT, Data: keyID(tlv.Encode(tagOID, oid))},
		{INS: InsGA, Data: tlv.Encode(tagDyn, tlv.Encode(tagGAPK, t.public)), Ne: 256},
	}
}

// Keys derives the new session keys from the chip's static key and the
// terminal's ephemeral key, and wipes the ephemeral private key.
func (t *Terminal) Keys() *Keys {
	x, y, _ := decodePoint(t.curve, t.key.Point) // checked in NewTerminal
	sx, _ := t.curve.ScalarMult(x, y, t.priv)
	clear(t.priv)
	return deriveKeys(t.alg, t.curve, sx)
}

// Authenticate runs Chip Authentication over tr, which must carry the
// running secure messaging (the chip answers these commands under the old
// keys). It returns the new keys; the caller switches its channel to
// Keys.Session and sends the next command under them, and only when that
// answer verifies is the chip authenticated (report ErrKeyMismatch
// otherwise).
func Authenticate(ctx context.Context, tr iso7816.Transport, info Info, key PublicKey, r io.Reader) (*Keys, error) {
	t, err := NewTerminal(info, key, r)
	if err != nil {
		return nil, err
	}
	for _, cmd := range t.Commands() {
		if _, err := iso7816.Exchange(ctx, tr, cmd, "chip authentication"); err != nil {
			return nil, err
		}
	}
	return t.Keys(), nil
}

package bac

import (
	"bytes"
	"context"
	"crypto/cipher"
	"crypto/des"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"

	"motcua/cardreader/iso7816"
	"motcua/cardreader/sm"
)

// ErrAuthentication reports that mutual authentication failed: the chip
// refused the host's cryptogram (wrong MRZ information) or its answer did
// not check out.
var ErrAuthentication = errors.New("bac: mutual authentication failed")

// INS codes BAC uses.
const (
	InsGetChallenge         = 0x84
	InsExternalAuthenticate = 0x82
)

// authenticator holds the static BAC keys of one side.
type authenticator struct {
	enc    cipher.Block // 3DES under KEnc
	k1, k2 cipher.Block // DES halves of KMac for the retail MAC
}

func newAuthenticator(info MRZInfo) *authenticator {
	kenc, kmac := Keys(KeySeed(info.String()))
	enc, _ := des.NewTripleDESCipher(sm.TripleDES(kenc)) // lengths are fixed: cannot fail
	k1, _ := des.NewCipher(kmac[:8])
	k2, _ := des.NewCipher(kmac[8:])
	return &authenticator{enc: enc, k1: k1, k2: k2}
}

// seal returns E(KEnc, s) || MAC(KMac, E(KEnc, s)).
func (a *authenticator) seal(s []byte) []byte {
	e := make([]byte, len(s), len(s)+8)
	cipher.NewCBCEncrypter(a.enc, make([]byte, 8)).CryptBlocks(e, s)
	return append(e, sm.RetailMAC(a.k1, a.k2, sm.Pad(append([]byte(nil), e...), 8))...)
}

// open checks and decrypts a 40-byte cryptogram made by seal.
func (a *authenticator) open(c []byte) ([]byte, bool) {
	if len(c) != 40 {
		return nil, false
	}
	e, mac := c[:32], c[32:]
	want := sm.RetailMAC(a.k1, a.k2, sm.Pad(append([]byte(nil), e...), 8))
	if subtle.ConstantTimeCompare(want, mac) != 1 {
		return nil, false
	}
	s := make([]byte, 32)
	cipher.NewCBCDecrypter(a.enc, make([]byte, 8)).CryptBlocks(s, e)
	return s, true
}

// sessionFrom derives the session: Kseed = K.IFD xor K.IC, SSC = the low 4
// bytes of RND.IC then of RND.IFD.
func sessionFrom(kifd, kic, rndIC, rndIFD []byte) (*sm.Session, error) {
	seed := make([]byte, 16)
	subtle.XORBytes(seed, kifd, kic)
	ssc := append(append(make([]byte, 0, 8), rndIC[4:8]...), rndIFD[4:8]...)
	return sm.New(sm.TDES, sm.DeriveKey(seed, sm.CounterEnc, sm.TDES), sm.DeriveKey(seed, sm.CounterMAC, sm.TDES), ssc)
}

// Authenticate runs BAC as the host over t (the applet already selected):
// GET CHALLENGE, then EXTERNAL AUTHENTICATE with E_IFD||M_IFD, and returns
// the secure messaging session both sides now share. rand supplies RND.IFD
// and K.IFD. A refusal or a bad answer from the chip is ErrAuthentication;
// transport errors pass through.
func Authenticate(ctx context.Context, t iso7816.Transport, info MRZInfo, rand io.Reader) (*sm.Session, error) {
	a := newAuthenticator(info)
	rndIC, err := iso7816.Exchange(ctx, t, iso7816.Command{INS: InsGetChallenge, Ne: 8}, "GET CHALLENGE")
	if err != nil {
		return nil, err
	}
	if len(rndIC) != 8 {
		return nil, fmt.Errorf("%w: challenge of %d bytes", ErrAuthentication, len(rndIC))
	}
	buf := make([]byte, 24)
	if _, err := io.ReadFull(rand, buf); err != nil {
		return nil, err
	}
	rndIFD, kifd := buf[:8], buf[8:]
	s := make([]byte, 0, 32)
	s = append(append(append(s, rndIFD...), rndIC...), kifd...)
	cmd := iso7816.Command{INS: InsExternalAuthenticate, Data: a.seal(s), Ne: 40}
	answer, err := iso7816.Exchange(ctx, t, cmd, "EXTERNAL AUTHENTICATE")
	if se := (*iso7816.StatusError)(nil); errors.As(err, &se) {
		return nil, fmt.Errorf("%w: %w", ErrAuthentication, err) // the chip refused our key
	}
	if err != nil {
		return nil, err
	}
	plain, ok := a.open(answer)
	if !ok {
		return nil, fmt.Errorf("%w: chip cryptogram does not verify", ErrAuthentication)
	}
	if !bytes.Equal(plain[:8], rndIC) || !bytes.Equal(plain[8:16], rndIFD) {
		return nil, fmt.Errorf("%w: chip echoed the wrong nonces", ErrAuthentication)
	}
	return sessionFrom(kifd, plain[16:32], rndIC, rndIFD)
}

// Card is the chip's side of BAC for one document.
type Card struct {
	a     *authenticator
	rndIC []byte // the last challenge; nil when none is outstanding
}

// NewCard prepares the chip side for the document's MRZ information.
func NewCard(info MRZInfo) *Card { return &Card{a: newAuthenticator(info)} }

// Challenge answers GET CHALLENGE: 8 random bytes, remembered for the next
// EXTERNAL AUTHENTICATE.
func (c *Card) Challenge(rand io.Reader) ([]byte, error) {
	c.rndIC = make([]byte, 8)
	if _, err := io.ReadFull(rand, c.rndIC); err != nil {
		c.rndIC = nil
		return nil, err
	}
	return append([]byte(nil), c.rndIC...), nil
}

// Authenticate answers EXTERNAL AUTHENTICATE: it checks the host's
// cryptogram against the outstanding challenge and returns the chip's
// cryptogram and the new session. Any mismatch is ErrAuthentication (a
// chip answers 6982 then). The challenge is used up either way.
func (c *Card) Authenticate(data []byte, rand io.Reader) ([]byte, *sm.Session, error) {
	rndIC := c.rndIC
	c.rndIC = nil
	if rndIC == nil {
		return nil, nil, fmt.Errorf("%w: no challenge outstanding", ErrAuthentication)
	}
	s, ok := c.a.open(data)
	if !ok {
		return nil, nil, fmt.Errorf("%w: host cryptogram does not verify", ErrAuthentication)
	}
	rndIFD, gotIC, kifd := s[:8], s[8:16], s[16:32]
	if !bytes.Equal(gotIC, rndIC) {
		return nil, nil, fmt.Errorf("%w: host answered another challenge", ErrAuthentication)
	}
	kic := make([]byte, 16)
	if _, err := io.ReadFull(rand, kic); err != nil {
		return nil, nil, err
	}
	r := make([]byte, 0, 32)
	r = append(append(append(r, rndIC...), rndIFD...), kic...)
	sess, err := sessionFrom(kifd, kic, rndIC, rndIFD)
	if err != nil {
		return nil, nil, err
	}
	return c.a.seal(r), sess, nil
}

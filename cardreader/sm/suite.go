package sm

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"

	"motcua/cardreader/cmac"
)

// Algorithm names a secure messaging cipher suite.
type Algorithm int

const (
	// TDES is two-key 3DES-CBC with a zero IV and the ISO/IEC 9797-1 MAC
	// algorithm 3 ("retail MAC") with DES: BAC, and PACE/CA with 3DES.
	TDES Algorithm = iota + 1
	// AES128, AES192 and AES256 are AES-CBC with IV = E(KSenc, SSC) and
	// AES-CMAC truncated to 8 bytes: PACE and Chip Authentication.
	AES128
	AES192
	AES256
)

func (a Algorithm) String() string {
	switch a {
	case TDES:
		return "3DES"
	case AES128:
		return "AES-128"
	case AES192:
		return "AES-192"
	case AES256:
		return "AES-256"
	}
	return fmt.Sprintf("Algorithm(%d)", int(a))
}

// KeySize is the length in bytes of a key DeriveKey returns for a.
func (a Algorithm) KeySize() int {
	switch a {
	case TDES, AES128:
		return 16
	case AES192:
		return 24
	case AES256:
		return 32
	}
	return 0
}

// BlockSize is the cipher block size, which is also the length of the send
// sequence counter: 8 for 3DES, 16 for AES.
func (a Algorithm) BlockSize() int {
	if a == TDES {
		return 8
	}
	return 16
}

// Key derivation counters of ICAO 9303 Part 11 §9.7.1.
const (
	CounterEnc  uint32 = 1 // KSenc, the encryption key
	CounterMAC  uint32 = 2 // KSmac, the MAC key
	CounterPACE uint32 = 3 // Kπ, PACE's password key
)

// DeriveKey is the key derivation function of ICAO 9303 Part 11 §9.7.1:
// H(seed || counter) cut to the key size, SHA-1 for 3DES and AES-128,
// SHA-256 for AES-192 and AES-256. 3DES keys get their DES parity bits set
// (as the worked examples of Appendix D show them).
func DeriveKey(seed []byte, counter uint32, alg Algorithm) []byte {
	var c [4]byte
	binary.BigEndian.PutUint32(c[:], counter)
	var d []byte
	switch alg {
	case TDES, AES128:
		h := sha1.New()
		h.Write(seed)
		h.Write(c[:])
		d = h.Sum(nil)
	case AES192, AES256:
		h := sha256.New()
		h.Write(seed)
		h.Write(c[:])
		d = h.Sum(nil)
	default:
		panic("sm: DeriveKey with unknown algorithm")
	}
	k := d[:alg.KeySize()]
	if alg == TDES {
		SetParity(k)
	}
	return k
}

// SetParity sets the low bit of each byte of a DES key so that every byte
// has odd parity.
func SetParity(k []byte) {
	for i, b := range k {
		b &^= 1
		p := b ^ b>>4
		p ^= p >> 2
		p ^= p >> 1
		k[i] = b | (^p & 1)
	}
}

// ErrKey reports a key of the wrong length for its algorithm.
var ErrKey = errors.New("sm: bad key")

// Cipher is a keyed secure messaging suite: it encrypts and MACs whole
// padded blocks. The SSC is an input because AES derives its IV from it.
type Cipher interface {
	Algorithm() Algorithm
	// Encrypt and Decrypt work in place on whole blocks.
	Encrypt(ssc, buf []byte)
	Decrypt(ssc, buf []byte)
	// MAC returns the 8-byte MAC of msg, which is already padded to the block size.
	MAC(msg []byte) []byte
}

// NewCipher keys a suite with the encryption and MAC keys. 3DES keys are 16
// bytes (K1||K2, used as K1||K2||K1).
func NewCipher(alg Algorithm, kenc, kmac []byte) (Cipher, error) {
	switch alg {
	case TDES:
		if len(kenc) != 16 || len(kmac) != 16 {
			return nil, fmt.Errorf("%w: 3DES keys must be 16 bytes", ErrKey)
		}
		return newTDES(kenc, kmac)
	case AES128, AES192, AES256:
		if len(kenc) != alg.KeySize() || len(kmac) != alg.KeySize() {
			return nil, fmt.Errorf("%w: %v keys must be %d bytes", ErrKey, alg, alg.KeySize())
		}
		enc, err := aes.NewCipher(kenc)
		if err != nil {
			return nil, err
		}
		mac, err := aes.NewCipher(kmac)
		if err != nil {
			return nil, err
		}
		return &aesCipher{alg: alg, enc: enc, mac: mac}, nil
	}
	return nil, fmt.Errorf("%w: unknown algorithm %v", ErrKey, alg)
}

// TripleDES returns the 24-byte 3DES key K1||K2||K1 for a 16-byte key.
func TripleDES(k []byte) []byte {
	out := make([]byte, 24)
	copy(out, k[:16])
	copy(out[16:], k[:8])
	return out
}

type tdesCipher struct {
	enc    cipher.Block // 3DES under KSenc
	k1, k2 cipher.Block // single DES halves of KSmac, for the retail MAC
}

func newTDES(kenc, kmac []byte) (*tdesCipher, error) {
	enc, err := des.NewTripleDESCipher(TripleDES(kenc))
	if err != nil {
		return nil, err
	}
	k1, err := des.NewCipher(kmac[:8])
	if err != nil {
		return nil, err
	}
	k2, err := des.NewCipher(kmac[8:16])
	if err != nil {
		return nil, err
	}
	return &tdesCipher{enc: enc, k1: k1, k2: k2}, nil
}

func (c *tdesCipher) Algorithm() Algorithm { return TDES }

var zeroIV [16]byte

func (c *tdesCipher) Encrypt(_, buf []byte) {
	cipher.NewCBCEncrypter(c.enc, zeroIV[:8]).CryptBlocks(buf, buf)
}

func (c *tdesCipher) Decrypt(_, buf []byte) {
	cipher.NewCBCDecrypter(c.enc, zeroIV[:8]).CryptBlocks(buf, buf)
}

func (c *tdesCipher) MAC(msg []byte) []byte { return RetailMAC(c.k1, c.k2, msg) }

// RetailMAC is ISO/IEC 9797-1 MAC algorithm 3 with DES (the "retail MAC"):
// DES-CBC under K1 over every block, then the last output decrypted under
// K2 and encrypted under K1. msg must already be padded to 8-byte blocks.
func RetailMAC(k1, k2 cipher.Block, msg []byte) []byte {
	var y, x [8]byte
	for i := 0; i+8 <= len(msg); i += 8 {
		subtle.XORBytes(x[:], y[:], msg[i:i+8])
		k1.Encrypt(y[:], x[:])
	}
	k2.Decrypt(y[:], y[:])
	k1.Encrypt(y[:], y[:])
	return y[:]
}

type aesCipher struct {
	alg      Algorithm
	enc, mac cipher.Block
}

func (c *aesCipher) Algorithm() Algorithm { return c.alg }

func (c *aesCipher) iv(ssc []byte) []byte {
	iv := make([]byte, 16)
	c.enc.Encrypt(iv, ssc)
	return iv
}

func (c *aesCipher) Encrypt(ssc, buf []byte) {
	cipher.NewCBCEncrypter(c.enc, c.iv(ssc)).CryptBlocks(buf, buf)
}

func (c *aesCipher) Decrypt(ssc, buf []byte) {
	cipher.NewCBCDecrypter(c.enc, c.iv(ssc)).CryptBlocks(buf, buf)
}

func (c *aesCipher) MAC(msg []byte) []byte { return cmac.Sum(c.mac, msg)[:8] }

// Pad appends ISO/IEC 9797-1 padding method 2 (80 then zeros) up to a
// multiple of the block size; a full block is added when b is already aligned.
func Pad(b []byte, blockSize int) []byte {
	b = append(b, 0x80)
	for len(b)%blockSize != 0 {
		b = append(b, 0)
	}
	return b
}

// Unpad removes padding method 2. It reports false when there is none.
func Unpad(b []byte) ([]byte, bool) {
	for i := len(b) - 1; i >= 0; i-- {
		switch b[i] {
		case 0:
			continue
		case 0x80:
			return b[:i], true
		}
		return nil, false
	}
	return nil, false
}

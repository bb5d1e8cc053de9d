package pace

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"fmt"

	"motcua/cardreader/sm"
)

// Password is a PACE password: its type and the secret the password key Kπ
// is derived from. Secrets are personal data: never log them.
type Password struct {
	Type   PasswordType
	secret []byte
}

// CAN is the Card Access Number password; for a CCCD it is the last 6
// digits of the ID number (cccd.CAN).
func CAN(can string) Password { return Password{Type: PasswordCAN, secret: []byte(can)} }

// MRZ is the MRZ password: its secret is SHA-1 of the MRZ information
// (document number, date of birth and date of expiry, each with its check
// digit), the same string BAC hashes (bac.MRZInfo.String).
func MRZ(info string) Password {
	h := sha1.Sum([]byte(info))
	return Password{Type: PasswordMRZ, secret: h[:]}
}

// key derives Kπ = KDF(secret, 3) for the algorithm's cipher.
func (p Password) key(alg Algorithm) []byte {
	return sm.DeriveKey(p.secret, sm.CounterPACE, alg.Cipher)
}

// Wipe overwrites the secret.
func (p Password) Wipe() { clear(p.secret) }

// cryptNonce decrypts (or, on the chip, encrypts) the nonce with Kπ in
// AES-CBC mode with a zero IV (ICAO 9303 Part 11 §4.4.3.1).
func cryptNonce(alg Algorithm, kpi, in []byte, encrypt bool) ([]byte, error) {
	b, err := aes.NewCipher(kpi)
	if err != nil {
		return nil, err
	}
	if len(in) == 0 || len(in)%b.BlockSize() != 0 {
		return nil, fmt.Errorf("%w: encrypted nonce of %d bytes", ErrMalformed, len(in))
	}
	out := make([]byte, len(in))
	iv := make([]byte, b.BlockSize())
	if encrypt {
		cipher.NewCBCEncrypter(b, iv).CryptBlocks(out, in)
	} else {
		cipher.NewCBCDecrypter(b, iv).CryptBlocks(out, in)
	}
	return out, nil
}

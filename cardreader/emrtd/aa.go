package emrtd

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	_ "crypto/sha1" // hashes AA signatures may name
	_ "crypto/sha256"
	_ "crypto/sha512"
	"encoding/asn1"
	"fmt"
	"io"
	"math/big"
	"strconv"

	"motcua/cardreader"
	"motcua/cardreader/iso7816"
)

// Codes of the Active Authentication check.
const (
	CodeAAFailed      = "aa-failed"      // the chip's signature does not verify: a cloned chip
	CodeAANoKey       = "aa-no-dg15"     // the card has no DG15
	CodeAABadKey      = "aa-bad-key"     // DG15 holds a key we cannot use
	CodeAARefused     = "aa-refused"     // the chip refused INTERNAL AUTHENTICATE
	CodeAAUnsupported = "aa-unsupported" // an algorithm we do not implement
)

// ecdsaPlainHashes maps the signature algorithms of an
// ActiveAuthenticationInfo (DG14) to hashes: BSI TR-03111 ecdsa-plain-* and
// X9.62 ecdsa-with-*.
var ecdsaPlainHashes = map[string]crypto.Hash{
	"0.4.0.127.0.7.1.1.4.1.1": crypto.SHA1,
	"0.4.0.127.0.7.1.1.4.1.2": crypto.SHA224,
	"0.4.0.127.0.7.1.1.4.1.3": crypto.SHA256,
	"0.4.0.127.0.7.1.1.4.1.4": crypto.SHA384,
	"0.4.0.127.0.7.1.1.4.1.5": crypto.SHA512,
	"1.2.840.10045.4.1":       crypto.SHA1,
	"1.2.840.10045.4.3.1":     crypto.SHA224,
	"1.2.840.10045.4.3.2":     crypto.SHA256,
	"1.2.840.10045.4.3.3":     crypto.SHA384,
	"1.2.840.10045.4.3.4":     crypto.SHA512,
}

// ActiveAuthenticate runs Active Authentication (ICAO 9303 Part 11 §6.1):
// INTERNAL AUTHENTICATE with 8 random bytes, then the signature checked
// with the DG15 key. sigAlg is the ActiveAuthenticationInfo algorithm from
// DG14 (nil when absent: ECDSA then tries the usual hashes). Only transport
// failures (card removed, cancelled) are errors; every other outcome is
// the Check.
func ActiveAuthenticate(ctx context.Context, s *Session, pub crypto.PublicKey, sigAlg asn1.ObjectIdentifier, rnd io.Reader) (cardreader.Check, error) {
	challenge := make([]byte, 8)
	if _, err := io.ReadFull(rnd, challenge); err != nil {
		return cardreader.Check{}, err
	}
	ne := 256
	if k, ok := pub.(*rsa.PublicKey); ok && k.Size() > 256 {
		ne = k.Size()
	}
	r, err := s.Exchange(ctx, "internal authenticate", iso7816.Command{INS: 0x88, Data: challenge, Ne: ne})
	if err != nil {
		if isTransportError(err) {
			return cardreader.Check{}, err
		}
		return failed(CodeAARefused, "INTERNAL AUTHENTICATE failed: "+err.Error(), nil), nil
	}
	if r.Status != iso7816.StatusOK {
		return failed(CodeAARefused, "chip refused INTERNAL AUTHENTICATE: "+r.Status.String(), nil), nil
	}
	return VerifyAA(pub, sigAlg, challenge, r.Data), nil
}

func failed(code, reason string, ev map[string]string) cardreader.Check {
	return cardreader.Check{Status: cardreader.StatusFailed, Code: code, Reason: reason, Evidence: ev}
}

// VerifyAA checks an Active Authentication signature over challenge.
// RSA: ISO/IEC 9796-2 scheme 1 with partial message recovery (header 6A,
// trailer BC for SHA-1 or xxCC naming the hash). ECDSA: plain r || s.
func VerifyAA(pub crypto.PublicKey, sigAlg asn1.ObjectIdentifier, challenge, sig []byte) cardreader.Check {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return verifyRSA(k, challenge, sig)
	case *ecdsa.PublicKey:
		return verifyECDSA(k, sigAlg, challenge, sig)
	}
	return cardreader.Check{Status: cardreader.StatusUnsupported, Code: CodeAABadKey, Reason: fmt.Sprintf("DG15 key type %T", pub)}
}

// iso9796Trailers maps the hash identifier before a CC trailer (ISO/IEC
// 10118-3) to a hash.
var iso9796Trailers = map[byte]crypto.Hash{
	0x33: crypto.SHA1, 0x34: crypto.SHA256, 0x35: crypto.SHA512, 0x36: crypto.SHA384, 0x38: crypto.SHA224,
}

func verifyRSA(k *rsa.PublicKey, challenge, sig []byte) cardreader.Check {
	ev := map[string]string{"algorithm": "RSA ISO/IEC 9796-2 scheme 1", "keyBits": strconv.Itoa(k.N.BitLen())}
	n := k.Size()
	s := new(big.Int).SetBytes(sig)
	if len(sig) != n || s.Cmp(k.N) >= 0 {
		return failed(CodeAAFailed, "signature length or value does not fit the DG15 key", ev)
	}
	m := new(big.Int).Exp(s, big.NewInt(int64(k.E)), k.N).FillBytes(make([]byte, n))
	var h crypto.Hash
	var tlen int
	switch {
	case m[n-1] == 0xBC:
		h, tlen = crypto.SHA1, 1
	case m[n-1] == 0xCC:
		var ok bool
		if h, ok = iso9796Trailers[m[n-2]]; !ok {
			return failed(CodeAAFailed, "unknown ISO/IEC 9796-2 trailer", ev)
		}
		tlen = 2
	default:
		return failed(CodeAAFailed, "signature does not recover an ISO/IEC 9796-2 message", ev)
	}
	ev["hash"] = h.String()
	if !h.Available() {
		return cardreader.Check{Status: cardreader.StatusUnsupported, Code: CodeAAUnsupported, Reason: "hash " + h.String(), Evidence: ev}
	}
	dEnd := n - tlen
	dStart := dEnd - h.Size()
	if m[0] != 0x6A || dStart < 2 {
		return failed(CodeAAFailed, "recovered message has the wrong header", ev)
	}
	d := h.New()
	d.Write(m[1:dStart])
	d.Write(challenge)
	if !bytes.Equal(d.Sum(nil), m[dStart:dEnd]) {
		return failed(CodeAAFailed, "signature does not cover our challenge", ev)
	}
	return cardreader.Check{Status: cardreader.StatusPassed, Reason: "chip signed our challenge with the DG15 key", Evidence: ev}
}

func verifyECDSA(k *ecdsa.PublicKey, sigAlg asn1.ObjectIdentifier, challenge, sig []byte) cardreader.Check {
	ev := map[string]string{"algorithm": "ECDSA", "curve": k.Curve.Params().Name}
	size := (k.Curve.Params().BitSize + 7) / 8
	if len(sig) != 2*size {
		return failed(CodeAAFailed, "signature length does not fit the DG15 curve", ev)
	}
	r := new(big.Int).SetBytes(sig[:size])
	s := new(big.Int).SetBytes(sig[size:])
	hashes := []crypto.Hash{crypto.SHA256, crypto.SHA1, crypto.SHA384, crypto.SHA512, crypto.SHA224}
	if sigAlg != nil {
		h, ok := ecdsaPlainHashes[sigAlg.String()]
		if !ok {
			return cardreader.Check{Status: cardreader.StatusUnsupported, Code: CodeAAUnsupported, Reason: "signature algorithm " + sigAlg.String(), Evidence: ev}
		}
		hashes = []crypto.Hash{h}
	}
	for _, h := range hashes {
		d := h.New()
		d.Write(challenge)
		if ecdsa.Verify(k, d.Sum(nil), r, s) {
			ev["hash"] = h.String()
			return cardreader.Check{Status: cardreader.StatusPassed, Reason: "chip signed our challenge with the DG15 key", Evidence: ev}
		}
	}
	return failed(CodeAAFailed, "signature does not verify with the DG15 key", ev)
}

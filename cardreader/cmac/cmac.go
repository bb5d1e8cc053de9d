package cmac

import (
	"crypto/cipher"
	"crypto/subtle"
	"hash"
)

// Size is the CMAC length in bytes for a 128-bit block cipher such as AES.
const Size = 16

// Constants R_b of SP 800-38B §5.3: the low byte of the reduction polynomial
// for the doubling in GF(2^b) used to derive the subkeys.
const (
	rb64  = 0x1b
	rb128 = 0x87
)

type digest struct {
	c      cipher.Block
	k1, k2 []byte // subkeys for a complete and a padded last block
	x      []byte // chaining value: the CBC-MAC of every block before buf
	buf    []byte // the pending last block, held back until Sum
	last   []byte // scratch for Sum, so that Sum does not allocate
	n      int    // bytes in buf
}

// New returns a CMAC hash.Hash keyed by the block cipher b. It panics if the
// block size is neither 8 nor 16 bytes, as no other size has a CMAC subkey
// polynomial; that is a programming error, not a run-time condition.
func New(b cipher.Block) hash.Hash {
	bs := b.BlockSize()
	var rb byte
	switch bs {
	case 8:
		rb = rb64
	case 16:
		rb = rb128
	default:
		panic("cmac: unsupported cipher block size")
	}
	d := &digest{
		c:    b,
		k1:   make([]byte, bs),
		k2:   make([]byte, bs),
		x:    make([]byte, bs),
		buf:  make([]byte, bs),
		last: make([]byte, bs),
	}
	// L = E_K(0^b); K1 = dbl(L); K2 = dbl(K1).
	l := make([]byte, bs)
	b.Encrypt(l, l)
	double(d.k1, l, rb)
	double(d.k2, d.k1, rb)
	clear(l)
	return d
}

// double sets dst to src·x in GF(2^b): a left shift by one bit, reduced by
// rb when the top bit falls out. It runs in constant time.
func double(dst, src []byte, rb byte) {
	carry := src[0] >> 7
	for i := 0; i < len(src)-1; i++ {
		dst[i] = src[i]<<1 | src[i+1]>>7
	}
	dst[len(src)-1] = src[len(src)-1]<<1 ^ byte(subtle.ConstantTimeSelect(int(carry), int(rb), 0))
}

// Sum returns the full-length CMAC of msg under the block cipher b.
func Sum(b cipher.Block, msg []byte) []byte {
	h := New(b)
	h.Write(msg)
	return h.Sum(nil)
}

// Equal compares two MACs in constant time, so that a verifier does not leak
// how many leading bytes of a forged MAC were right.
func Equal(mac1, mac2 []byte) bool {
	return subtle.ConstantTimeCompare(mac1, mac2) == 1
}

func (d *digest) Size() int      { return len(d.x) }
func (d *digest) BlockSize() int { return len(d.x) }

func (d *digest) Reset() {
	clear(d.x)
	clear(d.buf)
	d.n = 0
}

// Write absorbs p. The last block is always held back in buf, because only
// Sum knows whether it is complete (XOR with K1) or must be padded (K2).
func (d *digest) Write(p []byte) (int, error) {
	written := len(p)
	bs := len(d.x)
	for len(p) > 0 {
		if d.n == bs {
			// buf is full and more data follows, so buf was not the last block.
			subtle.XORBytes(d.x, d.x, d.buf)
			d.c.Encrypt(d.x, d.x)
			d.n = 0
		}
		k := copy(d.buf[d.n:], p)
		d.n += k
		p = p[k:]
	}
	return written, nil
}

// Sum appends the CMAC of everything written so far to in. It does not
// change the state, so writing may go on afterwards.
func (d *digest) Sum(in []byte) []byte {
	bs := len(d.x)
	last := d.last
	clear(last)
	copy(last, d.buf[:d.n])
	k := d.k1
	if d.n < bs {
		last[d.n] = 0x80 // padding 10*; the rest is already zero
		k = d.k2
	}
	subtle.XORBytes(last, last, k)
	subtle.XORBytes(last, last, d.x)
	d.c.Encrypt(last, last)
	return append(in, last...)
}

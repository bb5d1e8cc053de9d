package bp256

import (
	"encoding/binary"
	"math/big"
	"math/bits"
)

// fe is a field element modulo p in Montgomery form (x·R mod p, R = 2^256),
// least significant limb first.
type fe [4]uint64

// p = A9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377.
const (
	p0 = 0x2013481D1F6E5377
	p1 = 0x6E3BF623D5262028
	p2 = 0x3E660A909D838D72
	p3 = 0xA9FB57DBA1EEA9BC
)

var p = fe{p0, p1, p2, p3}

var (
	pInv  uint64 // -p^-1 mod 2^64
	r2    fe     // R^2 mod p, to enter Montgomery form
	feOne fe     // R mod p, the Montgomery form of 1
	pBig  *big.Int
)

func init() {
	pBig = toBig(p)
	// Newton iteration for p^-1 mod 2^64.
	inv := uint64(1)
	for range 6 {
		inv *= 2 - p[0]*inv
	}
	pInv = -inv
	R := new(big.Int).Lsh(big.NewInt(1), 256)
	feOne = fromBig(new(big.Int).Mod(R, pBig))
	r2 = fromBig(new(big.Int).Mod(new(big.Int).Mul(R, R), pBig))
}

func toBig(x fe) *big.Int {
	var b [32]byte
	for i, w := range x {
		binary.BigEndian.PutUint64(b[24-8*i:], w)
	}
	return new(big.Int).SetBytes(b[:])
}

// fromBig takes x < p as plain limbs (not Montgomery form).
func fromBig(x *big.Int) fe {
	var b [32]byte
	x.FillBytes(b[:])
	var z fe
	for i := range z {
		z[i] = binary.BigEndian.Uint64(b[24-8*i:])
	}
	return z
}

// feFromBig converts x (any size, reduced here) into Montgomery form.
func feFromBig(x *big.Int) fe {
	if x.Sign() < 0 || x.Cmp(pBig) >= 0 {
		x = new(big.Int).Mod(x, pBig)
	}
	z := fromBig(x)
	feMul(&z, &z, &r2)
	return z
}

// big converts out of Montgomery form.
func (x *fe) big() *big.Int {
	var z fe
	one := fe{1}
	feMul(&z, x, &one)
	return toBig(z)
}

// madd returns a·b + c + d as a 128-bit (hi, lo); it cannot overflow.
func madd(a, b, c, d uint64) (hi, lo uint64) {
	hi, lo = bits.Mul64(a, b)
	var cc uint64
	lo, cc = bits.Add64(lo, c, 0)
	hi += cc
	lo, cc = bits.Add64(lo, d, 0)
	return hi + cc, lo
}

// feMul sets z = x·y·R^-1 mod p by CIOS Montgomery multiplication: for
// each word of y, add x·y[i] to t, then add the multiple m of p that
// clears the low word of t and shift t down one word.
//
// The accumulator is five scalars and each row is written out because the
// compiler keeps scalars in registers but not arrays: a nested loop over a
// [5]uint64 made feMul (and so ScalarMult) about 70% slower.
func feMul(z, x, y *fe) {
	var t0, t1, t2, t3, t4, c uint64 // t < 2p, so t4 is at most 1
	for _, yi := range y {
		var t5 uint64
		c, t0 = madd(x[0], yi, t0, 0)
		c, t1 = madd(x[1], yi, t1, c)
		c, t2 = madd(x[2], yi, t2, c)
		c, t3 = madd(x[3], yi, t3, c)
		t4, t5 = bits.Add64(t4, c, 0)

		m := t0 * pInv
		c, _ = madd(m, p0, t0, 0)
		c, t0 = madd(m, p1, t1, c)
		c, t1 = madd(m, p2, t2, c)
		c, t2 = madd(m, p3, t3, c)
		t3, c = bits.Add64(t4, c, 0)
		t4 = t5 + c
	}
	condSub(z, t0, t1, t2, t3, t4)
}

// condSub sets z = t mod p for t = t4:t3:t2:t1:t0 < 2p, by subtracting p
// once unless that borrows.
func condSub(z *fe, t0, t1, t2, t3, t4 uint64) {
	s0, b := bits.Sub64(t0, p0, 0)
	s1, b := bits.Sub64(t1, p1, b)
	s2, b := bits.Sub64(t2, p2, b)
	s3, b := bits.Sub64(t3, p3, b)
	_, b = bits.Sub64(t4, 0, b)
	keep := -b // all ones when t < p
	z[0] = s0&^keep | t0&keep
	z[1] = s1&^keep | t1&keep
	z[2] = s2&^keep | t2&keep
	z[3] = s3&^keep | t3&keep
}

func feSqr(z, x *fe) { feMul(z, x, x) }

func feAdd(z, x, y *fe) {
	var t fe
	var c uint64
	for i := range t {
		t[i], c = bits.Add64(x[i], y[i], c)
	}
	condSub(z, t[0], t[1], t[2], t[3], c)
}

func feSub(z, x, y *fe) {
	var b, c uint64
	for i := range z {
		z[i], b = bits.Sub64(x[i], y[i], b)
	}
	mask := -b // on borrow add p back
	for i := range z {
		z[i], c = bits.Add64(z[i], p[i]&mask, c)
	}
}

func (x *fe) isZero() bool { return x[0]|x[1]|x[2]|x[3] == 0 }

// feInv sets z = x^(p-2) = x^-1 (Fermat); z = 0 for x = 0.
func feInv(z, x *fe) {
	e := fe{p0 - 2, p1, p2, p3} // p0 ends in 0x77: no borrow
	r := feOne
	for i := 255; i >= 0; i-- {
		feSqr(&r, &r)
		if e[i/64]>>(i%64)&1 == 1 {
			feMul(&r, &r, x)
		}
	}
	*z = r
}

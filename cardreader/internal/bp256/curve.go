package bp256

import (
	"crypto/elliptic"
	"encoding/binary"
	"math/big"
	"math/bits"
	"sync"
)

// Curve parameters of brainpoolP256r1 (RFC 5639 §3.4).
const (
	hexA  = "7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9"
	hexB  = "26DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B6"
	hexGx = "8BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262"
	hexGy = "547EF835C3DAC4FD97F8461A14611DC9C27745132DED8E545C1D54C72F046997"
	hexN  = "A9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7"
)

type curve struct {
	params *elliptic.CurveParams
	a, b   fe
	g      jacobian
}

var (
	once     sync.Once
	instance *curve
	nBig     *big.Int
	nLimbs   [4]uint64 // n, least significant limb first
)

func hexInt(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("bp256: bad constant")
	}
	return n
}

// P256r1 returns brainpoolP256r1. Params is informational only: its B is
// set, but the generic CurveParams methods assume a = -3 and must not be
// used on it.
func P256r1() elliptic.Curve {
	once.Do(func() {
		c := &curve{params: &elliptic.CurveParams{
			Name:    "brainpoolP256r1",
			P:       new(big.Int).Set(pBig),
			N:       hexInt(hexN),
			B:       hexInt(hexB),
			Gx:      hexInt(hexGx),
			Gy:      hexInt(hexGy),
			BitSize: 256,
		}}
		nBig = c.params.N
		for i := range nLimbs {
			nLimbs[i] = binary.BigEndian.Uint64(c.params.N.FillBytes(make([]byte, 32))[24-8*i:])
		}
		c.a = feFromBig(hexInt(hexA))
		c.b = feFromBig(c.params.B)
		c.g = fromAffine(c.params.Gx, c.params.Gy)
		instance = c
	})
	return instance
}

func (c *curve) Params() *elliptic.CurveParams { return c.params }

// IsOnCurve reports whether y² = x³ + ax + b.
func (c *curve) IsOnCurve(x, y *big.Int) bool {
	if x.Sign() < 0 || y.Sign() < 0 || x.Cmp(pBig) >= 0 || y.Cmp(pBig) >= 0 {
		return false
	}
	fx, fy := feFromBig(x), feFromBig(y)
	var lhs, rhs, t fe
	feSqr(&lhs, &fy)
	feSqr(&rhs, &fx)
	feAdd(&rhs, &rhs, &c.a)
	feMul(&rhs, &rhs, &fx)
	feAdd(&rhs, &rhs, &c.b)
	feSub(&t, &lhs, &rhs)
	return t.isZero()
}

// jacobian is (X, Y, Z) for the affine point (X/Z², Y/Z³); Z = 0 is the
// point at infinity.
type jacobian struct{ x, y, z fe }

func fromAffine(x, y *big.Int) jacobian {
	if x.Sign() == 0 && y.Sign() == 0 {
		return jacobian{}
	}
	return jacobian{feFromBig(x), feFromBig(y), feOne}
}

func (p *jacobian) affine() (*big.Int, *big.Int) {
	if p.z.isZero() {
		return new(big.Int), new(big.Int)
	}
	var zi, zi2, x, y fe
	feInv(&zi, &p.z)
	feSqr(&zi2, &zi)
	feMul(&x, &p.x, &zi2)
	feMul(&zi2, &zi2, &zi)
	feMul(&y, &p.y, &zi2)
	return x.big(), y.big()
}

// double sets q = 2p (dbl-2007-bl, any a). It does not branch: the point
// at infinity (Z = 0) doubles to Z3 = 2·Y·Z = 0, and Y = 0 cannot occur on
// a curve of prime order.
func (c *curve) double(q, p *jacobian) {
	var xx, yy, yyyy, zz, s, m, t, u fe
	feSqr(&xx, &p.x)
	feSqr(&yy, &p.y)
	feSqr(&yyyy, &yy)
	feSqr(&zz, &p.z)
	// S = 2((X+YY)² - XX - YYYY)
	feAdd(&s, &p.x, &yy)
	feSqr(&s, &s)
	feSub(&s, &s, &xx)
	feSub(&s, &s, &yyyy)
	feAdd(&s, &s, &s)
	// M = 3XX + a·ZZ²
	feSqr(&m, &zz)
	feMul(&m, &m, &c.a)
	for range 3 {
		feAdd(&m, &m, &xx)
	}
	// X3 = M² - 2S
	feSqr(&t, &m)
	feSub(&t, &t, &s)
	feSub(&t, &t, &s)
	// Z3 = (Y+Z)² - YY - ZZ
	feAdd(&u, &p.y, &p.z)
	feSqr(&u, &u)
	feSub(&u, &u, &yy)
	feSub(&q.z, &u, &zz)
	// Y3 = M(S - X3) - 8·YYYY
	feSub(&s, &s, &t)
	feMul(&s, &s, &m)
	for range 3 { // doubled three times: 8·YYYY
		feAdd(&yyyy, &yyyy, &yyyy)
	}
	feSub(&q.y, &s, &yyyy)
	q.x = t
}

// add sets q = p1 + p2 for public points, handling infinity and
// doubling by branching.
func (c *curve) add(q, p1, p2 *jacobian) {
	if p1.z.isZero() {
		*q = *p2
		return
	}
	if p2.z.isZero() {
		*q = *p1
		return
	}
	var sum jacobian
	var h, r fe
	if c.addUnchecked(&sum, p1, p2, &h, &r); h.isZero() {
		if r.isZero() {
			c.double(&sum, p1)
		} else {
			sum = jacobian{}
		}
	}
	*q = sum
}

// addUnchecked sets q = p1 + p2 (add-2007-bl) without branching. It is
// wrong when either point is at infinity or when p1 = ±p2; the scalar
// multiplications rule those cases out or mask them (see scalarMult). It
// leaves H = U2 - U1 and R = S2 - S1 in h and r, which are both zero
// exactly when p1 = p2.
func (c *curve) addUnchecked(q, p1, p2 *jacobian, h, r *fe) {
	var z1z1, z2z2, u1, u2, s1, s2, i, j, v fe
	feSqr(&z1z1, &p1.z)
	feSqr(&z2z2, &p2.z)
	feMul(&u1, &p1.x, &z2z2)
	feMul(&u2, &p2.x, &z1z1)
	feMul(&s1, &p1.y, &p2.z)
	feMul(&s1, &s1, &z2z2)
	feMul(&s2, &p2.y, &p1.z)
	feMul(&s2, &s2, &z1z1)
	feSub(h, &u2, &u1)
	feSub(r, &s2, &s1)
	var rr fe
	feAdd(&i, h, h)
	feSqr(&i, &i)
	feMul(&j, h, &i)
	feAdd(&rr, r, r)
	feMul(&v, &u1, &i)
	var x3, y3, z3 fe
	// X3 = r² - J - 2V
	feSqr(&x3, &rr)
	feSub(&x3, &x3, &j)
	feSub(&x3, &x3, &v)
	feSub(&x3, &x3, &v)
	// Y3 = r(V - X3) - 2·S1·J
	feSub(&y3, &v, &x3)
	feMul(&y3, &y3, &rr)
	feMul(&s1, &s1, &j)
	feAdd(&s1, &s1, &s1)
	feSub(&y3, &y3, &s1)
	// Z3 = ((Z1+Z2)² - Z1Z1 - Z2Z2)·H
	feAdd(&z3, &p1.z, &p2.z)
	feSqr(&z3, &z3)
	feSub(&z3, &z3, &z1z1)
	feSub(&z3, &z3, &z2z2)
	feMul(&z3, &z3, h)
	q.x, q.y, q.z = x3, y3, z3
}

// infinity is the point at infinity in the form the constant-time code
// uses (any X, Y with Z = 0).
var infinity = jacobian{x: feOne, y: feOne}

// selectPoint sets q = p when mask is all ones and leaves q when it is
// zero, without branching.
func selectPoint(q, p *jacobian, mask uint64) {
	for i := range 4 {
		q.x[i] ^= mask & (q.x[i] ^ p.x[i])
		q.y[i] ^= mask & (q.y[i] ^ p.y[i])
		q.z[i] ^= mask & (q.z[i] ^ p.z[i])
	}
}

// isZeroMask is all ones when x = 0 and zero otherwise, without branching.
func isZeroMask(x *fe) uint64 {
	z := x[0] | x[1] | x[2] | x[3]
	return ((z | -z) >> 63) - 1
}

// eqMask is all ones when a = b and zero otherwise, without branching.
func eqMask(a, b uint64) uint64 {
	d := a ^ b
	return ((d | -d) >> 63) - 1
}

// lookup sets q = table[idx], reading every entry so that the memory
// access pattern does not depend on the secret idx.
func lookup(q *jacobian, table *[16]jacobian, idx uint64) {
	*q = jacobian{}
	for i := range table {
		selectPoint(q, &table[i], eqMask(uint64(i), idx))
	}
}

// addSecret sets q = q + t where t was looked up with the secret digit
// d: q at infinity gives t, d = 0 leaves q, all without branching. Callers
// guarantee q ≠ ±t otherwise (scalarMult explains why).
func (c *curve) addSecret(q, t *jacobian, d uint64) {
	var sum jacobian
	var h, r fe
	c.addUnchecked(&sum, q, t, &h, &r)
	qInf := isZeroMask(&q.z)
	selectPoint(&sum, t, qInf)
	selectPoint(q, &sum, ^eqMask(d, 0))
}

// scalar returns k reduced modulo n as 32 big-endian bytes. Scalars of up
// to 32 bytes, which is what every caller passes, are reduced by one
// subtraction of n made or undone without branching (k < 2^256 < 2n).
// Longer ones go through math/big, which is not constant time.
func scalar(k []byte) [32]byte {
	var out [32]byte
	if len(k) > 32 {
		new(big.Int).Mod(new(big.Int).SetBytes(k), nBig).FillBytes(out[:])
		return out
	}
	copy(out[32-len(k):], k)
	var w, d [4]uint64
	for i := range 4 {
		w[i] = binary.BigEndian.Uint64(out[24-8*i:])
	}
	var b uint64
	for i := range 4 {
		d[i], b = bits.Sub64(w[i], nLimbs[i], b)
	}
	keep := -b // all ones when k < n: keep k
	for i := range 4 {
		binary.BigEndian.PutUint64(out[24-8*i:], w[i]&keep|d[i]&^keep)
	}
	return out
}

// scalarMult returns k·p for a point p of order n (every point but
// infinity on this prime-order curve) in constant time with respect to k:
// fixed 4-bit windows, 256 doublings and 64 additions whatever k is, table
// entries read by a full scan, no branch on k's digits.
//
// The additions cannot meet their exceptional cases other than those
// addSecret masks: before adding digit d the accumulator is 16a·p for the
// prefix a of k (reduced below n), so it equals ±d·p only if 16a ≡ ∓d
// (mod n), impossible for 0 < 16a ≤ 16a + d < n.
func (c *curve) scalarMult(p *jacobian, k []byte) jacobian {
	if p.z.isZero() {
		return jacobian{} // p is public
	}
	var table [16]jacobian
	table[0] = infinity
	table[1] = *p
	for i := 2; i < 16; i++ {
		if i%2 == 0 {
			c.double(&table[i], &table[i/2])
		} else {
			c.add(&table[i], &table[i-1], p)
		}
	}
	s := scalar(k)
	q := infinity
	var t jacobian
	for _, b := range s {
		for _, nib := range [2]uint64{uint64(b >> 4), uint64(b & 0x0F)} {
			for range 4 {
				c.double(&q, &q)
			}
			lookup(&t, &table, nib)
			c.addSecret(&q, &t, nib)
		}
	}
	return q
}

func (c *curve) Add(x1, y1, x2, y2 *big.Int) (*big.Int, *big.Int) {
	p1, p2 := fromAffine(x1, y1), fromAffine(x2, y2)
	var q jacobian
	c.add(&q, &p1, &p2)
	return q.affine()
}

func (c *curve) Double(x, y *big.Int) (*big.Int, *big.Int) {
	p := fromAffine(x, y)
	var q jacobian
	c.double(&q, &p)
	return q.affine()
}

func (c *curve) ScalarMult(x, y *big.Int, k []byte) (*big.Int, *big.Int) {
	p := fromAffine(x, y)
	q := c.scalarMult(&p, k)
	return q.affine()
}

// ScalarBaseMult uses a table of j·16^i·G built on first use (about a
// millisecond), so it needs 64 additions and no doublings. It is constant
// time in k like scalarMult: every row is scanned in full and every digit
// costs one addition. The accumulator holds l·G for the lower digits l of k,
// below 16^i, so it never equals ±d·16^i·G unless it is at infinity, which
// addSecret masks.
func (c *curve) ScalarBaseMult(k []byte) (*big.Int, *big.Int) {
	baseOnce.Do(c.buildBaseTable)
	s := scalar(k)
	q := infinity
	var t jacobian
	for i := range 64 {
		// Nibble i counted from the least significant end of s.
		nib := uint64(s[31-i/2]>>(4*(i%2))) & 0x0F
		lookup(&t, &baseTable[i], nib)
		c.addSecret(&q, &t, nib)
	}
	return q.affine()
}

var (
	baseOnce  sync.Once
	baseTable *[64][16]jacobian // baseTable[i][j] = j·16^i·G
)

func (c *curve) buildBaseTable() {
	t := new([64][16]jacobian)
	p := c.g
	for i := range 64 {
		t[i][0] = infinity
		t[i][1] = p
		for j := 2; j < 16; j++ {
			c.add(&t[i][j], &t[i][j-1], &p)
		}
		for range 4 {
			c.double(&p, &p)
		}
	}
	baseTable = t
}

package bp256

import (
	"crypto/elliptic"
	"math/big"
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

// double sets q = 2p (dbl-2007-bl, any a).
func (c *curve) double(q, p *jacobian) {
	if p.z.isZero() || p.y.isZero() {
		*q = jacobian{}
		return
	}
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

// add sets q = p1 + p2 (add-2007-bl), handling infinity and doubling.
func (c *curve) add(q, p1, p2 *jacobian) {
	if p1.z.isZero() {
		*q = *p2
		return
	}
	if p2.z.isZero() {
		*q = *p1
		return
	}
	var z1z1, z2z2, u1, u2, s1, s2, h, i, j, r, v fe
	feSqr(&z1z1, &p1.z)
	feSqr(&z2z2, &p2.z)
	feMul(&u1, &p1.x, &z2z2)
	feMul(&u2, &p2.x, &z1z1)
	feMul(&s1, &p1.y, &p2.z)
	feMul(&s1, &s1, &z2z2)
	feMul(&s2, &p2.y, &p1.z)
	feMul(&s2, &s2, &z1z1)
	feSub(&h, &u2, &u1)
	feSub(&r, &s2, &s1)
	if h.isZero() {
		if r.isZero() {
			c.double(q, p1)
		} else {
			*q = jacobian{}
		}
		return
	}
	feAdd(&i, &h, &h)
	feSqr(&i, &i)
	feMul(&j, &h, &i)
	feAdd(&r, &r, &r)
	feMul(&v, &u1, &i)
	var x3, y3, z3 fe
	// X3 = r² - J - 2V
	feSqr(&x3, &r)
	feSub(&x3, &x3, &j)
	feSub(&x3, &x3, &v)
	feSub(&x3, &x3, &v)
	// Y3 = r(V - X3) - 2·S1·J
	feSub(&y3, &v, &x3)
	feMul(&y3, &y3, &r)
	feMul(&s1, &s1, &j)
	feAdd(&s1, &s1, &s1)
	feSub(&y3, &y3, &s1)
	// Z3 = ((Z1+Z2)² - Z1Z1 - Z2Z2)·H
	feAdd(&z3, &p1.z, &p2.z)
	feSqr(&z3, &z3)
	feSub(&z3, &z3, &z1z1)
	feSub(&z3, &z3, &z2z2)
	feMul(&z3, &z3, &h)
	q.x, q.y, q.z = x3, y3, z3
}

// scalarMult is a fixed 4-bit window multiplication: k is big-endian and
// need not be reduced.
func (c *curve) scalarMult(p *jacobian, k []byte) jacobian {
	var table [16]jacobian
	table[1] = *p
	for i := 2; i < 16; i++ {
		if i%2 == 0 {
			c.double(&table[i], &table[i/2])
		} else {
			c.add(&table[i], &table[i-1], p)
		}
	}
	var q jacobian
	for _, b := range k {
		for _, nib := range [2]byte{b >> 4, b & 0x0F} {
			for range 4 {
				c.double(&q, &q)
			}
			if nib != 0 {
				c.add(&q, &q, &table[nib])
			}
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
// millisecond), so it needs 64 additions and no doublings.
func (c *curve) ScalarBaseMult(k []byte) (*big.Int, *big.Int) {
	if len(k) > 32 {
		q := c.scalarMult(&c.g, k)
		return q.affine()
	}
	baseOnce.Do(c.buildBaseTable)
	var q jacobian
	for i := range 64 {
		// Nibble i counted from the least significant end of k.
		pos := len(k) - 1 - i/2
		if pos < 0 {
			break
		}
		nib := k[pos] >> (4 * (i % 2)) & 0x0F
		if nib != 0 {
			c.add(&q, &q, &baseTable[i][nib])
		}
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

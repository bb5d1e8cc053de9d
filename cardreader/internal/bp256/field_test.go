package bp256

import (
	"crypto/rand"
	"math/big"
	"testing"
)

// fieldEdges are values where carries and the final subtraction of p are
// most likely to go wrong.
func fieldEdges() []*big.Int {
	return []*big.Int{
		big.NewInt(0),
		big.NewInt(1),
		big.NewInt(2),
		new(big.Int).Sub(pBig, big.NewInt(1)),
		new(big.Int).Sub(pBig, big.NewInt(2)),
		new(big.Int).Rsh(pBig, 1),
		new(big.Int).Lsh(big.NewInt(1), 64),
		new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 192), big.NewInt(1)),
		new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(1)),
	}
}

func randField(t testing.TB) *big.Int {
	x, err := rand.Int(rand.Reader, pBig)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// checkField compares feMul, feSqr, feAdd, feSub and feInv on x and y
// (both < p) with math/big modulo p.
func checkField(t *testing.T, x, y *big.Int) {
	t.Helper()
	fx, fy := feFromBig(x), feFromBig(y)
	var z fe
	check := func(op string, want *big.Int) {
		t.Helper()
		want.Mod(want, pBig)
		if got := z.big(); got.Cmp(want) != 0 {
			t.Fatalf("%s(%x, %x) = %x, want %x", op, x, y, got, want)
		}
		// Every result must be fully reduced, not just congruent.
		if toBig(z).Cmp(pBig) >= 0 {
			t.Fatalf("%s(%x, %x) not reduced: %x", op, x, y, toBig(z))
		}
	}
	feMul(&z, &fx, &fy)
	check("mul", new(big.Int).Mul(x, y))
	feSqr(&z, &fx)
	check("sqr", new(big.Int).Mul(x, x))
	feAdd(&z, &fx, &fy)
	check("add", new(big.Int).Add(x, y))
	feSub(&z, &fx, &fy)
	check("sub", new(big.Int).Sub(x, y))
	feInv(&z, &fx)
	want := new(big.Int).ModInverse(x, pBig)
	if want == nil {
		want = new(big.Int) // feInv(0) = 0
	}
	check("inv", want)
	// Aliasing: the curve code writes results over an operand.
	z = fx
	feMul(&z, &z, &fy)
	check("mul (aliased)", new(big.Int).Mul(x, y))
	z = fx
	feAdd(&z, &z, &z)
	check("add (aliased)", new(big.Int).Add(x, x))
	z = fy
	feSub(&z, &fx, &z)
	check("sub (aliased)", new(big.Int).Sub(x, y))
}

// TestFieldAgainstBig checks the field operations against math/big on the
// edge values and on random inputs.
func TestFieldAgainstBig(t *testing.T) {
	edges := fieldEdges()
	for _, x := range edges {
		for _, y := range edges {
			checkField(t, x, y)
		}
	}
	for range 200 {
		checkField(t, randField(t), randField(t))
	}
}

// FuzzField checks the field operations against math/big on any pair of
// 32-byte inputs, reduced modulo p.
func FuzzField(f *testing.F) {
	for _, x := range fieldEdges() {
		f.Add(x.FillBytes(make([]byte, 32)), new(big.Int).Sub(pBig, x).FillBytes(make([]byte, 32)))
	}
	f.Fuzz(func(t *testing.T, a, b []byte) {
		x := new(big.Int).Mod(new(big.Int).SetBytes(a), pBig)
		y := new(big.Int).Mod(new(big.Int).SetBytes(b), pBig)
		checkField(t, x, y)
	})
}

func benchOperands(b *testing.B) (x, y fe) {
	return feFromBig(randField(b)), feFromBig(randField(b))
}

func BenchmarkMul(b *testing.B) {
	x, y := benchOperands(b)
	for b.Loop() {
		feMul(&x, &x, &y)
	}
}

func BenchmarkSqr(b *testing.B) {
	x, _ := benchOperands(b)
	for b.Loop() {
		feSqr(&x, &x)
	}
}

func BenchmarkAdd(b *testing.B) {
	x, y := benchOperands(b)
	for b.Loop() {
		feAdd(&x, &x, &y)
	}
}

func BenchmarkSub(b *testing.B) {
	x, y := benchOperands(b)
	for b.Loop() {
		feSub(&x, &x, &y)
	}
}

func BenchmarkInv(b *testing.B) {
	x, _ := benchOperands(b)
	for b.Loop() {
		feInv(&x, &x)
	}
}

package bp256

import (
	"bytes"
	"crypto/rand"
	"math/big"
	"syscall"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/brainpool"
)

// TestAgainstGeneric compares every operation with the independent
// big.Int implementation in github.com/ProtonMail/go-crypto/brainpool.
func TestAgainstGeneric(t *testing.T) {
	fast, slow := P256r1(), brainpool.P256r1()
	if !fast.IsOnCurve(fast.Params().Gx, fast.Params().Gy) {
		t.Fatal("generator not on the curve")
	}
	scalars := [][]byte{{1}, {2}, {3}, {0x10}, fast.Params().N.Bytes(), new(big.Int).Sub(fast.Params().N, big.NewInt(1)).Bytes()}
	for range 8 {
		k := make([]byte, 32)
		rand.Read(k)
		scalars = append(scalars, k)
	}
	short := make([]byte, 16)
	rand.Read(short)
	scalars = append(scalars, short)
	for _, k := range scalars {
		fx, fy := fast.ScalarBaseMult(k)
		sx, sy := slow.ScalarBaseMult(k)
		if fx.Cmp(sx) != 0 || fy.Cmp(sy) != 0 {
			t.Fatalf("ScalarBaseMult(%x) differs", k)
		}
		if fx.Sign() == 0 && fy.Sign() == 0 {
			continue // k = n gives the point at infinity in both
		}
		if !fast.IsOnCurve(fx, fy) {
			t.Fatalf("ScalarBaseMult(%x) is off the curve", k)
		}
		k2 := make([]byte, 32)
		rand.Read(k2)
		fx2, fy2 := fast.ScalarMult(fx, fy, k2)
		sx2, sy2 := slow.ScalarMult(sx, sy, k2)
		if fx2.Cmp(sx2) != 0 || fy2.Cmp(sy2) != 0 {
			t.Fatalf("ScalarMult differs for %x·%x", k, k2)
		}
		ax, ay := fast.Add(fx, fy, fx2, fy2)
		bx, by := slow.Add(sx, sy, sx2, sy2)
		if ax.Cmp(bx) != 0 || ay.Cmp(by) != 0 {
			t.Fatal("Add differs")
		}
		dx, dy := fast.Add(fx, fy, fx, fy)
		ex, ey := slow.Double(sx, sy)
		if dx.Cmp(ex) != 0 || dy.Cmp(ey) != 0 {
			t.Fatal("Add(P, P) differs from Double")
		}
		nx, ny := fast.Add(fx, fy, fx, new(big.Int).Sub(pBig, fy))
		if nx.Sign() != 0 || ny.Sign() != 0 {
			t.Fatal("P + (-P) is not the point at infinity")
		}
	}
	if fast.IsOnCurve(big.NewInt(1), big.NewInt(1)) {
		t.Error("(1, 1) reported on the curve")
	}
}

func TestFieldRoundTrip(t *testing.T) {
	for range 100 {
		b := make([]byte, 32)
		rand.Read(b)
		x := new(big.Int).Mod(new(big.Int).SetBytes(b), pBig)
		f := feFromBig(x)
		if got := f.big(); got.Cmp(x) != 0 {
			t.Fatalf("round trip %x -> %x", x, got)
		}
		var inv, one fe
		feInv(&inv, &f)
		feMul(&one, &inv, &f)
		if x.Sign() != 0 && !bytes.Equal(one.big().Bytes(), []byte{1}) {
			t.Fatalf("x·x⁻¹ = %x", one.big())
		}
	}
}

// varTimeScalarMult is the variable-time window method this package used
// before it was made constant time: it skips zero digits and looks up the
// table by index. It stays here as the benchmark's baseline.
func (c *curve) varTimeScalarMult(p *jacobian, k []byte) jacobian {
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

func TestVarTimeBaseline(t *testing.T) {
	c := P256r1().(*curve)
	k := make([]byte, 32)
	rand.Read(k)
	want := c.scalarMult(&c.g, k)
	got := c.varTimeScalarMult(&c.g, k)
	wx, wy := want.affine()
	gx, gy := got.affine()
	if wx.Cmp(gx) != 0 || wy.Cmp(gy) != 0 {
		t.Fatal("baseline disagrees")
	}
}

// cpuLoop runs f b.N times and reports the process CPU time per call as
// cpu-ns/op: on a shared machine wall time mostly measures the neighbours.
func cpuLoop(b *testing.B, f func()) {
	cpu := func() time.Duration {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	t0 := cpu()
	for b.Loop() {
		f()
	}
	b.ReportMetric(float64(cpu()-t0)/float64(b.N), "cpu-ns/op")
}

// BenchmarkScalarMult compares the constant-time multiplication with the
// variable-time one it replaced and with go-crypto's generic brainpool, in
// one run.
func BenchmarkScalarMult(b *testing.B) {
	c := P256r1().(*curve)
	k := make([]byte, 32)
	rand.Read(k)
	x, y := c.ScalarBaseMult(k)
	p := fromAffine(x, y)
	b.Run("constant-time", func(b *testing.B) {
		cpuLoop(b, func() { c.ScalarMult(x, y, k) })
	})
	b.Run("variable-time", func(b *testing.B) {
		cpuLoop(b, func() {
			q := c.varTimeScalarMult(&p, k)
			q.affine()
		})
	})
	b.Run("go-crypto", func(b *testing.B) {
		slow := brainpool.P256r1()
		cpuLoop(b, func() { slow.ScalarMult(x, y, k) })
	})
}

func BenchmarkScalarBaseMult(b *testing.B) {
	c := P256r1()
	k := make([]byte, 32)
	rand.Read(k)
	c.ScalarBaseMult(k) // build the table outside the loop
	b.Run("constant-time", func(b *testing.B) {
		cpuLoop(b, func() { c.ScalarBaseMult(k) })
	})
	b.Run("go-crypto", func(b *testing.B) {
		slow := brainpool.P256r1()
		cpuLoop(b, func() { slow.ScalarBaseMult(k) })
	})
}

// TestEdgeScalars covers scalars at and beyond the group order, zero,
// short and long encodings, and digits of every value, against the
// big.Int reference.
func TestEdgeScalars(t *testing.T) {
	fast, slow := P256r1(), brainpool.P256r1()
	n := fast.Params().N
	two256 := new(big.Int).Lsh(big.NewInt(1), 256)
	var all []byte // every nibble value, in both positions
	for i := range 16 {
		all = append(all, byte(i<<4|(15-i)))
	}
	scalars := [][]byte{
		{}, {0}, make([]byte, 32), {1}, {0x0F}, {0xF0},
		n.Bytes(),
		new(big.Int).Add(n, big.NewInt(1)).Bytes(),
		new(big.Int).Sub(n, big.NewInt(1)).Bytes(),
		new(big.Int).Sub(two256, big.NewInt(1)).Bytes(), // 2^256-1 ≥ n, reduced once
		append(make([]byte, 8), 0x01, 0x02),             // leading zeros
		append([]byte{0x01}, make([]byte, 39)...),       // 40 bytes
		all,
		bytes.Repeat([]byte{0xFF}, 16),
	}
	gx, gy := slow.ScalarBaseMult([]byte{7})
	for _, k := range scalars {
		fx, fy := fast.ScalarBaseMult(k)
		sx, sy := slow.ScalarBaseMult(k)
		if fx.Cmp(sx) != 0 || fy.Cmp(sy) != 0 {
			t.Errorf("ScalarBaseMult(%x) differs", k)
		}
		fx, fy = fast.ScalarMult(gx, gy, k)
		sx, sy = slow.ScalarMult(gx, gy, k)
		if fx.Cmp(sx) != 0 || fy.Cmp(sy) != 0 {
			t.Errorf("ScalarMult(7G, %x) differs", k)
		}
	}
	// The point at infinity times anything is the point at infinity.
	if x, y := fast.ScalarMult(new(big.Int), new(big.Int), []byte{5}); x.Sign() != 0 || y.Sign() != 0 {
		t.Error("k·∞ is not ∞")
	}
}

// TestScalarReduction checks the branch-free reduction modulo n against
// math/big.
func TestScalarReduction(t *testing.T) {
	P256r1()
	for range 200 {
		b := make([]byte, 32)
		rand.Read(b)
		if b[0]&1 == 0 {
			b[0] |= 0xC0 // often above n (n starts with A9)
		}
		s := scalar(b)
		want := new(big.Int).Mod(new(big.Int).SetBytes(b), nBig)
		if new(big.Int).SetBytes(s[:]).Cmp(want) != 0 {
			t.Fatalf("scalar(%x) = %x, want %x", b, s, want)
		}
	}
}

// TestLookup checks that the scanning table look-up returns each entry.
func TestLookup(t *testing.T) {
	c := P256r1().(*curve)
	var table [16]jacobian
	table[0] = infinity
	table[1] = c.g
	for i := 2; i < 16; i++ {
		c.add(&table[i], &table[i-1], &c.g)
	}
	for i := range table {
		var q jacobian
		lookup(&q, &table, uint64(i))
		if q != table[i] {
			t.Errorf("lookup(%d) returned another entry", i)
		}
	}
}

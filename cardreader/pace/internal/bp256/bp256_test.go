package bp256

import (
	"bytes"
	"crypto/rand"
	"math/big"
	"testing"

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

func BenchmarkScalarMult(b *testing.B) {
	c := P256r1()
	k := make([]byte, 32)
	rand.Read(k)
	x, y := c.ScalarBaseMult(k)
	for b.Loop() {
		c.ScalarMult(x, y, k)
	}
}

func BenchmarkScalarBaseMult(b *testing.B) {
	c := P256r1()
	k := make([]byte, 32)
	rand.Read(k)
	c.ScalarBaseMult(k) // build the table outside the loop
	for b.Loop() {
		c.ScalarBaseMult(k)
	}
}

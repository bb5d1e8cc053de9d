package pace

import (
	"crypto/rand"
	"testing"

	"motcua/cardreader/internal/ecutil"
)

// BenchmarkScalarMult is the unit of PACE's cost: a run does five on each side.
func BenchmarkScalarMult(b *testing.B) {
	for _, id := range []int{ParamBrainpoolP256r1, ParamNISTP256} {
		c, _ := Curve(id)
		k, _ := ecutil.RandomScalar(c, rand.Reader)
		p := mul(c, generator(c), k)
		b.Run(c.Params().Name, func(b *testing.B) {
			for b.Loop() {
				mul(c, p, k)
			}
		})
	}
}

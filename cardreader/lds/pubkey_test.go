package lds

import (
	"crypto/elliptic"
	"math/big"
	"testing"

	"github.com/ProtonMail/go-crypto/brainpool"
)

// TestCurveOfByParameters: another implementation of a listed curve, under
// another name, is found by its prime, order and generator.
func TestCurveOfByParameters(t *testing.T) {
	renamed := func(c elliptic.Curve, name string) *elliptic.CurveParams {
		p := *c.Params()
		p.Name = name
		return &p
	}
	otherOrder := renamed(elliptic.P256(), "not P-256")
	otherOrder.N = new(big.Int).Add(otherOrder.N, big.NewInt(2))
	for _, tc := range []struct {
		name  string
		curve elliptic.Curve
		want  int // ParamID; 0 when not found
	}{
		{"same value", brainpool.P256r1(), 13},
		{"same name", renamed(elliptic.P384(), "P-384"), 15},
		{"other name, same parameters", renamed(brainpool.P256r1(), "bp256-fast"), 13},
		{"other order", otherOrder, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, ok := CurveOf(tc.curve)
			if ok != (tc.want != 0) || c.ParamID != tc.want {
				t.Errorf("CurveOf = %+v, %v; want ParamID %d", c, ok, tc.want)
			}
		})
	}
}

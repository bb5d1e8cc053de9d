package ecutil

import (
	"bytes"
	"crypto/elliptic"
	"errors"
	"io"
	"math/big"
	"testing"

	"github.com/ProtonMail/go-crypto/brainpool"
)

func TestDecodePoint(t *testing.T) {
	for _, c := range []elliptic.Curve{elliptic.P256(), brainpool.P256r1(), elliptic.P521()} {
		p := c.Params()
		g := EncodePoint(c, p.Gx, p.Gy)
		n := ByteLen(c)
		offCurve := EncodePoint(c, p.Gx, p.Gx)
		tooBig := EncodePoint(c, p.P, p.Gy)
		compressed := append([]byte{2}, g[1:1+n]...)
		for _, tc := range []struct {
			name string
			b    []byte
			ok   bool
		}{
			{"generator", g, true},
			{"infinity", make([]byte, 1+2*n), false},
			{"off the curve", offCurve, false},
			{"x not below p", tooBig, false},
			{"compressed", compressed, false},
			{"short", g[:len(g)-1], false},
			{"empty", nil, false},
		} {
			t.Run(p.Name+"/"+tc.name, func(t *testing.T) {
				x, y, err := DecodePoint(c, tc.b)
				if !tc.ok {
					if !errors.Is(err, ErrInvalidPoint) {
						t.Fatalf("err = %v, want ErrInvalidPoint", err)
					}
					return
				}
				if err != nil || x.Cmp(p.Gx) != 0 || y.Cmp(p.Gy) != 0 {
					t.Fatalf("DecodePoint = %v, %v, %v", x, y, err)
				}
				if !bytes.Equal(EncodePoint(c, x, y), tc.b) {
					t.Error("round trip changed the bytes")
				}
			})
		}
	}
}

// TestEncodePointPads: coordinates shorter than the field keep their
// leading zero bytes.
func TestEncodePointPads(t *testing.T) {
	c := elliptic.P256()
	got := EncodePoint(c, big.NewInt(1), big.NewInt(2))
	want := make([]byte, 65)
	want[0], want[32], want[64] = 4, 1, 2
	if !bytes.Equal(got, want) {
		t.Errorf("EncodePoint = %X", got)
	}
}

// repeat is a reader that gives the same byte forever.
type repeat byte

func (r repeat) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = byte(r)
	}
	return len(b), nil
}

func TestRandomScalar(t *testing.T) {
	c := elliptic.P521() // 521-bit order: the top byte is masked to one bit
	for _, tc := range []struct {
		name string
		r    io.Reader
		want []byte // nil: an error wrapping ErrRandom
	}{
		{"in range", bytes.NewReader(append([]byte{0xFE}, bytes.Repeat([]byte{1}, 65)...)), append([]byte{0}, bytes.Repeat([]byte{1}, 65)...)},
		{"zero every time", repeat(0), nil},
		{"at or above n every time", repeat(0xFF), nil},
		{"source fails", bytes.NewReader([]byte{1, 2, 3}), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := RandomScalar(c, tc.r)
			if tc.want == nil {
				if !errors.Is(err, ErrRandom) {
					t.Fatalf("err = %v, want ErrRandom", err)
				}
				return
			}
			if err != nil || !bytes.Equal(got, tc.want) {
				t.Fatalf("RandomScalar = %X, %v; want %X", got, err, tc.want)
			}
		})
	}
}

func FuzzDecodePoint(f *testing.F) {
	c := brainpool.P256r1()
	f.Add(EncodePoint(c, c.Params().Gx, c.Params().Gy))
	f.Add([]byte{4})
	f.Fuzz(func(t *testing.T, b []byte) {
		x, y, err := DecodePoint(c, b)
		if err != nil {
			return
		}
		if !c.IsOnCurve(x, y) || !bytes.Equal(EncodePoint(c, x, y), b) {
			t.Fatal("accepted a point that does not round-trip on the curve")
		}
	})
}

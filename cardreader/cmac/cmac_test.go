package cmac

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"encoding/hex"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The example messages of RFC 4493 §4 and NIST SP 800-38B Appendix D are
// prefixes of this one.
const exampleMessage = "6bc1bee22e409f96e93d7e117393172a" +
	"ae2d8a571e03ac9c9eb76fac45af8e51" +
	"30c81c46a35ce411e5fbc1191a0a52ef" +
	"f69f2445df4f9b17ad2b417be66c3710"

const (
	aes128Key = "2b7e151628aed2a6abf7158809cf4f3c"
	aes192Key = "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b"
	aes256Key = "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"
	tdeaKey   = "8aa83bf8cbda10620bc1bf19fbb6cd58bc313d4a371ca8b5"
)

type vector struct {
	name   string
	key    string
	msgLen int // bytes of exampleMessage
	mac    string
}

var vectors = []vector{
	// RFC 4493 §4 (= SP 800-38B D.1, AES-128).
	{"RFC4493/Example1", aes128Key, 0, "bb1d6929e95937287fa37d129b756746"},
	{"RFC4493/Example2", aes128Key, 16, "070a16b46b4d4144f79bdd9dd04a287c"},
	{"RFC4493/Example3", aes128Key, 40, "dfa66747de9ae63030ca32611497c827"},
	{"RFC4493/Example4", aes128Key, 64, "51f0bebf7e3b9d92fc49741779363cfe"},
	// SP 800-38B D.2, AES-192.
	{"SP800-38B/Example5", aes192Key, 0, "d17ddf46adaacde531cac483de7a9367"},
	{"SP800-38B/Example6", aes192Key, 16, "9e99a7bf31e710900662f65e617c5184"},
	{"SP800-38B/Example7", aes192Key, 40, "8a1de5be2eb31aad089a82e6ee908b0e"},
	{"SP800-38B/Example8", aes192Key, 64, "a1d5df0eed790f794d77589659f39a11"},
	// SP 800-38B D.3, AES-256.
	{"SP800-38B/Example9", aes256Key, 0, "028962f61b7bf89efc6b551f4667d983"},
	{"SP800-38B/Example10", aes256Key, 16, "28a7023f452e8f82bd4bf28d8c37c35c"},
	{"SP800-38B/Example11", aes256Key, 40, "aaf3d8f1de5640c232f5b169b9c911e6"},
	{"SP800-38B/Example12", aes256Key, 64, "e1992190549f6ed5696a2c056c315410"},
	// SP 800-38B D.4, three-key TDEA (64-bit block, R_64).
	{"SP800-38B/Example13", tdeaKey, 0, "b7a688e122ffaf95"},
	{"SP800-38B/Example14", tdeaKey, 8, "8e8f293136283797"},
	{"SP800-38B/Example15", tdeaKey, 20, "743ddbe0ce2dc2ed"},
	{"SP800-38B/Example16", tdeaKey, 32, "33e6b1092400eae5"},
}

func newCipher(t testing.TB, key []byte) cipher.Block {
	t.Helper()
	var (
		c   cipher.Block
		err error
	)
	if len(key) == 24 && bytes.Equal(key, unhex(t, tdeaKey)) {
		c, err = des.NewTripleDESCipher(key)
	} else {
		c, err = aes.NewCipher(key)
	}
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestVectors(t *testing.T) {
	msg := unhex(t, exampleMessage)
	for _, v := range vectors {
		t.Run(v.name, func(t *testing.T) {
			c := newCipher(t, unhex(t, v.key))
			want := unhex(t, v.mac)
			if got := Sum(c, msg[:v.msgLen]); !bytes.Equal(got, want) {
				t.Errorf("Sum = %x, want %x", got, want)
			}
			// Byte-at-a-time writes must hold back the last block correctly.
			h := New(c)
			for i := range v.msgLen {
				h.Write(msg[i : i+1])
			}
			if got := h.Sum(nil); !bytes.Equal(got, want) {
				t.Errorf("byte-wise = %x, want %x", got, want)
			}
			if h.Size() != len(want) || h.BlockSize() != len(want) {
				t.Errorf("Size, BlockSize = %d, %d; want %d", h.Size(), h.BlockSize(), len(want))
			}
		})
	}
}

// TestSubkeys checks the subkey derivation of RFC 4493 §4 directly, since a
// wrong K2 only shows on padded messages.
func TestSubkeys(t *testing.T) {
	d := New(newCipher(t, unhex(t, aes128Key))).(*digest)
	if want := unhex(t, "fbeed618357133667c85e08f7236a8de"); !bytes.Equal(d.k1, want) {
		t.Errorf("K1 = %x, want %x", d.k1, want)
	}
	if want := unhex(t, "f7ddac306ae266ccf90bc11ee46d513b"); !bytes.Equal(d.k2, want) {
		t.Errorf("K2 = %x, want %x", d.k2, want)
	}
}

func TestSumKeepsState(t *testing.T) {
	c := newCipher(t, unhex(t, aes128Key))
	msg := unhex(t, exampleMessage)
	h := New(c)
	h.Write(msg[:16])
	first := h.Sum([]byte{0xAA})
	if first[0] != 0xAA || !bytes.Equal(first[1:], unhex(t, "070a16b46b4d4144f79bdd9dd04a287c")) {
		t.Fatalf("Sum with prefix = %x", first)
	}
	h.Write(msg[16:64])
	if got, want := h.Sum(nil), unhex(t, "51f0bebf7e3b9d92fc49741779363cfe"); !bytes.Equal(got, want) {
		t.Errorf("after more writes = %x, want %x", got, want)
	}
	h.Reset()
	if got, want := h.Sum(nil), unhex(t, "bb1d6929e95937287fa37d129b756746"); !bytes.Equal(got, want) {
		t.Errorf("after Reset = %x, want %x", got, want)
	}
}

func TestEqual(t *testing.T) {
	a := unhex(t, "070a16b46b4d4144")
	for _, tc := range []struct {
		b    string
		want bool
	}{
		{"070a16b46b4d4144", true},
		{"070a16b46b4d4145", false},
		{"070a16b46b4d41", false},
		{"", false},
	} {
		if got := Equal(a, unhex(t, tc.b)); got != tc.want {
			t.Errorf("Equal(%x, %s) = %v", a, tc.b, got)
		}
	}
}

type oddBlock struct{ cipher.Block }

func (oddBlock) BlockSize() int { return 12 }

func TestUnsupportedBlockSize(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("New accepted a 12-byte block cipher")
		}
	}()
	New(oddBlock{})
}

// FuzzIncremental checks that any split of the message into writes gives the
// one-shot MAC.
func FuzzIncremental(f *testing.F) {
	f.Add([]byte{}, uint8(1))
	f.Add(unhex(f, exampleMessage), uint8(16))
	f.Add(unhex(f, exampleMessage)[:40], uint8(7))
	c := newCipher(f, unhex(f, aes128Key))
	f.Fuzz(func(t *testing.T, msg []byte, step uint8) {
		want := Sum(c, msg)
		s := int(step%40) + 1
		h := New(c)
		for p := msg; len(p) > 0; {
			n := min(s, len(p))
			h.Write(p[:n])
			p = p[n:]
			s = s%17 + 1 // vary the write sizes as we go
		}
		if got := h.Sum(nil); !bytes.Equal(got, want) {
			t.Fatalf("incremental %x, one-shot %x", got, want)
		}
	})
}

func BenchmarkAES128(b *testing.B) {
	c := newCipher(b, unhex(b, aes128Key))
	for _, size := range []int{16, 256, 4096} {
		msg := make([]byte, size)
		b.Run(sizeName(size), func(b *testing.B) {
			b.SetBytes(int64(size))
			h := New(c)
			out := make([]byte, 0, Size)
			for b.Loop() {
				h.Reset()
				h.Write(msg)
				out = h.Sum(out[:0])
			}
		})
	}
}

func sizeName(n int) string {
	switch n {
	case 16:
		return "16B"
	case 256:
		return "256B"
	}
	return "4KiB"
}

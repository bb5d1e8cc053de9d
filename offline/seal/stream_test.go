package seal

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
	"time"
)

// fixedKeyring is a keyring with known keys (key 7 = bytes 0..31), for test
// vectors and fuzzing; nothing is written to disk.
func fixedKeyring(t testing.TB) *Keyring {
	t.Helper()
	raw := make([]byte, keySize)
	for i := range raw {
		raw[i] = byte(i)
	}
	mac := bytes.Repeat([]byte{0xAA}, keySize)
	k := &Keyring{}
	err := k.load(keyFile{Version: version, Current: 7, CreatedAt: time.Unix(0, 0),
		Keys:   []fileKey{{ID: 7, Key: base64.StdEncoding.EncodeToString(raw)}},
		MACKey: base64.StdEncoding.EncodeToString(mac)})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// pseudo returns n reproducible bytes.
func pseudo(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9E3779B97F4A7C15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// sealWith seals pt as a stream with chunk size c and fixed salt/prefix.
func sealWith(t testing.TB, k *Keyring, c int, name, pt []byte) []byte {
	t.Helper()
	s, err := newStreamSealer(k.current, k.raw[k.current], c, bytes.Repeat([]byte{0x5A}, saltSize), []byte("prefix7"), name)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w := newWriter(&out, s)
	if _, err := w.Write(pt); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func openAll(k *Keyring, stream, name []byte) ([]byte, error) {
	return io.ReadAll(k.NewReader(bytes.NewReader(stream), name))
}

func TestStreamRoundTrip(t *testing.T) {
	k := newKeyring(t)
	name := []byte("motcua/attachment/x")
	for _, n := range []int{0, 1, ChunkSize - 1, ChunkSize, ChunkSize + 1, 3 * ChunkSize, 3*ChunkSize + 17} {
		pt := pseudo(n, uint64(n))
		var out bytes.Buffer
		w := k.NewWriter(&out, name)
		// Odd write sizes: chunking does not depend on how data arrives.
		for rest := pt; len(rest) > 0; {
			m := min(len(rest), 1000+len(rest)%7919)
			if _, err := w.Write(rest[:m]); err != nil {
				t.Fatal(err)
			}
			rest = rest[m:]
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		chunks := max(1, (n+ChunkSize-1)/ChunkSize)
		if want := HeaderSize + n + chunks*TagSize; out.Len() != want {
			t.Errorf("%d bytes: stream of %d bytes, want %d", n, out.Len(), want)
		}
		got, err := openAll(k, out.Bytes(), name)
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("%d bytes: open = %d bytes, %v", n, len(got), err)
		}
		if _, err := w.Write([]byte("x")); !errors.Is(err, ErrStreamUse) {
			t.Errorf("write after Close: %v", err)
		}
	}
}

// The format as the package documentation writes it, computed here with
// the standard library alone, and a golden copy, so neither the code nor
// the documentation can drift.
func TestStreamVector(t *testing.T) {
	k := fixedKeyring(t)
	name := []byte("motcua/attachment/vector")
	pt := []byte("Giấy xác nhận cư trú, bản quét 2 trang")
	const c = 16
	got := sealWith(t, k, c, name, pt)

	hdr := []byte{StreamVersion, 0, 0, 0, 7, 0, 0, 0, c}
	hdr = append(hdr, bytes.Repeat([]byte{0x5A}, 16)...)
	hdr = append(hdr, "prefix7"...)
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i)
	}
	sub, err := hkdf.Key(sha256.New, key, hdr[9:25], "motcua/seal/stream/v2", 32)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := aes.NewCipher(sub)
	gcm, _ := cipher.NewGCM(block)
	want := append([]byte(nil), hdr...)
	for i := 0; i*c < len(pt); i++ {
		part := pt[i*c : min(len(pt), (i+1)*c)]
		final := byte(0)
		if (i+1)*c >= len(pt) {
			final = 1
		}
		nonce := binary.BigEndian.AppendUint32([]byte("prefix7"), uint32(i))
		nonce = append(nonce, final)
		aad := append([]byte("motcua/seal/stream/v2"), hdr...)
		aad = binary.BigEndian.AppendUint64(aad, uint64(i))
		aad = append(append(aad, final), name...)
		want = gcm.Seal(want, nonce, part, aad)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("stream differs from the documented format:\n got %x\nwant %x", got, want)
	}
	const golden = "0200000007000000105a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a707265666978373d0e39ae6cb4a3c8fd61deca2f2129bffaf0b964177bf79e5da3d6f44208e585f4a7c5278e903d4c663db48b620955ea26c5a45ccc7ba972b77dae0ea005ca4ad9ec6dc0784930d82bf14231a19e15e255126125414dc93327908dfb96c71915"
	if hex.EncodeToString(got) != golden {
		t.Logf("golden: %x", got)
		t.Fatal("stream differs from the golden vector")
	}
	if back, err := openAll(k, got, name); err != nil || !bytes.Equal(back, pt) {
		t.Fatalf("open vector: %q %v", back, err)
	}
}

func TestStreamTamper(t *testing.T) {
	k := newKeyring(t)
	other := newKeyring(t)
	name := []byte("motcua/attachment/a")
	const c = 64
	pt := pseudo(5*c+10, 1) // 6 chunks, the last short
	good := sealWith(t, k, c, name, pt)
	full := sealWith(t, k, c, name, pt[:5*c])   // 5 full chunks, the last one final
	chunk := func(s []byte, i int) (int, int) { // bounds of sealed chunk i
		start := HeaderSize + i*(c+TagSize)
		return start, min(len(s), start+c+TagSize)
	}
	mod := func(src []byte, f func(b []byte) []byte) []byte { return f(append([]byte(nil), src...)) }
	tests := []struct {
		name   string
		stream []byte
		open   []byte
		kr     *Keyring
		want   error
	}{
		{"flipped byte in a middle chunk", mod(good, func(b []byte) []byte { b[HeaderSize+2*(c+TagSize)+5] ^= 1; return b }), name, k, ErrAuth},
		{"flipped byte in a tag", mod(good, func(b []byte) []byte { b[len(b)-1] ^= 0x80; return b }), name, k, ErrAuth},
		{"flipped salt", mod(good, func(b []byte) []byte { b[12] ^= 1; return b }), name, k, ErrAuth},
		{"flipped chunk size", mod(good, func(b []byte) []byte { b[8] ^= 1; return b }), name, k, ErrAuth},
		{"dropped last chunk", mod(good, func(b []byte) []byte { s, _ := chunk(b, 5); return b[:s] }), name, k, ErrAuth},
		{"dropped last full chunk", mod(full, func(b []byte) []byte { s, _ := chunk(b, 4); return b[:s] }), name, k, ErrAuth},
		{"cut inside a chunk", good[:len(good)-3], name, k, ErrAuth},
		{"cut after the header", good[:HeaderSize], name, k, ErrAuth},
		{"swapped chunks", mod(good, func(b []byte) []byte {
			s1, e1 := chunk(b, 1)
			s2, e2 := chunk(b, 2)
			x := append([]byte(nil), b[s1:e1]...)
			copy(b[s1:e1], b[s2:e2])
			copy(b[s2:e2], x)
			return b
		}), name, k, ErrAuth},
		{"dropped middle chunk", mod(good, func(b []byte) []byte {
			s, e := chunk(b, 2)
			return append(b[:s:s], b[e:]...)
		}), name, k, ErrAuth},
		{"chunk appended after the final one", mod(full, func(b []byte) []byte {
			s, e := chunk(b, 0)
			return append(b, b[s:e]...)
		}), name, k, ErrAuth},
		{"another record's name", good, []byte("motcua/attachment/b"), k, ErrAuth},
		{"another key file, same key ID", good, name, other, ErrAuth},
		{"a key ID not in the key file", good, name, fixedKeyring(t), ErrUnknownKey},
		{"not a stream", []byte("hello"), name, k, ErrFormat},
		{"one-blob value", k.Seal(pt, name), name, k, ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := openAll(tt.kr, tt.stream, tt.open)
			if !errors.Is(err, tt.want) {
				t.Fatalf("open = %d bytes, %v; want %v", len(got), err, tt.want)
			}
		})
	}
	if got, err := openAll(k, good, name); err != nil || !bytes.Equal(got, pt) {
		t.Fatalf("untouched stream: %v", err)
	}
}

// The chunk API refuses misuse rather than sealing something that would
// not open.
func TestStreamSealerMisuse(t *testing.T) {
	k := newKeyring(t)
	s := k.NewStreamSealer([]byte("n"))
	if _, err := s.SealChunk(nil, []byte("short"), false); !errors.Is(err, ErrStreamUse) {
		t.Errorf("short middle chunk: %v", err)
	}
	if _, err := s.SealChunk(nil, make([]byte, ChunkSize+1), true); !errors.Is(err, ErrStreamUse) {
		t.Errorf("oversized chunk: %v", err)
	}
	if _, err := s.SealChunk(nil, nil, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SealChunk(nil, nil, true); !errors.Is(err, ErrStreamUse) {
		t.Errorf("chunk after the final one: %v", err)
	}
	if _, err := StreamKeyOf(append([]byte{2}, make([]byte, HeaderSize-1)...)); !errors.Is(err, ErrFormat) {
		t.Errorf("chunk size 0 accepted: %v", err)
	}
}

// FuzzOpenStream: whatever the bytes, opening never panics, never
// allocates beyond the chunk bound, and succeeds only on a stream exactly
// as sealed.
func FuzzOpenStream(f *testing.F) {
	k := fixedKeyring(f)
	name := []byte("motcua/attachment/fuzz")
	var seeds [][]byte
	for i, n := range []int{0, 5, 64, 64 * 3, 64*3 + 1} {
		s := sealWith(f, k, 64, name, pseudo(n, uint64(i)))
		seeds = append(seeds, s)
		f.Add(s)
	}
	f.Add([]byte{2, 0, 0, 0, 7, 0xFF, 0xFF, 0xFF, 0xFF})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := openAll(k, b, name)
		if err != nil {
			return
		}
		for _, s := range seeds {
			if bytes.Equal(s, b) {
				return
			}
		}
		t.Fatalf("a stream not sealed here opened: %x", b)
	})
}

// Throughput of the one-blob Seal/Open against the chunked stream, on an
// attachment-sized value, in the same run.
func BenchmarkSealOpen(b *testing.B) {
	k := newKeyring(b)
	name := []byte("motcua/attachment/bench")
	pt := pseudo(8<<20, 9)
	blob := k.Seal(pt, name)
	var stream bytes.Buffer
	w := k.NewWriter(&stream, name)
	w.Write(pt)
	w.Close()
	b.Run("blob/seal", func(b *testing.B) {
		b.SetBytes(int64(len(pt)))
		for b.Loop() {
			k.Seal(pt, name)
		}
	})
	b.Run("stream/seal", func(b *testing.B) {
		b.SetBytes(int64(len(pt)))
		for b.Loop() {
			w := k.NewWriter(io.Discard, name)
			w.Write(pt)
			w.Close()
		}
	})
	b.Run("blob/open", func(b *testing.B) {
		b.SetBytes(int64(len(pt)))
		for b.Loop() {
			if _, err := k.Open(blob, name); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("stream/open", func(b *testing.B) {
		b.SetBytes(int64(len(pt)))
		for b.Loop() {
			if _, err := io.Copy(io.Discard, k.NewReader(bytes.NewReader(stream.Bytes()), name)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

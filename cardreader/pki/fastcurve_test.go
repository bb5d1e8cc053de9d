package pki

import (
	"syscall"
	"time"

	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"testing"

	"github.com/ProtonMail/go-crypto/brainpool"

	"motcua/cardreader/internal/bp256"
	"motcua/cardreader/lds"
)

// TestBrainpoolP256Verify checks signatures by go-crypto brainpoolP256r1
// keys through the bp256 path: good ones pass, altered ones fail, and the
// key actually takes the fast curve.
func TestBrainpoolP256Verify(t *testing.T) {
	alg := lds.SignatureAlgorithm{Name: "ecdsa-with-SHA256", Kind: lds.SigECDSA, Hash: crypto.SHA256}
	for range 4 {
		key, err := ecdsa.GenerateKey(brainpool.P256r1(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if fastKey(&key.PublicKey).Curve != bp256.P256r1() {
			t.Fatal("brainpoolP256r1 key not moved to bp256")
		}
		msg := []byte("signed attributes")
		d := sha256.Sum256(msg)
		sig, err := ecdsa.SignASN1(rand.Reader, key, d[:])
		if err != nil {
			t.Fatal(err)
		}
		if err := VerifySignature(&key.PublicKey, alg, 0, msg, sig); err != nil {
			t.Fatalf("good signature: %v", err)
		}
		if err := VerifySignature(&key.PublicKey, alg, 0, []byte("other attributes"), sig); !errors.Is(err, ErrSignature) {
			t.Fatalf("other message: err %v", err)
		}
		bad := append([]byte(nil), sig...)
		bad[len(bad)-1] ^= 1
		if err := VerifySignature(&key.PublicKey, alg, 0, msg, bad); !errors.Is(err, ErrSignature) {
			t.Fatalf("altered signature: err %v", err)
		}
	}
	// Other curves keep their own implementation.
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if fastKey(&p256.PublicKey).Curve != elliptic.P256() {
		t.Error("P-256 key was swapped")
	}
	bp384, _ := ecdsa.GenerateKey(brainpool.P384r1(), rand.Reader)
	if fastKey(&bp384.PublicKey).Curve != brainpool.P384r1() {
		t.Error("brainpoolP384r1 key was swapped")
	}
}

// BenchmarkBrainpoolP256Verify compares one ECDSA verification on
// brainpoolP256r1 through bp256 with go-crypto's generic curve, in one run.
func BenchmarkBrainpoolP256Verify(b *testing.B) {
	key, _ := ecdsa.GenerateKey(brainpool.P256r1(), rand.Reader)
	d := sha256.Sum256([]byte("signed attributes"))
	sig, _ := ecdsa.SignASN1(rand.Reader, key, d[:])
	for _, tc := range []struct {
		name string
		pub  *ecdsa.PublicKey
	}{{"bp256", fastKey(&key.PublicKey)}, {"go-crypto", &key.PublicKey}} {
		b.Run(tc.name, func(b *testing.B) {
			t0 := processCPU()
			for b.Loop() {
				if !ecdsa.VerifyASN1(tc.pub, d[:], sig) {
					b.Fatal("verification failed")
				}
			}
			b.ReportMetric(float64(processCPU()-t0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// processCPU is the process's CPU time so far: on a shared machine wall
// time mostly measures the neighbours.
func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"motcua/cardreader/fixture"
	"motcua/cardreader/pki"
)

// TestRun makes a fresh PKI, checks its shape and that a second run keeps
// every file as it is.
func TestRun(t *testing.T) {
	out := t.TempDir()
	if err := run(out, "", false); err != nil {
		t.Fatal(err)
	}
	trust, err := pki.LoadTrustStore(filepath.Join(out, "trust"))
	if err != nil || trust.Len() != 2 {
		t.Fatalf("trust: %d certificates, %v", trust.Len(), err)
	}
	ml, err := pki.LoadTrustStore(filepath.Join(out, "masterlist"))
	if err != nil || ml.Len() != 2 {
		t.Fatalf("master list: %d certificates, %v", ml.Len(), err)
	}
	p, err := fixture.LoadPKI(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{fixture.SignerDefault, fixture.SignerExpired, fixture.SignerRogue, "test-ds-p256", "test-ds-brainpool"} {
		if p.Signers[name] == nil {
			t.Errorf("signer %s missing", name)
		}
	}
	rogue, err := pki.ParseCertificate(p.Signers[fixture.SignerRogue].Cert)
	if err != nil {
		t.Fatal(err)
	}
	for _, ca := range trust.Certificates() {
		if rogue.CheckSignatureFrom(ca) == nil {
			t.Fatal("the rogue signer chains to a trusted CSCA")
		}
	}
	before := snapshot(t, out)
	if err := run(out, "", false); err != nil {
		t.Fatal(err)
	}
	after := snapshot(t, out)
	for path, b := range before {
		if !bytes.Equal(after[path], b) {
			t.Errorf("%s changed on the second run", path)
		}
	}
}

func snapshot(t *testing.T, dir string) map[string][]byte {
	out := map[string][]byte{}
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		out[path] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

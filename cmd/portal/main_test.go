package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/offline/dossier"
	"motcua/offline/portal"
	"motcua/offline/portalserver"
)

// startPortal runs `portal serve` in-process and returns its base URL.
func startPortal(t *testing.T, args ...string) (url string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("no listen line: %v", err)
	}
	go io.Copy(io.Discard, pr)
	url = strings.TrimSpace(strings.TrimPrefix(line, "portal listening on "))
	return url, func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}
}

func TestServeSubmitCount(t *testing.T) {
	dir := t.TempDir()
	url, stop := startPortal(t, "--data", dir, "--token", "tok-a=KIOSK-A", "--token", "tok-b", "--agency", "000.00.01.H22")
	for _, tok := range []string{"tok-a", "tok-b"} {
		c, _ := portal.NewHTTPClient(url, tok)
		d := testDossier()
		for i := 0; i < 2; i++ { // the second is a replay
			r, err := c.Submit(context.Background(), d)
			if err != nil || !strings.HasPrefix(r.Code, "000.00.01.H22-") {
				t.Fatalf("submit: %+v %v", r, err)
			}
		}
	}
	if err := run(context.Background(), []string{"count", "--data", dir, "--json"}, io.Discard, io.Discard); err == nil {
		t.Fatal("count on a running portal's store should fail")
	}
	stop()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"count", "--data", dir, "--json"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	var c portalserver.Counts
	if err := json.Unmarshal(out.Bytes(), &c); err != nil || c != (portalserver.Counts{Dossiers: 2, DistinctKioskDossierIDs: 2}) {
		t.Fatalf("count = %s (%v)", out.String(), err)
	}
	if !strings.Contains(out.String(), `"distinctKioskDossierIDs":2`) {
		t.Fatalf("JSON names: %s", out.String())
	}
}

func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t)
	url, stop := startPortal(t, "--data", dir, "--token", "tok", "--tls-cert", certFile, "--tls-key", keyFile)
	defer stop()
	if !strings.HasPrefix(url, "https://") {
		t.Fatalf("url %s", url)
	}
	c, _ := portal.NewHTTPClient(url, "tok", portal.WithTLSConfig(&tls.Config{RootCAs: pool}))
	if err := c.Probe(context.Background()); err != nil {
		t.Fatal(err)
	}
	plain, _ := portal.NewHTTPClient(url, "tok")
	if err := plain.Probe(context.Background()); err == nil {
		t.Fatal("untrusted certificate accepted")
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{"serve"}, {"serve", "--data", "x"}, {"count"}, {"bogus"},
		{"serve", "--data", "x", "--token", "t", "--tls-cert", "c"}} {
		if err := run(context.Background(), args, io.Discard, io.Discard); err != errUsage {
			t.Errorf("%v: err = %v, want usage", args, err)
		}
	}
}

func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "portal test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	kd, _ := x509.MarshalECPrivateKey(key)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kd}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// testDossier is a minimal dossier about a fictional person.
func testDossier() *dossier.Dossier {
	return &dossier.Dossier{ID: dossier.NewID(time.Now()), ProcedureCode: "1.004227", ProcedureName: "Đăng ký thường trú",
		Applicants: []dossier.Applicant{{Role: "requester", ID: "001203004567", FullName: "Nguyễn Văn An"}},
		Values:     map[string]dossier.Value{}, CreatedAt: time.Now(), KioskID: "KIOSK-A", ProcessingDays: 7}
}

package portal

import (
	"context"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// Issue 13.9: plain http only to this machine.
func TestPlainHTTPOnlyToLoopback(t *testing.T) {
	for _, tt := range []struct {
		url  string
		want error
	}{
		{"http://127.0.0.1:8470", nil},
		{"http://127.8.9.10:8470", nil},
		{"http://[::1]:8470", nil},
		{"http://localhost:8470", nil},
		{"https://dichvucong.example.vn", nil},
		{"http://dichvucong.example.vn", ErrInsecure},
		{"http://10.0.0.5:8470", ErrInsecure},
		{"http://localhost.example.vn", ErrInsecure},
		{"http://[::ffff:8.8.8.8]", ErrInsecure},
	} {
		_, err := NewHTTPClient(tt.url, "t")
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.url, err, tt.want)
		}
	}
}

// Issue 13.9: a configured CA and a pinned key; a portal with another key
// is unreachable (Offline: the dossier stays queued), never trusted.
func TestCAAndPinning(t *testing.T) {
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{}`))
	}))
	defer ts.Close()
	cert := ts.Certificate()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600)
	good := hex.EncodeToString(PinOf(cert))
	other := "sha256/" + "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
	for _, tt := range []struct {
		name string
		s    Settings
		kind Kind
	}{
		{"system roots do not know the test CA", Settings{}, Offline},
		{"configured CA", Settings{CAFile: ca}, 0},
		{"CA and the right pin", Settings{CAFile: ca, Pins: []string{other, good}}, 0},
		{"CA and a wrong pin", Settings{CAFile: ca, Pins: []string{other}}, Offline},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.s.URL, tt.s.Token = ts.URL, "tok"
			c, err := New(tt.s)
			if err != nil {
				t.Fatal(err)
			}
			err = c.Probe(context.Background())
			if got := KindOf(err); got != tt.kind {
				t.Fatalf("probe: %v (kind %v), want kind %v", err, got, tt.kind)
			}
		})
	}
	if _, err := New(Settings{Kind: "igate", URL: ts.URL}); !errors.Is(err, ErrUnknownKind) {
		t.Fatalf("unknown kind: %v", err)
	}
	if _, err := TLSConfig("", []string{"not-a-pin"}); err == nil {
		t.Fatal("bad pin accepted")
	}
}

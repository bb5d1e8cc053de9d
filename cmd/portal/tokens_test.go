package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua/offline/portal"
)

func TestTokenSources(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "tokens")
	os.WriteFile(good, []byte("# kiosks of the ward\ntok-file=KIOSK-F\n\n"), 0o600)
	open := filepath.Join(dir, "tokens-open")
	os.WriteFile(open, []byte("tok=K\n"), 0o644)
	for _, tc := range []struct {
		name, file, env string
		want            map[string]string
		wantErr         bool
	}{
		{"file", good, "", map[string]string{"tok-file": "KIOSK-F"}, false},
		{"environment", "", "tok-env=KIOSK-E, tok-2=KIOSK-2", map[string]string{"tok-env": "KIOSK-E", "tok-2": "KIOSK-2"}, false},
		{"both", good, "tok-env=KIOSK-E", map[string]string{"tok-file": "KIOSK-F", "tok-env": "KIOSK-E"}, false},
		{"file readable by others", open, "", nil, true},
		{"missing file", filepath.Join(dir, "nope"), "", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(envTokens, tc.env)
			got := tokens{}
			err := loadTokens(got, tc.file)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v", err)
			}
			if tc.wantErr {
				return
			}
			if len(got) != len(tc.want) {
				t.Fatalf("tokens %v, want %v", got, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Fatalf("tokens %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestAdminTokenSources(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "admin")
	os.WriteFile(f, []byte("admin-token-from-file\n"), 0o600)
	for _, tc := range []struct {
		name, flag, file, env, want string
		wantErr                     bool
	}{
		{"none", "", "", "", "", false},
		{"file", "", f, "", "admin-token-from-file", false},
		{"environment", "", "", "admin-token-from-env", "admin-token-from-env", false},
		{"two sources", "admin-token-from-flag", "", "admin-token-from-env", "", true},
		{"too short", "short", "", "", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(envAdminToken, tc.env)
			got, err := loadAdminToken(tc.flag, tc.file)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Fatalf("got %q, %v; want %q (error %v)", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

// The admin API answers only on its own listener.
func TestServeAdminListener(t *testing.T) {
	t.Setenv(envTokens, "tok=KIOSK-A")
	t.Setenv(envAdminToken, "admin-token-0123456789")
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0", "--data", t.TempDir()}, pw, io.Discard)
		pw.Close()
	}()
	br := bufio.NewReader(pr)
	var urls []string
	for range 2 {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		f := strings.Fields(line)
		urls = append(urls, f[len(f)-1])
	}
	go io.Copy(io.Discard, br)
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	c, _ := portal.NewHTTPClient(urls[0], "tok")
	if err := c.Probe(ctx); err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{404, 200} {
		req, _ := http.NewRequest("POST", urls[i]+"/admin/faults", strings.NewReader(`{}`))
		req.Header.Set("Authorization", "Bearer admin-token-0123456789")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("%s: %d, want %d", urls[i], resp.StatusCode, want)
		}
	}
}

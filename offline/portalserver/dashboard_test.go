package portalserver

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"motcua/offline/heartbeat"
	"motcua/offline/portal"
)

var screenshots = flag.String("screenshots", "", "write the dashboard screenshots into this directory (e.g. ../../docs)")

const testAdmin = "admin-token-for-tests-0123"

// fleetNow is the dashboard tests' clock.
var fleetNow = time.Date(2026, 3, 6, 9, 30, 0, 0, portal.Vietnam)

// fleetFixture is a province of eight kiosks in every state the dashboard
// knows, built through the store like real heartbeats.
func fleetFixture(t *testing.T) (*Server, *httptest.Server) {
	t.Helper()
	srv, err := Open(Config{Dir: t.TempDir(), NoSync: true, Tokens: map[string]string{"t": "K"}, AdminToken: testAdmin,
		Now: func() time.Time { return fleetNow }})
	if err != nil {
		t.Fatal(err)
	}
	ok := heartbeat.Device{State: heartbeat.StateOK}
	base := heartbeat.Status{Version: "1.4.0", Mode: heartbeat.ModeCounter, Online: true, Reader: heartbeat.Device{State: heartbeat.StateOK, Model: "ACS ACR1252U"},
		Card: heartbeat.CardNone, Scanner: ok, Printer: ok, TrustListIssued: fleetNow.AddDate(0, 0, -20), FreeDiskBytes: 48 << 30}
	put := func(kiosk, ward string, ago time.Duration, edit func(*heartbeat.Status)) {
		st := base
		st.Ward = ward
		st.At = fleetNow.Add(-ago)
		st.LastSync = st.At.Add(-10 * time.Second)
		if edit != nil {
			edit(&st)
		}
		b, err := json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.store.PutHeartbeat(context.Background(), Heartbeat{KioskID: kiosk, ReceivedAt: fleetNow.Add(-ago).UTC(), Body: b}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 12; i >= 0; i-- { // a healthy kiosk's last six minutes
		put("KIOSK-HK-01", "Phường Hoàn Kiếm", time.Duration(i)*30*time.Second, nil)
	}
	put("KIOSK-HK-02", "Phường Hoàn Kiếm", 40*time.Second, func(s *heartbeat.Status) {
		s.Printer = heartbeat.Device{State: heartbeat.StatePaperOut, Model: "HP LaserJet M111w"}
		s.Card = heartbeat.CardPresent
	})
	put("KIOSK-BD-01", "Phường Ba Đình", 2*time.Hour, func(s *heartbeat.Status) { s.Queue, s.OldestQueued = 2, s.At.Add(-time.Hour) })
	for i, q := range []int{1, 2, 3, 5, 8, 12} { // a backlog growing for 50 minutes, the oldest 30 h old
		ago := time.Duration(5-i) * 10 * time.Minute
		put("KIOSK-CG-01", "Phường Cầu Giấy", ago, func(s *heartbeat.Status) {
			s.Queue, s.OldestQueued, s.Online = q, fleetNow.Add(-30*time.Hour), false
			s.LastSync = fleetNow.Add(-30 * time.Hour)
		})
	}
	put("KIOSK-LB-01", "Phường Long Biên", 25*time.Second, func(s *heartbeat.Status) {
		s.Reader = heartbeat.Device{State: heartbeat.StateMissing}
		s.TrustListIssued = fleetNow.AddDate(0, 0, -120)
	})
	put("KIOSK-TX-01", "Phường Thanh Xuân", 10*time.Second, func(s *heartbeat.Status) { s.Mode = heartbeat.ModeSelfService })
	put("KIOSK-HD-01", "Phường Hà Đông", 50*time.Second, func(s *heartbeat.Status) { s.Scanner = heartbeat.Device{State: heartbeat.StateError} })
	put("KIOSK-DD-01", "Phường Đống Đa", 15*time.Minute, func(s *heartbeat.Status) {
		s.Queue, s.OldestQueued = 3, s.At.Add(-20*time.Minute)
	})
	admin := httptest.NewServer(srv.AdminHandler())
	t.Cleanup(func() { admin.Close(); srv.Close() })
	return srv, admin
}

// loginURL asks the admin API for a one-time sign-in link leading to next.
func loginURL(t *testing.T, admin *httptest.Server, next string) string {
	t.Helper()
	req, _ := http.NewRequest("POST", admin.URL+"/admin/login-link", nil)
	req.Header.Set("Authorization", "Bearer "+testAdmin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ URL string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.URL == "" {
		t.Fatalf("login link: %d %v", resp.StatusCode, err)
	}
	return admin.URL + out.URL + "&next=" + url.QueryEscape(next)
}

var rowRE = regexp.MustCompile(`<tr class="kiosk" data-kiosk="([^"]+)"`)

func rows(html string) []string {
	var out []string
	for _, m := range rowRE.FindAllStringSubmatch(html, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestFleetFilterSort(t *testing.T) {
	srv, _ := fleetFixture(t)
	views, err := srv.kioskViews(context.Background(), tr{"vi"}, fleetNow)
	if err != nil {
		t.Fatal(err)
	}
	ids := func(vs []kioskView) []string {
		var out []string
		for _, v := range vs {
			out = append(out, v.ID)
		}
		return out
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"sort=kiosk", []string{"KIOSK-BD-01", "KIOSK-CG-01", "KIOSK-DD-01", "KIOSK-HD-01", "KIOSK-HK-01", "KIOSK-HK-02", "KIOSK-LB-01", "KIOSK-TX-01"}},
		{"sort=queue&desc=1", []string{"KIOSK-CG-01", "KIOSK-DD-01", "KIOSK-BD-01", "KIOSK-HD-01", "KIOSK-HK-01", "KIOSK-HK-02", "KIOSK-LB-01", "KIOSK-TX-01"}},
		{"", []string{"KIOSK-BD-01", "KIOSK-DD-01", "KIOSK-CG-01", "KIOSK-LB-01", "KIOSK-HD-01", "KIOSK-HK-02", "KIOSK-HK-01", "KIOSK-TX-01"}},
		{"alert=printer", []string{"KIOSK-HK-02"}},
		{"alert=offline&sort=seen", []string{"KIOSK-DD-01", "KIOSK-BD-01"}},
		{"alert=none&sort=kiosk", []string{"KIOSK-HK-01", "KIOSK-TX-01"}},
		{"q=ho%C3%A0n+ki%E1%BA%BFm&sort=kiosk", []string{"KIOSK-HK-01", "KIOSK-HK-02"}},
		{"q=cg-01", []string{"KIOSK-CG-01"}},
		{"alert=backlog-growing", []string{"KIOSK-CG-01"}},
		{"alert=trust-list", []string{"KIOSK-LB-01"}},
		{"q=nowhere", nil},
	} {
		t.Run(tc.query, func(t *testing.T) {
			q, _ := url.ParseQuery(tc.query)
			if got := ids(filterSort(views, parseFleetQuery(q))); !slices.Equal(got, tc.want) {
				t.Fatalf("got  %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestFleetAuth(t *testing.T) {
	srv, admin := fleetFixture(t)
	evil := fmt.Appendf(nil, `{"version":"1","mode":"counter","ward":"Phường <script>alert(1)</script>","at":%q,"queue":0,"reader":{"state":"ok"},"scanner":{"state":"ok"},"printer":{"state":"ok"},"freeDiskBytes":1}`,
		fleetNow.UTC().Format(time.RFC3339))
	if err := srv.store.PutHeartbeat(context.Background(), Heartbeat{KioskID: "KIOSK-X", ReceivedAt: fleetNow, Body: evil}); err != nil {
		t.Fatal(err)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u string, hdr ...string) (*http.Response, string) {
		req, _ := http.NewRequest("GET", u, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	if resp, _ := get(admin.URL + "/admin/fleet"); resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login") {
		t.Fatalf("no session: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := get(admin.URL+"/admin/fleet", "Cookie", sessionCookie+"=forged"); resp.StatusCode != 303 {
		t.Fatalf("forged cookie: %d", resp.StatusCode)
	}
	resp, body := get(admin.URL+"/admin/fleet", "Authorization", "Bearer "+testAdmin)
	if resp.StatusCode != 200 || !strings.Contains(body, "Giám sát kiosk toàn tỉnh") {
		t.Fatalf("bearer: %d", resp.StatusCode)
	}
	// Kiosk data is escaped: a ward name cannot run script in the operator's browser.
	if strings.Contains(body, "<script>alert(1)") || !strings.Contains(body, "&lt;script&gt;") {
		t.Fatal("ward name not escaped")
	}
	link := loginURL(t, admin, "//evil.example/x")
	resp, _ = get(link)
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/fleet" || len(resp.Cookies()) != 1 {
		t.Fatalf("login link: %d %q %v", resp.StatusCode, resp.Header.Get("Location"), resp.Cookies())
	}
	c := resp.Cookies()[0]
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/admin" {
		t.Fatalf("cookie %+v", c)
	}
	if resp, _ := get(admin.URL+"/admin/fleet/KIOSK-CG-01", "Cookie", c.Name+"="+c.Value); resp.StatusCode != 200 {
		t.Fatalf("with session: %d", resp.StatusCode)
	}
	if resp, _ := get(link); resp.StatusCode != 401 { // one time only
		t.Fatalf("login link reused: %d", resp.StatusCode)
	}
	form := url.Values{"token": {"wrong"}}
	resp, err := noRedirect.PostForm(admin.URL+"/admin/login", form)
	if err != nil || resp.StatusCode != 401 {
		t.Fatalf("wrong token form: %v %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	resp, err = noRedirect.PostForm(admin.URL+"/admin/login", url.Values{"token": {testAdmin}, "next": {"/admin/fleet?lang=en"}})
	if err != nil || resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/fleet?lang=en" {
		t.Fatalf("token form: %v %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	if resp, _ := get(admin.URL+"/admin/fleet/NOPE", "Authorization", "Bearer "+testAdmin); resp.StatusCode != 404 {
		t.Fatalf("unknown kiosk: %d", resp.StatusCode)
	}
}

// chromium runs Debian's headless Chromium with a fresh profile.
func chromium(t *testing.T, args ...string) string {
	t.Helper()
	bin := "/usr/bin/chromium"
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("headless Chromium is needed for the dashboard test (%v); install with: sudo apt-get install -y chromium", err)
	}
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
		"--disable-sync", "--no-first-run", "--user-data-dir=" + t.TempDir(), "--lang=vi", "--hide-scrollbars"}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, errb.String())
	}
	return out.String()
}

// TestFleetInChromium drives the dashboard in a real browser: sign in by a
// one-time link, sort, filter, open a kiosk's detail, and take screenshots.
func TestFleetInChromium(t *testing.T) {
	_, admin := fleetFixture(t)
	dom := func(next string) string { return chromium(t, "--dump-dom", loginURL(t, admin, next)) }

	page := dom("/admin/fleet")
	if !strings.Contains(page, "Giám sát kiosk toàn tỉnh") || !strings.Contains(page, `http-equiv="refresh"`) {
		t.Fatal("the signed-in browser did not get the Vietnamese, self-refreshing fleet page")
	}
	for _, want := range []string{`id="n-total">8<`, `id="n-offline">2<`, "Máy in lỗi/hết giấy", "Hồ sơ tồn tăng dần", "Thiếu đầu đọc thẻ"} {
		if !strings.Contains(page, want) {
			t.Errorf("fleet page lacks %q", want)
		}
	}
	for _, tc := range []struct {
		next string
		want []string
	}{
		{"/admin/fleet?sort=queue&desc=1", []string{"KIOSK-CG-01", "KIOSK-DD-01", "KIOSK-BD-01", "KIOSK-HD-01", "KIOSK-HK-01", "KIOSK-HK-02", "KIOSK-LB-01", "KIOSK-TX-01"}},
		{"/admin/fleet?alert=printer", []string{"KIOSK-HK-02"}},
		{"/admin/fleet?q=Ho%C3%A0n+Ki%E1%BA%BFm&sort=kiosk", []string{"KIOSK-HK-01", "KIOSK-HK-02"}},
	} {
		if got := rows(dom(tc.next)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: rows %v, want %v", tc.next, got, tc.want)
		}
	}
	en := dom("/admin/fleet?lang=en")
	if !strings.Contains(en, "Province kiosk fleet") {
		t.Error("English page missing")
	}
	detail := dom("/admin/fleet/KIOSK-CG-01")
	if n := strings.Count(detail, "<tr><td>"); n != 6 || !strings.Contains(detail, "Hồ sơ chờ quá 1 ngày") || !strings.Contains(detail, "<polyline") {
		t.Errorf("detail page: %d history rows, want 6, with alerts and the queue chart", n)
	}

	dir := *screenshots
	if dir == "" {
		dir = t.TempDir()
	}
	for _, shot := range []struct{ file, next, size string }{
		{"fleet-dashboard.png", "/admin/fleet", "1680,820"},
		{"fleet-kiosk.png", "/admin/fleet/KIOSK-CG-01", "1100,900"},
	} {
		path, _ := filepath.Abs(filepath.Join(dir, shot.file))
		chromium(t, "--screenshot="+path, "--window-size="+shot.size, loginURL(t, admin, shot.next))
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", shot.file, err)
		}
		if img.Bounds().Dx() < 1000 {
			t.Fatalf("%s: %v", shot.file, img.Bounds())
		}
		t.Logf("screenshot %s (%v)", path, img.Bounds().Size())
	}
}

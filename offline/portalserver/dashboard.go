package portalserver

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"motcua/assets"
	"motcua/offline/heartbeat"
	"motcua/offline/portal"
)

// The fleet dashboard: server-rendered pages on the admin listener, behind
// the admin token. A browser signs in with the token (a form) or with a
// one-time link that an admin API call makes (POST /admin/login-link), and
// then holds a session cookie (HttpOnly, SameSite=Strict, 8 hours). Sorting
// and filtering are query parameters, so the pages work without script and
// a refresh keeps the view; the page reloads itself every 30 seconds.

//go:embed templates/*.html
var templateFS embed.FS

const (
	sessionCookie = "motcua_admin"
	sessionTTL    = 8 * time.Hour
	loginCodeTTL  = 2 * time.Minute
	refreshSecs   = 30
)

// sessions holds the admin browser sessions and one-time login codes, in
// memory: a restart signs everyone out, which is acceptable for an
// operator's page.
type sessions struct {
	mu    sync.Mutex
	live  map[string]time.Time // session ID -> expiry
	codes map[string]time.Time // one-time login code -> expiry
}

func newToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (ss *sessions) add(m *map[string]time.Time, ttl time.Duration, now time.Time) string {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if *m == nil {
		*m = map[string]time.Time{}
	}
	for k, exp := range *m { // drop the expired while we are here
		if now.After(exp) {
			delete(*m, k)
		}
	}
	t := newToken()
	(*m)[t] = now.Add(ttl)
	return t
}

func (ss *sessions) valid(m map[string]time.Time, t string, now time.Time, consume bool) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	exp, ok := m[t]
	if consume {
		delete(m, t)
	}
	return ok && t != "" && now.Before(exp)
}

// messages are the dashboard's texts by language (assets/i18n/LANG/fleet.json).
var messages = sync.OnceValue(func() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, l := range []string{"vi", "en"} {
		raw, err := fs.ReadFile(assets.Translations(), l+"/fleet.json")
		if err != nil {
			panic(err) // embedded: a build defect
		}
		m := map[string]string{}
		if err := json.Unmarshal(raw, &m); err != nil {
			panic(err)
		}
		out[l] = m
	}
	return out
})

type tr struct{ lang string }

// T returns the text of key with {0}, {1}… replaced by args.
func (t tr) T(key string, args ...any) string {
	s, ok := messages()[t.lang][key]
	if !ok {
		s = messages()["vi"][key]
	}
	for i, a := range args {
		s = strings.ReplaceAll(s, "{"+strconv.Itoa(i)+"}", fmt.Sprint(a))
	}
	return s
}

// Age formats a duration roughly, in the page's language.
func (t tr) Age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return t.T("fleet.age.seconds", max(int(d.Seconds()), 0))
	case d < time.Hour:
		return t.T("fleet.age.minutes", int(d.Minutes()))
	case d < 48*time.Hour:
		return t.T("fleet.age.hours", int(d.Hours()))
	}
	return t.T("fleet.age.days", int(d.Hours()/24))
}

// devLabel is a device state as shown.
type devLabel struct {
	Text string
	Bad  bool
}

// Dev labels a device state.
func (t tr) Dev(s heartbeat.State) devLabel {
	if s == heartbeat.StateUnknown {
		return devLabel{Text: t.T("fleet.dev.unknown")}
	}
	return devLabel{Text: t.T("fleet.dev." + string(s)), Bad: s != heartbeat.StateOK}
}

// Ago formats how long ago t0 was at now ("never" for zero).
func (t tr) Ago(t0, now time.Time) string {
	if t0.IsZero() {
		return t.T("fleet.never")
	}
	return t.T("fleet.ago", t.Age(now.Sub(t0)))
}

var pageTemplates = template.Must(template.New("").Funcs(template.FuncMap{
	"local": func(t time.Time) string { return t.In(portal.Vietnam).Format("02/01/2006 15:04:05") },
	"gib":   func(b uint64) string { return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30)) },
}).ParseFS(templateFS, "templates/*.html"))

// kioskView is one kiosk as the pages show it.
type kioskView struct {
	tr
	ID        string
	Latest    heartbeat.Seen
	Online    bool
	Alerts    []heartbeat.Alert
	Oldest    time.Duration // age of the oldest queued dossier now (0: none)
	TrustAge  time.Duration // -1: none
	SeenAgo   time.Duration
	Corrupt   bool
	DetailURL string
}

func (s *Server) kioskViews(ctx context.Context, t tr, now time.Time) ([]kioskView, error) {
	fleet, err := s.store.Fleet(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]kioskView, 0, len(fleet))
	for _, hb := range fleet {
		v := kioskView{tr: t, ID: hb.KioskID, DetailURL: "/admin/fleet/" + url.PathEscape(hb.KioskID)}
		st, err := heartbeat.Parse(hb.Body)
		if err != nil {
			v.Corrupt = true
			out = append(out, v)
			continue
		}
		hist := []heartbeat.Seen{{Status: st, ReceivedAt: hb.ReceivedAt}}
		// Only a kiosk with a backlog can have a growing one: spare the
		// store a history read for the healthy majority.
		if st.Queue > 0 {
			if h, err := s.history(ctx, hb.KioskID); err == nil {
				hist = h
			}
		}
		s.fillView(&v, hist, now)
		out = append(out, v)
	}
	return out, nil
}

func (s *Server) history(ctx context.Context, kiosk string) ([]heartbeat.Seen, error) {
	raw, err := s.store.History(ctx, kiosk)
	if err != nil {
		return nil, err
	}
	out := make([]heartbeat.Seen, 0, len(raw))
	for _, hb := range raw {
		if st, err := heartbeat.Parse(hb.Body); err == nil {
			out = append(out, heartbeat.Seen{Status: st, ReceivedAt: hb.ReceivedAt})
		}
	}
	return out, nil
}

func (s *Server) fillView(v *kioskView, hist []heartbeat.Seen, now time.Time) {
	if len(hist) == 0 {
		return
	}
	cur := hist[0]
	v.Latest = cur
	v.Alerts = heartbeat.Alerts(hist, now)
	v.SeenAgo = now.Sub(cur.ReceivedAt)
	v.Online = v.SeenAgo <= heartbeat.OfflineAfter
	if cur.Queue > 0 && !cur.OldestQueued.IsZero() {
		v.Oldest = cur.At.Sub(cur.OldestQueued) + now.Sub(cur.ReceivedAt)
	}
	v.TrustAge = -1
	if !cur.TrustListIssued.IsZero() {
		v.TrustAge = cur.At.Sub(cur.TrustListIssued)
	}
}

// fleetQuery is the page's sorting and filtering.
type fleetQuery struct {
	Sort, Q, Alert, Lang string
	Desc                 bool
}

var sortKeys = []string{"kiosk", "ward", "state", "queue", "oldest", "seen"}

func parseFleetQuery(q url.Values) fleetQuery {
	f := fleetQuery{Sort: q.Get("sort"), Q: strings.TrimSpace(q.Get("q")), Alert: q.Get("alert"), Lang: q.Get("lang"), Desc: q.Get("desc") == "1"}
	if !slices.Contains(sortKeys, f.Sort) {
		f.Sort = "state"
	}
	if f.Lang != "en" {
		f.Lang = "vi"
	}
	if len(f.Q) > 100 {
		f.Q = f.Q[:100]
	}
	return f
}

// URL returns the page's URL with some parameters changed.
func (f fleetQuery) URL(change ...string) string {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	g := f
	for i := 0; i+1 < len(change); i += 2 {
		switch change[i] {
		case "sort":
			// Clicking the current column flips the order.
			if g.Sort == change[i+1] {
				g.Desc = !g.Desc
			} else {
				g.Sort, g.Desc = change[i+1], false
			}
		case "lang":
			g.Lang = change[i+1]
		}
	}
	set("sort", g.Sort)
	if g.Desc {
		v.Set("desc", "1")
	}
	set("q", g.Q)
	set("alert", g.Alert)
	if g.Lang == "en" {
		v.Set("lang", "en")
	}
	return "/admin/fleet?" + v.Encode()
}

// Arrow marks the sorted column.
func (f fleetQuery) Arrow(col string) string {
	if f.Sort != col {
		return ""
	}
	if f.Desc {
		return " ▼"
	}
	return " ▲"
}

func filterSort(views []kioskView, f fleetQuery) []kioskView {
	q := strings.ToLower(f.Q)
	out := views[:0:0]
	for _, v := range views {
		if q != "" && !strings.Contains(strings.ToLower(v.ID), q) && !strings.Contains(strings.ToLower(v.Latest.Ward), q) {
			continue
		}
		switch f.Alert {
		case "":
		case "any":
			if len(v.Alerts) == 0 && !v.Corrupt {
				continue
			}
		case "none":
			if len(v.Alerts) > 0 || v.Corrupt {
				continue
			}
		default:
			if !slices.Contains(v.Alerts, heartbeat.Alert(f.Alert)) {
				continue
			}
		}
		out = append(out, v)
	}
	// severity: offline first, then by number of alerts.
	severity := func(v kioskView) int {
		n := len(v.Alerts) * 2
		if !v.Online {
			n += 100
		}
		return n
	}
	slices.SortStableFunc(out, func(a, b kioskView) int {
		var c int
		switch f.Sort {
		case "ward":
			c = cmp.Compare(a.Latest.Ward, b.Latest.Ward)
		case "state":
			c = -cmp.Compare(severity(a), severity(b)) // worst first
		case "queue":
			c = cmp.Compare(a.Latest.Queue, b.Latest.Queue)
		case "oldest":
			c = cmp.Compare(a.Oldest, b.Oldest)
		case "seen":
			c = cmp.Compare(a.SeenAgo, b.SeenAgo)
		}
		if f.Desc {
			c = -c
		}
		if c == 0 {
			c = cmp.Compare(a.ID, b.ID)
		}
		return c
	})
	return out
}

type fleetPage struct {
	tr
	Query                             fleetQuery
	Now                               time.Time
	Kiosks                            []kioskView
	Total, Online, Offline, WithAlert int
	AlertKinds                        []heartbeat.Alert
	Refresh                           int
}

var alertKinds = []heartbeat.Alert{heartbeat.AlertOffline, heartbeat.AlertBacklogGrowing, heartbeat.AlertBacklogOld,
	heartbeat.AlertReader, heartbeat.AlertPrinter, heartbeat.AlertScanner, heartbeat.AlertTrustList}

func (s *Server) fleetPage(w http.ResponseWriter, r *http.Request) {
	now := s.cfg.Now()
	f := parseFleetQuery(r.URL.Query())
	views, err := s.kioskViews(r.Context(), tr{f.Lang}, now)
	if err != nil {
		s.log.Error("fleet", "err", err)
		http.Error(w, "store failure", http.StatusInternalServerError)
		return
	}
	p := fleetPage{tr: tr{f.Lang}, Query: f, Now: now, Total: len(views), AlertKinds: alertKinds, Refresh: refreshSecs}
	for _, v := range views {
		if v.Online {
			p.Online++
		} else {
			p.Offline++
		}
		if len(v.Alerts) > 0 {
			p.WithAlert++
		}
	}
	p.Kiosks = filterSort(views, f)
	render(w, "fleet.html", p)
}

type kioskPage struct {
	tr
	Query   fleetQuery
	Now     time.Time
	Kiosk   kioskView
	History []heartbeat.Seen
	Chart   template.HTML
	Refresh int
}

func (s *Server) kioskPage(w http.ResponseWriter, r *http.Request) {
	now := s.cfg.Now()
	f := parseFleetQuery(r.URL.Query())
	id := r.PathValue("kiosk")
	hist, err := s.history(r.Context(), id)
	if err != nil {
		s.log.Error("kiosk history", "err", err)
		http.Error(w, "store failure", http.StatusInternalServerError)
		return
	}
	p := kioskPage{tr: tr{f.Lang}, Query: f, Now: now, Kiosk: kioskView{tr: tr{f.Lang}, ID: id}, History: hist, Refresh: refreshSecs}
	if len(hist) == 0 {
		w.WriteHeader(http.StatusNotFound)
	} else {
		s.fillView(&p.Kiosk, hist, now)
		p.Chart = queueChart(hist)
	}
	render(w, "kiosk.html", p)
}

// queueChart draws the queue over the history as a small SVG polyline.
func queueChart(hist []heartbeat.Seen) template.HTML {
	const wd, ht = 600.0, 120.0
	if len(hist) < 2 {
		return ""
	}
	first, last := hist[len(hist)-1].ReceivedAt, hist[0].ReceivedAt
	span := last.Sub(first).Seconds()
	top := 1
	for _, h := range hist {
		top = max(top, h.Queue)
	}
	var pts []string
	for i := len(hist) - 1; i >= 0; i-- {
		x := 0.0
		if span > 0 {
			x = hist[i].ReceivedAt.Sub(first).Seconds() / span * wd
		}
		y := ht - float64(hist[i].Queue)/float64(top)*(ht-10)
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
	}
	// Only numbers go into the markup, so building it by hand is safe.
	return template.HTML(fmt.Sprintf(`<svg class="chart" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img">`+
		`<text x="4" y="12">%d</text><polyline fill="none" stroke="#b3261e" stroke-width="2" points="%s"/></svg>`,
		wd, ht, wd, ht, top, strings.Join(pts, " ")))
}

func render(w http.ResponseWriter, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if err := pageTemplates.ExecuteTemplate(w, name, data); err != nil {
		// Headers are gone; the page ends short. Nothing personal is in it.
		fmt.Fprintf(w, "<!-- template error -->")
	}
}

// adminPage lets a browser with a session (or a client with the bearer
// token) see a page; others are sent to sign in.
func (s *Server) adminPage(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.AdminToken == "" {
			unauthorized(w, "admin token required")
			return
		}
		if subtle.ConstantTimeCompare([]byte(bearer(r)), []byte(s.cfg.AdminToken)) == 1 {
			h(w, r)
			return
		}
		if c, err := r.Cookie(sessionCookie); err == nil && s.sess.valid(s.sess.live, c.Value, s.cfg.Now(), false) {
			h(w, r)
			return
		}
		http.Redirect(w, r, "/admin/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
	}
}

// loginLink makes a one-time sign-in code for a browser (POST, bearer).
func (s *Server) loginLink(w http.ResponseWriter, r *http.Request) {
	code := s.sess.add(&s.sess.codes, loginCodeTTL, s.cfg.Now())
	writeJSON(w, http.StatusOK, map[string]string{"code": code, "url": "/admin/login?code=" + code})
}

// safeNext keeps a redirect target inside the dashboard.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/admin/fleet") && !strings.HasPrefix(next, "//") && !strings.Contains(next, "\\") {
		return next
	}
	return "/admin/fleet"
}

func (s *Server) startSession(w http.ResponseWriter, r *http.Request) {
	id := s.sess.add(&s.sess.live, sessionTTL, s.cfg.Now())
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/admin", MaxAge: int(sessionTTL.Seconds()),
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, safeNext(r.FormValue("next")), http.StatusSeeOther)
}

type loginPage struct {
	tr
	Next string
	Bad  bool
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	lang := "vi"
	if r.FormValue("lang") == "en" {
		lang = "en"
	}
	if s.cfg.AdminToken == "" {
		unauthorized(w, "admin token required")
		return
	}
	switch r.Method {
	case http.MethodGet:
		if code := r.FormValue("code"); code != "" {
			if s.sess.valid(s.sess.codes, code, s.cfg.Now(), true) {
				s.startSession(w, r)
				return
			}
			w.WriteHeader(http.StatusUnauthorized)
			render(w, "login.html", loginPage{tr: tr{lang}, Next: safeNext(r.FormValue("next")), Bad: true})
			return
		}
		render(w, "login.html", loginPage{tr: tr{lang}, Next: safeNext(r.FormValue("next"))})
	case http.MethodPost:
		r.Body = http.MaxBytesReader(w, r.Body, 4096)
		if subtle.ConstantTimeCompare([]byte(r.FormValue("token")), []byte(s.cfg.AdminToken)) == 1 {
			s.startSession(w, r)
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
		render(w, "login.html", loginPage{tr: tr{lang}, Next: safeNext(r.FormValue("next")), Bad: true})
	}
}

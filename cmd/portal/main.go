// Command portal is the reference one-door portal: an HTTP/JSON server with
// its own bbolt store that takes dossiers from kiosks idempotently, issues
// dossier codes and receipts, and reports DVCQG status codes.
//
//	portal [serve] --addr 127.0.0.1:8470 --data DIR --token TOKEN[=KIOSKID] [--token …]
//	       [--token-file FILE] [--agency CODE] [--tls-cert FILE --tls-key FILE]
//	       [--admin-addr 127.0.0.1:8471 --admin-token-file FILE] [--max-conns N] [--nosync]
//
// Tokens may also come from the environment (MOTCUA_PORTAL_TOKENS,
// MOTCUA_PORTAL_ADMIN_TOKEN), so they need not show in ps. The admin API
// (fault switches, status changes) has its own listener.
//
//	portal count (--data DIR | --db URL) [--json]
//	portal stats (--data DIR | --db URL) [--day YYYY-MM-DD] [--kiosk ID] [--json]
//
// With --db postgres://… the portal keeps its data in PostgreSQL instead of
// the embedded bbolt store, and several portal processes may share it.
//
// Besides dossiers it takes kiosks' satisfaction ratings and Decision 06
// indicator totals (POST /v1/stats); `portal stats` sums them.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // Asia/Ho_Chi_Minh even on a machine without a zone database

	"motcua/cardreader/cccd"
	"motcua/offline/portal"
	"motcua/offline/portalserver"
	"motcua/offline/portalserver/pgstore"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, stdout, stderr)
	case "count":
		return count(args, stdout, stderr)
	case "stats":
		return stats(args, stdout, stderr)
	}
	fmt.Fprintf(stderr, "portal: unknown command %q (serve, count, stats)\n", cmd)
	return errUsage
}

// tokens collects --token TOKEN or TOKEN=KIOSKID.
type tokens map[string]string

func (t tokens) String() string { return fmt.Sprintf("%d tokens", len(t)) }

func (t tokens) Set(s string) error {
	tok, kiosk, ok := strings.Cut(s, "=")
	if tok == "" {
		return errors.New("empty token")
	}
	if !ok || kiosk == "" {
		// A kiosk known only by its token is named by a hash of it, so the
		// token itself is never written to the store.
		sum := sha256.Sum256([]byte(tok))
		kiosk = "kiosk-" + hex.EncodeToString(sum[:6])
	}
	t[tok] = kiosk
	return nil
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("portal serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8470", "listen address of the kiosk API")
	data := fs.String("data", "", "data directory of the embedded bbolt store")
	dbURL := fs.String("db", "", "PostgreSQL URL (postgres://user:pass@host:port/db) instead of --data; several portals may share it")
	toks := tokens{}
	fs.Var(toks, "token", "kiosk bearer token, or TOKEN=KIOSKID; repeatable (visible to ps: prefer --token-file or $"+envTokens+")")
	tokFile := fs.String("token-file", "", "file of kiosk tokens, one TOKEN[=KIOSKID] a line (# comments); mode 0600")
	agency := fs.String("agency", "000.00.00.H00", "receiving agency code used in dossier codes")
	cert := fs.String("tls-cert", "", "TLS certificate (PEM); with --tls-key serves HTTPS")
	key := fs.String("tls-key", "", "TLS private key (PEM)")
	admin := fs.String("admin-token", "", "admin bearer token (visible to ps: prefer --admin-token-file or $"+envAdminToken+")")
	adminFile := fs.String("admin-token-file", "", "file holding the admin token; mode 0600")
	adminAddr := fs.String("admin-addr", "127.0.0.1:8471", "listen address of the admin API (only with an admin token)")
	var lim portalserver.Limits
	fs.DurationVar(&lim.ReadHeaderTimeout, "read-header-timeout", portalserver.DefaultReadHeaderTimeout, "time a client has to send its headers")
	fs.DurationVar(&lim.ReadTimeout, "read-timeout", portalserver.DefaultReadTimeout, "time a client has to send a whole request")
	fs.DurationVar(&lim.WriteTimeout, "write-timeout", portalserver.DefaultWriteTimeout, "time to write an answer")
	fs.DurationVar(&lim.IdleTimeout, "idle-timeout", portalserver.DefaultIdleTimeout, "keep-alive idle time")
	fs.IntVar(&lim.MaxConns, "max-conns", portalserver.DefaultMaxConns, "open connections at most, per listener")
	maxUploads := fs.Int("max-uploads", 8, "request bodies read at once at most (memory bound: this × 20 MB)")
	noSync := fs.Bool("nosync", false, "do not fsync commits (tests only)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := loadTokens(toks, *tokFile); err != nil {
		fmt.Fprintln(stderr, "portal:", err)
		return errUsage
	}
	adminTok, err := loadAdminToken(*admin, *adminFile)
	if err != nil {
		fmt.Fprintln(stderr, "portal:", err)
		return errUsage
	}
	if (*data == "") == (*dbURL == "") || len(toks) == 0 || fs.NArg() > 0 || (*cert == "") != (*key == "") {
		fmt.Fprintln(stderr, "usage: portal --addr HOST:PORT (--data DIR | --db postgres://…) (--token TOKEN[=KIOSKID] | --token-file F | $"+envTokens+") [--tls-cert F --tls-key F] [--admin-addr HOST:PORT --admin-token-file F]")
		return errUsage
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	var st portalserver.Store
	if *dbURL != "" {
		if st, err = pgstore.Open(ctx, *dbURL); err != nil {
			return err
		}
	}
	srv, err := portalserver.Open(portalserver.Config{Dir: *data, Store: st, Tokens: toks, Agency: *agency, AdminToken: adminTok,
		NoSync: *noSync, Logger: log, MaxUploads: *maxUploads})
	if err != nil {
		if st != nil {
			st.Close()
		}
		return err
	}
	defer srv.Close()
	l, err := portalserver.Listen(*addr, lim)
	if err != nil {
		return err
	}
	servers := []*http.Server{portalserver.HTTPServer(srv.Handler(), lim, log)}
	listeners := []net.Listener{l}
	if adminTok != "" {
		al, err := portalserver.Listen(*adminAddr, lim)
		if err != nil {
			l.Close()
			return fmt.Errorf("admin listener: %w", err)
		}
		servers = append(servers, portalserver.HTTPServer(srv.AdminHandler(), lim, log))
		listeners = append(listeners, al)
	}
	scheme := "http"
	if *cert != "" {
		scheme = "https"
	}
	// The first line on stdout tells scripts where to connect; the second,
	// when there is an admin API, where that is.
	fmt.Fprintf(stdout, "portal listening on %s://%s\n", scheme, l.Addr())
	if len(listeners) > 1 {
		fmt.Fprintf(stdout, "portal admin listening on %s://%s\n", scheme, listeners[1].Addr())
	}
	errc := make(chan error, len(servers))
	for i, hs := range servers {
		go func() {
			if *cert != "" {
				errc <- hs.ServeTLS(listeners[i], *cert, *key)
			} else {
				errc <- hs.Serve(listeners[i])
			}
		}()
	}
	shutdown := func() error {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var first error
		for _, hs := range servers {
			if err := hs.Shutdown(sctx); err != nil && first == nil {
				first = err
			}
		}
		return first
	}
	select {
	case err := <-errc:
		shutdown()
		return err
	case <-ctx.Done():
		return shutdown()
	}
}

// Environment variables the tokens can come from, so they need not be on a
// command line that every local user can read with ps.
const (
	envTokens     = "MOTCUA_PORTAL_TOKENS"      // TOKEN[=KIOSKID] separated by spaces, commas or newlines
	envAdminToken = "MOTCUA_PORTAL_ADMIN_TOKEN" // the admin token
)

// errTokenFile reports a token file that cannot be used.
var errTokenFile = errors.New("token file")

// readSecretFile reads a file of secrets, refusing one that others can read.
func readSecretFile(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("%w: %w", errTokenFile, err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("%w %s is readable by other users (mode %v); run: chmod 600 %s", errTokenFile, path, fi.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("%w: %w", errTokenFile, err)
	}
	return string(b), nil
}

// loadTokens adds the tokens of the file (when named) and of the environment.
func loadTokens(t tokens, file string) error {
	var text string
	if file != "" {
		b, err := readSecretFile(file)
		if err != nil {
			return err
		}
		for _, line := range strings.Split(b, "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				text += line + "\n"
			}
		}
	}
	text += os.Getenv(envTokens)
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' || r == '\r' }) {
		if err := t.Set(f); err != nil {
			return err
		}
	}
	return nil
}

// loadAdminToken picks the admin token: flag, file, then environment; two
// sources at once are refused as ambiguous.
func loadAdminToken(flagVal, file string) (string, error) {
	var got []string
	if flagVal != "" {
		got = append(got, strings.TrimSpace(flagVal))
	}
	if file != "" {
		b, err := readSecretFile(file)
		if err != nil {
			return "", err
		}
		got = append(got, strings.TrimSpace(b))
	}
	if e := os.Getenv(envAdminToken); e != "" {
		got = append(got, strings.TrimSpace(e))
	}
	switch {
	case len(got) > 1:
		return "", errors.New("admin token given more than once (flag, file, environment): give one")
	case len(got) == 1 && len(got[0]) < 16:
		return "", errors.New("admin token shorter than 16 characters")
	case len(got) == 1:
		return got[0], nil
	}
	return "", nil
}

func count(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("portal count", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "data directory of a stopped bbolt portal")
	dbURL := fs.String("db", "", "PostgreSQL URL (instead of --data; the portals may keep running)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if (*data == "") == (*dbURL == "") || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: portal count (--data DIR | --db postgres://…) [--json]")
		return errUsage
	}
	var c portalserver.Counts
	var err error
	if *dbURL != "" {
		err = withDB(*dbURL, func(st *pgstore.Store) (err error) {
			c, err = st.Count(context.Background())
			return err
		})
	} else {
		c, err = portalserver.CountDir(*data)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(c)
	}
	fmt.Fprintf(stdout, "dossiers: %d\ndistinct kiosk dossier IDs: %d\nratings: %d\nstatistics batches: %d\n",
		c.Dossiers, c.DistinctKioskDossierIDs, c.Ratings, c.StatsBatches)
	return nil
}

// withDB runs fn on an existing portal database.
func withDB(url string, fn func(*pgstore.Store) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := pgstore.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(st)
}

func stats(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("portal stats", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "data directory of a stopped bbolt portal")
	dbURL := fs.String("db", "", "PostgreSQL URL (instead of --data)")
	dayFlag := fs.String("day", "", "one day in Vietnam, YYYY-MM-DD (default: every day)")
	kiosk := fs.String("kiosk", "", "one kiosk ID (default: every kiosk)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var day cccd.Date
	if *dayFlag != "" {
		d, err := cccd.ParseISO(*dayFlag)
		if err != nil || d.Partial() {
			fmt.Fprintln(stderr, "portal stats: --day must be YYYY-MM-DD")
			return errUsage
		}
		day = d
	}
	if (*data == "") == (*dbURL == "") || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: portal stats (--data DIR | --db postgres://…) [--day YYYY-MM-DD] [--kiosk ID] [--json]")
		return errUsage
	}
	var t portal.StatsTotals
	var err error
	if *dbURL != "" {
		err = withDB(*dbURL, func(st *pgstore.Store) (err error) {
			t, err = st.Stats(context.Background(), *kiosk, day)
			return err
		})
	} else {
		t, err = portalserver.StatsDir(*data, *kiosk, day)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(t)
	}
	fmt.Fprintf(stdout, "ratings: %d (average %.2f; by score 1..5: %v)\n", t.Ratings, t.Average(), t.Scores)
	names := make([]string, 0, len(t.Indicators))
	for n := range t.Indicators {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(stdout, "%s: %d\n", n, t.Indicators[n])
	}
	return nil
}

// Command portal is the reference one-door portal: an HTTP/JSON server with
// its own bbolt store that takes dossiers from kiosks idempotently, issues
// dossier codes and receipts, and reports DVCQG status codes.
//
//	portal [serve] --addr 127.0.0.1:8470 --data DIR --token TOKEN[=KIOSKID] [--token …]
//	       [--agency CODE] [--tls-cert FILE --tls-key FILE] [--admin-token T] [--nosync]
//	portal count --data DIR [--json]
//	portal stats --data DIR [--day YYYY-MM-DD] [--kiosk ID] [--json]
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
	"motcua/offline/portalserver"
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
	addr := fs.String("addr", "127.0.0.1:8470", "listen address")
	data := fs.String("data", "", "data directory (required)")
	toks := tokens{}
	fs.Var(toks, "token", "kiosk bearer token, or TOKEN=KIOSKID; repeatable (required)")
	agency := fs.String("agency", "000.00.00.H00", "receiving agency code used in dossier codes")
	cert := fs.String("tls-cert", "", "TLS certificate (PEM); with --tls-key serves HTTPS")
	key := fs.String("tls-key", "", "TLS private key (PEM)")
	admin := fs.String("admin-token", "", "enables /admin/faults and /admin/status with this bearer token (tests)")
	noSync := fs.Bool("nosync", false, "do not fsync commits (tests only)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data == "" || len(toks) == 0 || fs.NArg() > 0 || (*cert == "") != (*key == "") {
		fmt.Fprintln(stderr, "usage: portal --addr HOST:PORT --data DIR --token TOKEN[=KIOSKID] [--tls-cert F --tls-key F]")
		return errUsage
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	srv, err := portalserver.Open(portalserver.Config{Dir: *data, Tokens: toks, Agency: *agency, AdminToken: *admin,
		NoSync: *noSync, Logger: log})
	if err != nil {
		return err
	}
	defer srv.Close()
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	scheme := "http"
	if *cert != "" {
		scheme = "https"
	}
	// The first line on stdout tells scripts where to connect.
	fmt.Fprintf(stdout, "portal listening on %s://%s\n", scheme, l.Addr())
	errc := make(chan error, 1)
	go func() {
		if *cert != "" {
			errc <- hs.ServeTLS(l, *cert, *key)
		} else {
			errc <- hs.Serve(l)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return hs.Shutdown(sctx)
	}
}

func count(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("portal count", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "data directory (required)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: portal count --data DIR [--json]")
		return errUsage
	}
	c, err := portalserver.CountDir(*data)
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

func stats(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("portal stats", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "data directory (required)")
	dayFlag := fs.String("day", "", "one day in Vietnam, YYYY-MM-DD (default: every day)")
	kiosk := fs.String("kiosk", "", "one kiosk ID (default: every kiosk)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var day cccd.Date
	if *dayFlag != "" {
		d, err := cccd.ParseISO(*dayFlag)
		if err != nil || d.YearOnly() {
			fmt.Fprintln(stderr, "portal stats: --day must be YYYY-MM-DD")
			return errUsage
		}
		day = d
	}
	if *data == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: portal stats --data DIR [--day YYYY-MM-DD] [--kiosk ID] [--json]")
		return errUsage
	}
	t, err := portalserver.StatsDir(*data, *kiosk, day)
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

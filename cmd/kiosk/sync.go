package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"motcua/kiosk/config"
	"motcua/offline/portal"
	osync "motcua/offline/sync"
)

// syncCommand is "kiosk sync"; main.go lists it.
var syncCommand = &command{name: "sync", summary: "send queued dossiers to the portal (--once: drain and exit)", run: runSync}

// leftError makes `kiosk sync --once` exit 1 when dossiers are left.
type leftError struct{ msg string }

func (e *leftError) Error() string { return e.msg }
func (e *leftError) ExitCode() int { return 1 }

// portalClient builds the portal adapter the config names (kind, URL,
// token, CA, pins); --ca overrides the config's CA file.
func portalClient(cfg config.Config, caFile string) (portal.Client, error) {
	if caFile == "" {
		caFile = cfg.PortalCA
	}
	return portal.New(portal.Settings{Kind: cfg.PortalKind, URL: cfg.PortalURL, Token: cfg.Token, CAFile: caFile, Pins: cfg.PortalPins})
}

func runSync(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	cf := config.Bind(fs)
	once := fs.Bool("once", false, "drain the outbox and exit; exit status 1 if anything is left")
	conc := fs.Int("concurrency", 4, "requests in flight at once")
	timeout := fs.Duration("timeout", 10*time.Minute, "with --once: give up after this long")
	poll := fs.Duration("poll", 10*time.Minute, "how often to look up the status of filed dossiers")
	ca := fs.String("ca", "", "PEM file of the portal's CA (self-signed reference portal)")
	verbose := fs.Bool("v", false, "log each state change")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(e.stderr, "usage: kiosk sync [--once] [--portal URL --token TOKEN] [--data DIR]")
		return errUsage
	}
	cfg, st, err := openStore(cf)
	if err != nil {
		return err
	}
	defer st.Close()
	client, err := portalClient(cfg, *ca)
	if err != nil {
		return err
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelInfo
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
	w, err := osync.New(osync.Config{Store: st, Client: client, Concurrency: *conc, PollInterval: *poll, Logger: log})
	if err != nil {
		return err
	}
	if *once {
		dctx, cancel := context.WithTimeout(ctx, *timeout)
		defer cancel()
		res, err := w.Drain(dctx)
		stats, _ := st.Stats()
		more := ""
		if res.StatsLeft {
			more = ", more waiting"
		}
		fmt.Fprintf(e.stdout, "sent %d, refused %d, retried %d, statuses %d; left in outbox %d, needing attention %d; statistics batches sent %d%s\n",
			res.Sent, res.Refused, res.Retried, res.Polled, res.Left, stats.NeedsAttention, res.Stats, more)
		if err != nil {
			return &leftError{fmt.Sprintf("%v (%d dossier(s) left)", err, res.Left)}
		}
		if stats.Damaged > 0 {
			return &leftError{fmt.Sprintf("%d damaged record(s) set aside: run 'kiosk queue check', restore from a backup", stats.Damaged)}
		}
		if res.Left > 0 || stats.NeedsAttention > 0 || res.StatsLeft {
			return &leftError{fmt.Sprintf("%d dossier(s) left in the outbox, %d need attention; statistics left: %v", res.Left, stats.NeedsAttention, res.StatsLeft)}
		}
		return nil
	}
	fmt.Fprintf(e.stderr, "syncing %s to %s; Ctrl-C to stop\n", cfg.DataDir, cfg.PortalURL)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		last := osync.Snapshot{}
		for s := range w.Watch(wctx) {
			if s.Online != last.Online || s.Queue != last.Queue && (s.Queue == 0 || *verbose) {
				state := "online"
				if !s.Online {
					state = "OFFLINE (" + s.LastError + ")"
				}
				fmt.Fprintf(e.stderr, "%s  portal %s, queue %d, sent %d\n", time.Now().Format("15:04:05"), state, s.Queue, s.Sent)
			}
			last = s
		}
	}()
	return w.Run(wctx)
}

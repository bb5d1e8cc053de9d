package heartbeat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"motcua/offline/portal"
)

// Config configures a Sender.
type Config struct {
	URL   string // the portal's base URL (https://…; http:// only to loopback)
	Token string // the kiosk's bearer token
	// Interval between heartbeats when nothing changes; default 30 s.
	Interval time.Duration
	// PollInterval is how often the status is looked at for changes;
	// default 2 s. MinGap is the least time between two heartbeats, so a
	// flapping device cannot flood the portal; default 1 s.
	PollInterval time.Duration
	MinGap       time.Duration
	Client       *http.Client // default: 10 s timeout
	Logger       *slog.Logger // default: discard
	Now          func() time.Time
}

// Errors of the sender.
var (
	ErrConfig   = errors.New("heartbeat: bad configuration")
	ErrRejected = errors.New("heartbeat: the portal refused the heartbeat")
)

// Sender sends heartbeats until its context ends.
type Sender struct {
	cfg    Config
	status func() Status
	poke   chan struct{}
	done   chan struct{}

	mu       sync.Mutex
	sent     int
	lastSent time.Time
	lastErr  error
}

// Start validates cfg and starts sending in the background: at once, then
// every Interval and on every state change, until ctx ends. status is
// called from the sender's goroutine and must be safe for that.
func Start(ctx context.Context, cfg Config, status func() Status) (*Sender, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("%w: portal URL must be https://host…", ErrConfig)
	}
	if u.Scheme == "http" && !portal.Loopback(u.Hostname()) {
		return nil, fmt.Errorf("%w: plain http:// only to this machine; use https://", ErrConfig)
	}
	if cfg.Token == "" || status == nil {
		return nil, fmt.Errorf("%w: token and status function required", ErrConfig)
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 30 * time.Second
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 2 * time.Second
	}
	if cfg.MinGap <= 0 {
		cfg.MinGap = time.Second
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.URL = strings.TrimRight(cfg.URL, "/")
	s := &Sender{cfg: cfg, status: status, poke: make(chan struct{}, 1), done: make(chan struct{})}
	go s.run(ctx)
	return s, nil
}

// Notify tells the sender the state may have changed: it looks at once
// (and sends if it did, MinGap permitting). It never blocks.
func (s *Sender) Notify() {
	select {
	case s.poke <- struct{}{}:
	default:
	}
}

// Done is closed when the sender has stopped.
func (s *Sender) Done() <-chan struct{} { return s.done }

// Sent returns how many heartbeats the portal took, when the last was
// taken, and the last error (nil after a success).
func (s *Sender) Sent() (n int, last time.Time, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sent, s.lastSent, s.lastErr
}

func (s *Sender) run(ctx context.Context) {
	defer close(s.done)
	poll := time.NewTicker(s.cfg.PollInterval)
	defer poll.Stop()
	var prev Status
	var lastTry time.Time
	first := true
	for {
		st := s.status()
		due := first || s.cfg.Now().Sub(lastTry) >= s.cfg.Interval
		changed := !first && !same(prev, st)
		if (due || changed) && (first || s.cfg.Now().Sub(lastTry) >= s.cfg.MinGap) {
			if st.At.IsZero() {
				st.At = s.cfg.Now()
			}
			lastTry = s.cfg.Now()
			err := s.send(ctx, st)
			s.mu.Lock()
			s.lastErr = err
			if err == nil {
				s.sent++
				s.lastSent = lastTry
			}
			s.mu.Unlock()
			if err != nil && ctx.Err() == nil {
				s.cfg.Logger.Warn("heartbeat not delivered", "err", err)
			}
			prev, first = st, false
		}
		select {
		case <-ctx.Done():
			return
		case <-poll.C:
		case <-s.poke:
		}
	}
}

func (s *Sender) send(ctx context.Context, st Status) error {
	if err := st.Validate(); err != nil {
		return err
	}
	body, err := json.Marshal(st)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.URL+Path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+s.cfg.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.cfg.Client.Do(req)
	if err != nil {
		return fmt.Errorf("heartbeat: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%w: HTTP %d", ErrRejected, resp.StatusCode)
	}
	return nil
}

// FreeDisk returns the bytes free to an unprivileged user on the file
// system holding dir (0 when it cannot tell).
func FreeDisk(dir string) uint64 {
	var fs syscall.Statfs_t
	if err := syscall.Statfs(dir, &fs); err != nil {
		return 0
	}
	return fs.Bavail * uint64(fs.Bsize)
}

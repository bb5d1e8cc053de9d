package portalserver

import (
	"log/slog"
	"net"
	"net/http"
	"time"

	"golang.org/x/net/netutil"
)

// Limits bound what one client can hold of the server: time to send its
// headers and body, time to read the answer, idle keep-alive time, and the
// number of open connections. The zero value takes the defaults below.
type Limits struct {
	ReadHeaderTimeout time.Duration // default 10 s: a slow-header client is cut off
	ReadTimeout       time.Duration // default 2 min: a 20 MB upload on a slow ward link
	WriteTimeout      time.Duration // default 2 min
	IdleTimeout       time.Duration // default 60 s
	MaxConns          int           // default 512 open connections per listener
}

// Default limits.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 2 * time.Minute
	DefaultWriteTimeout      = 2 * time.Minute
	DefaultIdleTimeout       = 60 * time.Second
	DefaultMaxConns          = 512
)

func (l Limits) withDefaults() Limits {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&l.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	def(&l.ReadTimeout, DefaultReadTimeout)
	def(&l.WriteTimeout, DefaultWriteTimeout)
	def(&l.IdleTimeout, DefaultIdleTimeout)
	if l.MaxConns <= 0 {
		l.MaxConns = DefaultMaxConns
	}
	return l
}

// HTTPServer returns an http.Server for h with the timeouts of l set.
// Serve it on Listen's listener so the connection cap holds too.
func HTTPServer(h http.Handler, l Limits, log *slog.Logger) *http.Server {
	l = l.withDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &http.Server{Handler: h, ReadHeaderTimeout: l.ReadHeaderTimeout, ReadTimeout: l.ReadTimeout,
		WriteTimeout: l.WriteTimeout, IdleTimeout: l.IdleTimeout, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
}

// Listen listens on addr (TCP) and accepts at most l.MaxConns connections
// at once; further clients wait in the kernel's backlog until one closes.
func Listen(addr string, l Limits) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return netutil.LimitListener(ln, l.withDefaults().MaxConns), nil
}

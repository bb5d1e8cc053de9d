package scanner

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Errors a scan can end with. Each has a message for the citizen and the
// clerk in the kiosk's translations (scan.err.*); Message picks its key.
var (
	ErrNoSANE    = errors.New("scanner: SANE frontend scanimage not installed")
	ErrNoScanner = errors.New("scanner: no scanner found")
	ErrCoverOpen = errors.New("scanner: cover open")
	ErrJammed    = errors.New("scanner: paper jam")
	ErrNoPaper   = errors.New("scanner: no paper in the feeder")
	ErrBusy      = errors.New("scanner: device busy")
	ErrFailed    = errors.New("scanner: scan failed")
)

// SANE status codes, which scanimage also uses as its exit status.
const (
	statusBusy      = 3
	statusJammed    = 6
	statusNoDocs    = 7
	statusCoverOpen = 8
)

// MessageKey is the translation key that explains err to a person, or "" when
// err is not a scanner error.
func MessageKey(err error) string {
	for _, k := range []struct {
		err error
		key string
	}{
		{ErrNoSANE, "scan.err.nosane"}, {ErrNoScanner, "scan.err.noscanner"},
		{ErrCoverOpen, "scan.err.cover"}, {ErrJammed, "scan.err.jam"},
		{ErrNoPaper, "scan.err.nopaper"}, {ErrBusy, "scan.err.busy"},
		{ErrBadImage, "scan.err.failed"}, {ErrFailed, "scan.err.failed"},
	} {
		if errors.Is(err, k.err) {
			return k.key
		}
	}
	return ""
}

// Device is one scanner SANE can see.
type Device struct {
	Name   string `json:"name"` // SANE device name, e.g. "genesys:libusb:001:004"
	Vendor string `json:"vendor"`
	Model  string `json:"model"`
	Type   string `json:"type"` // e.g. "flatbed scanner"
}

// SANE runs scanimage. The zero value uses scanimage from PATH and the
// process environment.
type SANE struct {
	// Command is the frontend's path; "" means "scanimage" on PATH.
	Command string
	// Env is added to the process environment (e.g. SANE_CONFIG_DIR=…).
	Env []string
}

// Options says how to scan.
type Options struct {
	Device string // SANE device name; "" means the first one listed
	DPI    int    // resolution; 0 means 200, the portals' usual minimum
	Color  bool   // colour instead of grey
	// Feeder scans from the automatic document feeder until it is empty
	// (or Pages are done); otherwise one flatbed page per call of Next.
	Feeder bool
	// Source overrides the SANE source name (scanners name their feeder
	// differently: "ADF", "Automatic Document Feeder", "ADF Front").
	Source string
	// WidthMM, HeightMM set the scan area; 0 leaves the device's default
	// (normally the whole bed).
	WidthMM, HeightMM int
	// Backend holds device-specific options passed through as they are,
	// e.g. ["--test-picture", "Grid"] or a scanner's "--swcrop=yes".
	Backend []string
}

// List returns the scanners SANE can see, in its order. No scanner is an
// empty list, not an error.
func (s *SANE) List(ctx context.Context) ([]Device, error) {
	const sep = "\x1f"
	out, err := s.run(ctx, "-f", "%d"+sep+"%v"+sep+"%m"+sep+"%t%n").Output()
	if err != nil {
		return nil, s.classify(err, nil)
	}
	var devs []Device
	for _, line := range strings.Split(string(out), "\n") {
		p := strings.Split(line, sep)
		if len(p) != 4 || p[0] == "" {
			continue
		}
		devs = append(devs, Device{Name: p[0], Vendor: p[1], Model: p[2], Type: p[3]})
	}
	return devs, nil
}

// pipeGrace is how long output may still be read once scanimage has
// exited: enough to drain a full pipe buffer, short enough that a lingering
// backend process cannot hang the kiosk.
const pipeGrace = 2 * time.Second

// MaxPages bounds one scan: a feeder that never reports empty (or a
// backend that feeds the same sheet again) must not fill the disk.
const MaxPages = 100

// Progress reports how far the current page is, from 0 to 1.
type Progress func(page int, fraction float64)

// Page scans one page with opts and returns it as an image.Gray (grey) or
// image.RGBA (colour). page numbers the page for progress (1-based). A
// feeder with no paper left gives ErrNoPaper.
func (s *SANE) Page(ctx context.Context, opts Options, page int, progress Progress) (image.Image, error) {
	dev := opts.Device
	if dev == "" {
		var err error
		if dev, err = s.first(ctx); err != nil {
			return nil, err
		}
	}
	dpi := opts.DPI
	if dpi == 0 {
		dpi = 200
	}
	mode := "Gray"
	if opts.Color {
		mode = "Color"
	}
	args := []string{"-d", dev, "--format=pnm", "--mode", mode, "--resolution", strconv.Itoa(dpi), "-p"}
	if opts.Feeder || opts.Source != "" {
		src := opts.Source
		if src == "" {
			src = "Automatic Document Feeder"
		}
		args = append(args, "--source", src)
	}
	if opts.WidthMM > 0 {
		args = append(args, "-x", strconv.Itoa(opts.WidthMM))
	}
	if opts.HeightMM > 0 {
		args = append(args, "-y", strconv.Itoa(opts.HeightMM))
	}
	args = append(args, opts.Backend...)
	cmd := s.run(ctx, args...)
	// Plain pipes rather than StdoutPipe: SANE backends fork reader
	// processes that can outlive a failed scanimage and keep the pipes
	// open, so reads are cut off shortly after scanimage itself exits.
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFailed, err)
	}
	defer outR.Close()
	errR, errW, err := os.Pipe()
	if err != nil {
		outW.Close()
		return nil, fmt.Errorf("%w: %v", ErrFailed, err)
	}
	defer errR.Close()
	cmd.Stdout, cmd.Stderr = outW, errW
	startErr := cmd.Start()
	outW.Close()
	errW.Close()
	if startErr != nil {
		return nil, s.classify(startErr, nil)
	}
	exited := make(chan error, 1)
	go func() {
		err := cmd.Wait()
		cutoff := time.Now().Add(pipeGrace)
		_ = outR.SetReadDeadline(cutoff)
		_ = errR.SetReadDeadline(cutoff)
		exited <- err
	}()
	var tail bytes.Buffer
	var wg sync.WaitGroup
	wg.Add(1)
	// scanimage has been seen to hang, holding its output open, after it
	// reported a failed read (SANE's test backend, after a SIGPIPE from
	// its reader process): once it has said what went wrong it gets
	// pipeGrace to exit and is then stopped.
	var stop sync.Once
	failed := func() {
		stop.Do(func() { time.AfterFunc(pipeGrace, func() { _ = cmd.Process.Kill() }) })
	}
	go func() {
		defer wg.Done()
		watchProgress(errR, page, progress, &tail, failed)
	}()
	img, decErr := DecodePNM(bufio.NewReaderSize(outR, 1<<16))
	// The page is read (or the stream broke off): scanimage has nothing
	// more to say. It has been seen to hang instead of exiting after a
	// failed read (SANE's test backend, a SIGPIPE from its reader
	// process), so it gets pipeGrace to exit and is then stopped; its
	// stderr still says what went wrong.
	var waitErr error
	killed := false
	select {
	case waitErr = <-exited:
	case <-time.After(pipeGrace):
		_ = cmd.Process.Kill()
		waitErr, killed = <-exited, true
	}
	wg.Wait()
	if killed && decErr == nil {
		waitErr = nil // the page came whole before the frontend hung
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if waitErr == nil && decErr == nil {
		return img, nil
	}
	// scanimage has been seen to exit 0 after a failed sane_read (it takes
	// a SIGPIPE from the backend's reader and "aborts" cleanly), so its
	// message decides as much as its exit status.
	if err := s.classify(waitErr, tail.Bytes()); !errors.Is(err, ErrFailed) || waitErr != nil {
		return nil, err
	}
	return nil, fmt.Errorf("%w: %w", ErrFailed, decErr)
}

// Scan scans up to pages pages (0 means until the feeder is empty; for a
// flatbed, 0 means one page) and hands each to keep as it arrives, so only
// one page is in memory at a time. It returns the number of pages kept. A
// feeder that runs out after at least one page ends the scan normally.
func (s *SANE) Scan(ctx context.Context, opts Options, pages int, progress Progress, keep func(image.Image) error) (int, error) {
	if !opts.Feeder && pages == 0 {
		pages = 1
	}
	if pages == 0 || pages > MaxPages {
		pages = MaxPages
	}
	if opts.Device == "" {
		// Look the device up once, not per page: listing probes every bus
		// and can take seconds.
		dev, err := s.first(ctx)
		if err != nil {
			return 0, err
		}
		opts.Device = dev
	}
	n := 0
	for n < pages {
		img, err := s.Page(ctx, opts, n+1, progress)
		if errors.Is(err, ErrNoPaper) && opts.Feeder && n > 0 {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		if err := keep(img); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// first names the first scanner SANE lists, or ErrNoScanner.
func (s *SANE) first(ctx context.Context) (string, error) {
	devs, err := s.List(ctx)
	if err != nil {
		return "", err
	}
	if len(devs) == 0 {
		return "", ErrNoScanner
	}
	return devs[0].Name, nil
}

func (s *SANE) run(ctx context.Context, args ...string) *exec.Cmd {
	name := s.Command
	if name == "" {
		name = "scanimage"
	}
	cmd := exec.CommandContext(ctx, name, args...)
	if len(s.Env) > 0 {
		cmd.Env = append(os.Environ(), s.Env...)
	}
	return cmd
}

// classify turns a frontend failure into one of the package's errors. The
// frontend's own text is matched only as a fallback for frontends that exit
// 1 for everything; it never reaches the user (it names devices, not people,
// but it is not in the user's language).
func (s *SANE) classify(err error, stderr []byte) error {
	if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
		return ErrNoSANE
	}
	var exit *exec.ExitError
	code := -1 // exited 0, or never ran
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	}
	text := strings.ToLower(string(stderr))
	switch {
	case code == statusCoverOpen || strings.Contains(text, "cover is open"):
		return ErrCoverOpen
	case code == statusJammed || strings.Contains(text, "jammed"):
		return ErrJammed
	case code == statusNoDocs || strings.Contains(text, "out of documents"):
		return ErrNoPaper
	case code == statusBusy || strings.Contains(text, "device busy"):
		return ErrBusy
	case strings.Contains(text, "open of device") || strings.Contains(text, "no scanners were identified"):
		return ErrNoScanner
	}
	return fmt.Errorf("%w (exit %d)", ErrFailed, code)
}

// watchProgress reads scanimage's stderr: "Progress: 12.3%" records with no
// newline between them, then any error text, which is kept (last 4 KiB) for
// classify.
func watchProgress(r io.Reader, page int, progress Progress, tail *bytes.Buffer, failed func()) {
	br := bufio.NewReader(r)
	var rec []byte
	for {
		c, err := br.ReadByte()
		if err == nil {
			rec = append(rec, c)
			if c != '%' && c != '\n' && len(rec) < 512 {
				continue
			}
		}
		chunk := string(rec)
		rec = rec[:0]
		if i := strings.LastIndex(chunk, "Progress: "); i >= 0 && strings.HasSuffix(chunk, "%") {
			if f, perr := strconv.ParseFloat(chunk[i+len("Progress: "):len(chunk)-1], 64); perr == nil && progress != nil {
				progress(page, f/100)
			}
			chunk = chunk[:i]
		}
		if strings.Contains(chunk, "scanimage: ") && failed != nil {
			failed() // the frontend reported an error: the scan is over
		}
		tail.WriteString(chunk)
		if tail.Len() > 4096 {
			b := tail.Bytes()
			tail.Reset()
			tail.Write(b[len(b)-4096:])
		}
		if err != nil {
			return
		}
	}
}

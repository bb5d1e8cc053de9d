package printing

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
)

// Errors a print can end with. Use errors.Is; Message gives the text for
// people.
var (
	ErrNoCUPS    = errors.New("printing: the print service (CUPS) is not running")
	ErrNoPrinter = errors.New("printing: no such printer, and no default printer")
	ErrStopped   = errors.New("printing: the printer is stopped")
	ErrPaperOut  = errors.New("printing: the printer is out of paper")
	ErrJobFailed = errors.New("printing: the print job was refused or aborted")
	ErrTimeout   = errors.New("printing: the job did not finish in time")
)

// Message returns what to tell the citizen or clerk about err, in
// Vietnamese ("vi") or English.
func Message(err error, lang string) string {
	type pair struct{ vi, en string }
	var m pair
	switch {
	case err == nil:
		m = pair{"Đã in xong.", "Printed."}
	case errors.Is(err, ErrNoCUPS):
		m = pair{"Dịch vụ in (CUPS) không chạy. Vui lòng báo cán bộ.", "The print service (CUPS) is not running. Please tell a clerk."}
	case errors.Is(err, ErrNoPrinter):
		m = pair{"Chưa có máy in: chưa cấu hình máy in hoặc máy in không tồn tại.", "No printer: none is configured, or it does not exist."}
	case errors.Is(err, ErrPaperOut):
		m = pair{"Máy in hết giấy. Vui lòng báo cán bộ nạp giấy rồi in lại.", "The printer is out of paper. Please ask a clerk to load paper, then print again."}
	case errors.Is(err, ErrStopped):
		m = pair{"Máy in đang dừng. Vui lòng báo cán bộ.", "The printer is stopped. Please tell a clerk."}
	case errors.Is(err, ErrTimeout):
		m = pair{"Máy in chưa in xong; lệnh in vẫn đang chờ.", "The printer has not finished; the job is still waiting."}
	default:
		m = pair{"Không in được. Vui lòng báo cán bộ.", "Could not print. Please tell a clerk."}
	}
	if lang == "en" {
		return m.en
	}
	return m.vi
}

// Client runs the CUPS clients. The zero value uses the system's scheduler
// (or CUPS_SERVER from the environment) and lp/lpstat from PATH.
type Client struct {
	// Server overrides CUPS_SERVER (a host, or a Unix socket path).
	Server string
	// Lp and Lpstat name the commands (default "lp", "lpstat").
	Lp, Lpstat string
}

func (c *Client) run(ctx context.Context, stdin []byte, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	env := append(os.Environ(), "LANG=C", "LC_ALL=C")
	if c.Server != "" {
		env = append(env, "CUPS_SERVER="+c.Server)
	}
	cmd.Env = env
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return nil, fmt.Errorf("%w: %v", ErrNoCUPS, err) // the client itself is missing
		}
		return out, &cmdError{msg: strings.TrimSpace(stderr.String() + " " + string(out))}
	}
	return out, nil
}

type cmdError struct{ msg string }

func (e *cmdError) Error() string { return e.msg }

func (c *Client) lp() string {
	if c.Lp != "" {
		return c.Lp
	}
	return "lp"
}

func (c *Client) lpstat() string {
	if c.Lpstat != "" {
		return c.Lpstat
	}
	return "lpstat"
}

// Up reports ErrNoCUPS when the scheduler does not answer.
func (c *Client) Up(ctx context.Context) error {
	out, err := c.run(ctx, nil, c.lpstat(), "-r")
	if err != nil || !bytes.Contains(out, []byte("scheduler is running")) {
		return ErrNoCUPS
	}
	return nil
}

// Default returns the system default printer, or ErrNoPrinter.
func (c *Client) Default(ctx context.Context) (string, error) {
	if err := c.Up(ctx); err != nil {
		return "", err
	}
	out, _ := c.run(ctx, nil, c.lpstat(), "-d")
	if m := reDefault.FindSubmatch(out); m != nil {
		return string(m[1]), nil
	}
	return "", ErrNoPrinter
}

var reDefault = regexp.MustCompile(`system default destination: (\S+)`)

// Resolve returns name, or the default printer when name is empty.
func (c *Client) Resolve(ctx context.Context, name string) (string, error) {
	if name == "" {
		return c.Default(ctx)
	}
	return name, nil
}

// Printer reads a printer's state. A printer that does not exist is
// ErrNoPrinter; a scheduler that does not answer, ErrNoCUPS.
func (c *Client) Printer(ctx context.Context, name string) (PrinterState, error) {
	if err := c.Up(ctx); err != nil {
		return PrinterState{}, err
	}
	out, err := c.run(ctx, nil, c.lpstat(), "-l", "-p", name)
	if err != nil {
		return PrinterState{}, fmt.Errorf("%w: %s", ErrNoPrinter, name)
	}
	ps, err := ParsePrinter(out)
	if err != nil {
		return PrinterState{}, err
	}
	if ps.Name != name {
		return PrinterState{}, fmt.Errorf("%w: %s", ErrNoPrinter, name)
	}
	return ps, nil
}

// Ready checks the printer can take a job now: it exists, is enabled and
// has paper. Jobs to a stopped printer would wait in the queue while the
// citizen walks away with nothing, so the kiosk says so first.
func (c *Client) Ready(ctx context.Context, name string) error {
	ps, err := c.Printer(ctx, name)
	if err != nil {
		return err
	}
	return ps.Err()
}

// held returns why the printer holds its queued jobs (stopped, out of
// paper), or nil when it does not or its state cannot be read.
func (c *Client) held(ctx context.Context, printer string) error {
	ps, err := c.Printer(ctx, printer)
	if err != nil {
		return nil
	}
	return ps.Err()
}

// Job is a submitted print job.
type Job struct {
	ID      string // e.g. "PDF-12"
	Printer string
}

var reRequest = regexp.MustCompile(`request id is (\S+)-(\d+) `)

// Submit sends pdf to the printer as one job titled title, with the
// media size given ("A4", "A5", "Custom.80x200mm"; empty: the printer's
// default). The document goes through stdin: no file is written.
func (c *Client) Submit(ctx context.Context, printer, title string, pdf []byte, media string) (Job, error) {
	// print-scaling=none: the layouts keep their own margins, wider than
	// any printer's unprintable edge, so the page prints at 100 % and the
	// QR code keeps its size.
	args := []string{"-d", printer, "-t", title, "-o", "document-format=application/pdf", "-o", "print-scaling=none"}
	if media != "" {
		args = append(args, "-o", "media="+media)
	}
	args = append(args, "-")
	out, err := c.run(ctx, pdf, c.lp(), args...)
	if err != nil {
		var ce *cmdError
		if errors.As(err, &ce) && strings.Contains(ce.msg, "does not exist") {
			return Job{}, fmt.Errorf("%w: %s", ErrNoPrinter, printer)
		}
		if errors.Is(err, ErrNoCUPS) || c.Up(ctx) != nil {
			return Job{}, ErrNoCUPS
		}
		return Job{}, fmt.Errorf("%w: %v", ErrJobFailed, err)
	}
	m := reRequest.FindSubmatch(out)
	if m == nil {
		return Job{}, fmt.Errorf("%w: lp answered %q", ErrJobFailed, out)
	}
	return Job{ID: string(m[1]) + "-" + string(m[2]), Printer: printer}, nil
}

// JobState is where a job is.
type JobState string

// Job states as the kiosk shows them.
const (
	JobQueued    JobState = "queued"    // waiting for the printer
	JobPrinting  JobState = "printing"  // being processed
	JobCompleted JobState = "completed" // done (the scheduler keeps it in its history)
	JobMissing   JobState = "missing"   // the scheduler does not know it
	JobFailed    JobState = "failed"    // aborted or cancelled: nothing (more) will print
)

// State reads a job's state, through IPP Get-Job-Attributes when the
// scheduler answers it (which tells a printed job from an aborted or
// cancelled one: JobFailed with ErrJobFailed), else from lpstat's lists. A
// job held because its printer stopped returns JobQueued together with the
// printer's error.
func (c *Client) State(ctx context.Context, j Job) (JobState, error) {
	if n, ok := jobNumber(j.ID); ok {
		if a, err := c.jobAttributes(ctx, n); err == nil {
			switch {
			case a.Status == 0x0406: // client-error-not-found
				return JobMissing, nil
			case a.Status >= 0x0100:
				// Not allowed to ask (a remote scheduler's policy): fall
				// back to lpstat below.
			case a.State == ippCompleted:
				return JobCompleted, nil
			case a.State == ippCanceled:
				return JobFailed, fmt.Errorf("%w: cancelled", ErrJobFailed)
			case a.State == ippAborted:
				return JobFailed, fmt.Errorf("%w: aborted by the printer (%s)", ErrJobFailed, a.Message)
			default:
				if err := c.held(ctx, j.Printer); err != nil {
					return JobQueued, err
				}
				if a.State == ippProcessing {
					return JobPrinting, nil
				}
				return JobQueued, nil
			}
		}
	}
	// A job moves from not-completed to completed, so asking in this order
	// never misses one that finishes between the two questions.
	out, err := c.run(ctx, nil, c.lpstat(), "-l", "-W", "not-completed", "-o", j.Printer)
	if err != nil && c.Up(ctx) != nil {
		return "", ErrNoCUPS
	}
	for _, ji := range ParseJobs(out) {
		if ji.ID != j.ID {
			continue
		}
		if err := c.held(ctx, j.Printer); err != nil {
			return JobQueued, err
		}
		if ji.Printing {
			return JobPrinting, nil
		}
		return JobQueued, nil
	}
	out, _ = c.run(ctx, nil, c.lpstat(), "-W", "completed", "-o", j.Printer)
	for _, ji := range ParseJobs(out) {
		if ji.ID == j.ID {
			return JobCompleted, nil
		}
	}
	return JobMissing, nil
}

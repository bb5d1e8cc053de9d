package printing

import (
	"bufio"
	"bytes"
	"errors"
	"strings"
)

// PrinterState is a printer as `lpstat -l -p NAME` describes it.
type PrinterState struct {
	Name    string
	Enabled bool     // accepting work ("disabled" = stopped)
	Busy    bool     // printing now
	Alerts  []string // printer-state-reasons, e.g. media-empty-error
	Message string   // the printer's status message, e.g. "Out of paper"
}

// ErrParse reports lpstat output that is not a printer description.
var ErrParse = errors.New("printing: unexpected lpstat output")

// ParsePrinter reads the output of `lpstat -l -p NAME` (LANG=C).
func ParsePrinter(out []byte) (PrinterState, error) {
	var ps PrinterState
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	found := false
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "printer "); ok && !found {
			f := strings.Fields(rest)
			if len(f) < 2 {
				return PrinterState{}, ErrParse
			}
			found = true
			ps.Name = f[0]
			switch {
			case strings.HasPrefix(f[1], "disabled"):
			case strings.HasPrefix(f[1], "now"):
				ps.Enabled, ps.Busy = true, true
			default:
				ps.Enabled = true
			}
			continue
		}
		if !found {
			continue
		}
		t := strings.TrimSpace(line)
		if a, ok := strings.CutPrefix(t, "Alerts:"); ok {
			for _, r := range strings.Fields(a) {
				if r != "none" {
					ps.Alerts = append(ps.Alerts, r)
				}
			}
			continue
		}
		// The first indented line without a "Key:" is the status message.
		if ps.Message == "" && strings.HasPrefix(line, "\t") && !strings.Contains(t, ":") && t != "" {
			ps.Message = t
		}
	}
	if !found {
		return PrinterState{}, ErrParse
	}
	return ps, nil
}

// Err is the state as an error: ErrPaperOut when a media-empty or
// media-needed reason is set, ErrStopped when the printer is disabled or
// paused, nil when it can print.
func (ps PrinterState) Err() error {
	for _, a := range ps.Alerts {
		if strings.HasPrefix(a, "media-empty") || strings.HasPrefix(a, "media-needed") {
			return ErrPaperOut
		}
	}
	if !ps.Enabled {
		return ErrStopped
	}
	for _, a := range ps.Alerts {
		if a == "paused" || strings.HasPrefix(a, "stopped") {
			return ErrStopped
		}
	}
	return nil
}

// JobInfo is one job line of `lpstat -o` (with -l, its detail lines).
type JobInfo struct {
	ID       string // PRINTER-N
	Printing bool   // "now printing" (lpstat -l: Alerts job-printing)
	Status   string // lpstat -l: Status line
}

// ParseJobs reads the output of `lpstat [-l] -o` (LANG=C).
func ParseJobs(out []byte) []JobInfo {
	var jobs []JobInfo
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		if line[0] != ' ' && line[0] != '\t' {
			f := strings.Fields(line)
			if len(f) == 0 || !strings.Contains(f[0], "-") {
				continue
			}
			jobs = append(jobs, JobInfo{ID: f[0]})
			continue
		}
		if len(jobs) == 0 {
			continue
		}
		t := strings.TrimSpace(line)
		j := &jobs[len(jobs)-1]
		if s, ok := strings.CutPrefix(t, "Status:"); ok {
			j.Status = strings.TrimSpace(s)
		}
		if a, ok := strings.CutPrefix(t, "Alerts:"); ok && strings.Contains(a, "job-printing") {
			j.Printing = true
		}
	}
	return jobs
}

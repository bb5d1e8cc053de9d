package cupstest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// AptGet installs everything Start needs.
const AptGet = "apt-get install -y cups cups-client printer-driver-cups-pdf ghostscript poppler-utils util-linux"

// Printer names of the private scheduler.
const (
	PDF     = "PDF"     // cups-pdf, the default destination: every job becomes a PDF in Server.Out
	NoPaper = "NoPaper" // a backend that reports media-empty and stops the queue
	Broken  = "Broken"  // a backend that fails every job; the queue aborts the job
)

// Server is one private scheduler.
type Server struct {
	Dir    string // everything lives here
	Socket string // CUPS_SERVER for clients
	Out    string // where cups-pdf writes the printed PDFs
	cmd    *exec.Cmd
	done   chan struct{}
}

const (
	cupsPDF = "/usr/lib/cups/backend/cups-pdf"
	ppd     = "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"
	sysConf = "/etc/cups/cups-pdf.conf" // the bind-mount target inside the namespace
	sysBin  = "/usr/lib/cups"
)

// Prerequisites reports what is missing, or nil.
func Prerequisites() error {
	var missing []string
	for _, c := range []string{"cupsd", "lpadmin", "lp", "lpstat", "cupsenable", "gs", "unshare", "pdftocairo"} {
		if _, err := os.Stat(lookPath(c)); err != nil {
			missing = append(missing, c)
		}
	}
	for _, f := range []string{cupsPDF, ppd, sysConf} {
		if _, err := os.Stat(f); err != nil {
			missing = append(missing, f)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("cupstest: missing %s; install with: sudo %s", strings.Join(missing, ", "), AptGet)
}

func lookPath(c string) string {
	if p, err := exec.LookPath(c); err == nil {
		return p
	}
	return "/usr/sbin/" + c
}

// Start builds and starts a private scheduler with the PDF and NoPaper
// printers and stops it when the test ends. It fails t (never skips) when
// something is missing or the scheduler does not come up.
func Start(t testing.TB) *Server {
	t.Helper()
	if err := Prerequisites(); err != nil {
		t.Fatal(err)
	}
	s, err := start()
	if s != nil {
		t.Cleanup(func() {
			s.Stop()
			if t.Failed() {
				if b, err := os.ReadFile(filepath.Join(s.Dir, "log", "error_log")); err == nil {
					t.Logf("cupsd error_log (last lines):\n%s", tail(b, 30))
				}
			}
			os.RemoveAll(s.Dir)
		})
	}
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func tail(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// owner is who runs cupsd: lp when the test is root, else the test's user.
func owner() (uid, gid int, err error) {
	if os.Geteuid() != 0 {
		return os.Getuid(), os.Getgid(), nil
	}
	u, err := user.Lookup("lp")
	if err != nil {
		return 0, 0, fmt.Errorf("cupstest: user lp: %w (the cups package creates it: sudo %s)", err, AptGet)
	}
	uid, _ = strconv.Atoi(u.Uid)
	gid, _ = strconv.Atoi(u.Gid)
	return uid, gid, nil
}

func start() (*Server, error) {
	uid, gid, err := owner()
	if err != nil {
		return nil, err
	}
	// cups-pdf runs in a user namespace of the scheduler's user: check the
	// kernel allows one before building anything.
	probe := exec.Command(lookPath("unshare"), "-r", "-m", "true")
	if os.Geteuid() == 0 {
		probe.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	}
	if out, err := probe.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("cupstest: unprivileged user namespaces are disabled (%v: %s); allow them with: sudo sysctl kernel.unprivileged_userns_clone=1 (and, on Ubuntu, kernel.apparmor_restrict_unprivileged_userns=0)", err, strings.TrimSpace(string(out)))
	}
	dir, err := os.MkdirTemp("", "motcua-cupstest-")
	if err != nil {
		return nil, err
	}
	s := &Server{Dir: dir, Socket: filepath.Join(dir, "cups.sock"), Out: filepath.Join(dir, "out")}
	if err := s.build(); err != nil {
		return s, err
	}
	// The scheduler's user owns the tree; the directory itself must be
	// reachable through os.TempDir (mode 0755 on dir, 0700 is MkdirTemp's).
	if err := filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	}); err != nil {
		return s, fmt.Errorf("cupstest: %w", err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return s, err
	}
	var logBuf bytes.Buffer
	cmd := exec.Command(lookPath("cupsd"), "-f", "-c", filepath.Join(dir, "conf", "cupsd.conf"), "-s", filepath.Join(dir, "conf", "cups-files.conf"))
	cmd.Stdout, cmd.Stderr = &logBuf, &logBuf
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8", "HOME=" + dir}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if os.Geteuid() == 0 {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	if err := cmd.Start(); err != nil {
		return s, fmt.Errorf("cupstest: cupsd: %w", err)
	}
	s.cmd, s.done = cmd, make(chan struct{})
	go func() { cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if c, err := net.Dial("unix", s.Socket); err == nil {
			c.Close()
			break
		}
		select {
		case <-s.done:
			return s, fmt.Errorf("cupstest: cupsd exited: %s", logBuf.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return s, errors.New("cupstest: cupsd did not open its socket in 15 s")
		}
	}
	// The PDF printer: Debian's PPD, PDF 1.5 (1.2, the PPD's default,
	// flattens every font), the pdftocairo renderer (keeps Latin-1 text).
	if out, err := s.Run("lpadmin", "-p", PDF, "-E", "-v", "cups-pdf:/", "-P", ppd,
		"-o", "PDFVer=1.5", "-o", "pdftops-renderer-default=pdftocairo", "-o", "printer-error-policy=abort-job"); err != nil {
		return s, fmt.Errorf("cupstest: lpadmin %s: %v: %s", PDF, err, out)
	}
	if out, err := s.Run("lpadmin", "-p", NoPaper, "-E", "-v", "nopaper:/", "-P", ppd); err != nil {
		return s, fmt.Errorf("cupstest: lpadmin %s: %v: %s", NoPaper, err, out)
	}
	if out, err := s.Run("lpadmin", "-p", Broken, "-E", "-v", "broken:/", "-o", "printer-error-policy=abort-job"); err != nil {
		return s, fmt.Errorf("cupstest: lpadmin %s: %v: %s", Broken, err, out)
	}
	if out, err := s.Run("lpadmin", "-d", PDF); err != nil {
		return s, fmt.Errorf("cupstest: default printer: %v: %s", err, out)
	}
	return s, nil
}

func (s *Server) build() error {
	d := s.Dir
	for _, sub := range []string{"conf", "spool", "cache", "state", "tmp", "log", "out", "pdfspool", "bin/backend"} {
		if err := os.MkdirAll(filepath.Join(d, sub), 0o755); err != nil {
			return err
		}
	}
	for _, sub := range []string{"filter", "daemon", "cgi-bin", "monitor", "notifier", "driver"} {
		if _, err := os.Stat(filepath.Join(sysBin, sub)); err == nil {
			if err := os.Symlink(filepath.Join(sysBin, sub), filepath.Join(d, "bin", sub)); err != nil {
				return err
			}
		}
	}
	// A readable, executable copy: the Debian binary is root-only (0700).
	b, err := os.ReadFile(cupsPDF)
	if err != nil {
		return fmt.Errorf("cupstest: %w", err)
	}
	real := filepath.Join(d, "bin", "cups-pdf.real")
	if err := os.WriteFile(real, b, 0o755); err != nil {
		return err
	}
	conf := filepath.Join(d, "conf", "cups-pdf.conf")
	files := map[string]string{
		"conf/cups-files.conf": fmt.Sprintf(`ServerRoot %[1]s/conf
RequestRoot %[1]s/spool
CacheDir %[1]s/cache
StateDir %[1]s/state
TempDir %[1]s/tmp
ServerBin %[1]s/bin
ErrorLog %[1]s/log/error_log
AccessLog %[1]s/log/access_log
PageLog %[1]s/log/page_log
Printcap %[1]s/state/printcap
FileDevice No
Sandboxing Relaxed
`, d),
		"conf/cupsd.conf": fmt.Sprintf(`Listen %s
LogLevel debug
Browsing No
WebInterface No
DefaultAuthType None
PreserveJobFiles No
PreserveJobHistory Yes
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
`, s.Socket),
		"conf/cups-pdf.conf": fmt.Sprintf("Out %[1]s/out\nAnonDirName %[1]s/out\nSpool %[1]s/pdfspool\nLog %[1]s/log\nLogType 3\nGrp root\n", d),
		// Run the copy as "root" of a private user namespace, with the
		// private config mounted where cups-pdf looks; the job's user is
		// passed as root (the only user mapped there).
		"bin/backend/cups-pdf": fmt.Sprintf(`#!/bin/sh
if [ $# -eq 0 ]; then exec %[1]s; fi
job=$1; shift; shift
exec unshare -r -m sh -c 'mount --bind "$0" %[3]s && exec "$@"' %[2]s %[1]s "$job" root "$@"
`, real, conf, sysConf),
		"bin/backend/broken": `#!/bin/sh
if [ $# -eq 0 ]; then echo 'direct broken "Unknown" "Printer that fails"'; exit 0; fi
echo "ERROR: printer fault" >&2
exit 1
`,
		"bin/backend/nopaper": `#!/bin/sh
if [ $# -eq 0 ]; then echo 'direct nopaper "Unknown" "Printer without paper"'; exit 0; fi
echo "STATE: +media-empty-error" >&2
echo "ERROR: Out of paper" >&2
exit 4
`,
	}
	for name, body := range files {
		mode := os.FileMode(0o644)
		if strings.HasPrefix(name, "bin/") {
			mode = 0o755
		}
		if err := os.WriteFile(filepath.Join(d, name), []byte(body), mode); err != nil {
			return err
		}
	}
	return nil
}

// Env returns the environment a CUPS client needs to reach this scheduler.
func (s *Server) Env() []string {
	return append(os.Environ(), "CUPS_SERVER="+s.Socket)
}

// Run runs a CUPS client command (lpadmin, lpstat, cupsdisable…) against
// this scheduler and returns its combined output.
func (s *Server) Run(name string, args ...string) (string, error) {
	cmd := exec.Command(lookPath(name), args...)
	cmd.Env = s.Env()
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// WaitPDF waits for cups-pdf to finish the PDF of the given job ID (e.g.
// "PDF-3") and returns its bytes.
func (s *Server) WaitPDF(t testing.TB, job string, timeout time.Duration) []byte {
	t.Helper()
	n := job[strings.LastIndexByte(job, '-')+1:]
	suffix := "job_" + n + ".pdf"
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		ents, _ := os.ReadDir(s.Out)
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), suffix) {
				p := filepath.Join(s.Out, e.Name())
				// cups-pdf writes then chmods; wait until Ghostscript is done
				// (the file ends with %%EOF).
				b, err := os.ReadFile(p)
				if err == nil && bytes.Contains(b[max(0, len(b)-64):], []byte("%%EOF")) {
					return b
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	out, _ := s.Run("lpstat", "-W", "all", "-o")
	t.Fatalf("cupstest: no PDF for job %s after %s; jobs:\n%s", job, timeout, out)
	return nil
}

// Stop stops the scheduler (SIGTERM, then SIGKILL after 5 s). It is safe to
// call twice.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	select {
	case <-s.done:
		return
	default:
	}
	// The whole process group: cupsd and any filter still running.
	syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.done
	}
}

// Running reports whether cupsd is still up.
func (s *Server) Running() bool {
	select {
	case <-s.done:
		return false
	default:
		return s.cmd != nil
	}
}

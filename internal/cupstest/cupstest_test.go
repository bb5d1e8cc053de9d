package cupstest

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"motcua/internal/pdftest"
	"motcua/kiosk/pdfdoc"
)

// A job sent with lp to the private scheduler comes out of cups-pdf as an
// A4 PDF with the Latin text intact; the scheduler runs as lp, and stops.
func TestPrintThroughCupsPDF(t *testing.T) {
	s := Start(t)
	p, err := pdfdoc.New(210, 297, 20, "test", time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	pdfdoc.AddPage(p)
	p.Write(8, "Dossier 000.00.00.H00-261202-0042 Bình")
	doc, err := pdfdoc.Bytes(p)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("lp", "-d", PDF, "-t", "cupstest", "-")
	cmd.Env = s.Env()
	cmd.Stdin = strings.NewReader(string(doc))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("lp: %v: %s", err, out)
	}
	job := regexp.MustCompile(`request id is (\S+)`).FindStringSubmatch(string(out))
	if job == nil {
		t.Fatalf("lp said %q", out)
	}
	got := s.WaitPDF(t, job[1], 60*time.Second)
	in := pdftest.Inspect(t, got)
	if in.Pages != 1 || in.WidthMM < 209 || in.WidthMM > 211 || in.HeightMM < 296 || in.HeightMM > 298 {
		t.Errorf("printed %+v", in)
	}
	if txt := pdftest.Text(t, got); !strings.Contains(txt, "000.00.00.H00-261202-0042") || !strings.Contains(txt, "Bình") {
		t.Errorf("printed text %q", txt)
	}
	// With PreserveJobFiles No (what a kiosk's cupsd.conf must say), the
	// scheduler keeps no copy of the printed document.
	docs := func() (n []string) {
		ents, _ := os.ReadDir(filepath.Join(s.Dir, "spool"))
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), "d") {
				n = append(n, e.Name())
			}
		}
		return n
	}
	for end := time.Now().Add(20 * time.Second); len(docs()) > 0 && time.Now().Before(end); {
		time.Sleep(50 * time.Millisecond)
	}
	if d := docs(); len(d) > 0 {
		t.Errorf("the spool still holds %v after the job", d)
	}
	if os.Geteuid() == 0 {
		status, _ := os.ReadFile("/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/status")
		if m := regexp.MustCompile(`(?m)^Uid:\s+(\d+)`).FindSubmatch(status); m == nil || string(m[1]) == "0" {
			t.Errorf("cupsd runs as uid %s", m)
		}
	}
	s.Stop()
	if s.Running() {
		t.Error("cupsd still running after Stop")
	}
}

// The NoPaper printer stops its queue with media-empty, as a printer out
// of paper does.
func TestNoPaperStopsQueue(t *testing.T) {
	s := Start(t)
	if out, err := s.Run("lp", "-d", NoPaper, "/etc/hostname"); err != nil {
		t.Fatalf("lp: %v: %s", err, out)
	}
	deadline := time.Now().Add(30 * time.Second)
	var out string
	for time.Now().Before(deadline) {
		out, _ = s.Run("lpstat", "-l", "-p", NoPaper)
		if strings.Contains(out, "media-empty") {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Errorf("lpstat -l -p: %s", out)
}

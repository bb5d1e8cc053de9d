package qrcode

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"motcua/cardreader/qrcode/corpus"
)

// corpusFrames is the size of the held-out corpus the benchmark reads
// (QRCORPUS_N overrides it).
const corpusFrames = 240

func corpusDir(tb testing.TB) string {
	tb.Helper()
	n := corpusFrames
	if s := os.Getenv("QRCORPUS_N"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n <= 0 {
			tb.Fatalf("QRCORPUS_N=%q", s)
		}
	}
	dir, err := corpus.CachedDir(os.TempDir(), corpus.HeldOut, n)
	if err != nil {
		tb.Fatal(err)
	}
	return dir
}

// corpusStats is what each decoder reports on the corpus.
type corpusStats struct {
	Frames       int     `json:"frames"`
	CodeFrames   int     `json:"code_frames"`
	Decoded      int     `json:"decoded"`
	Wrong        int     `json:"wrong"`
	CPU          float64 `json:"cpu_s"`
	FailedFrames int     `json:"failed_frames"`
	FailedCPU    float64 `json:"failed_cpu_s"`
	EmptyFrames  int     `json:"empty_frames"`
	EmptyCPU     float64 `json:"empty_cpu_s"`
}

func (s corpusStats) report(b *testing.B) {
	ms := func(sec float64, n int) float64 {
		if n == 0 {
			return 0
		}
		return 1000 * sec / float64(n)
	}
	b.ReportMetric(float64(s.Decoded), "decoded")
	b.ReportMetric(float64(s.CodeFrames), "codes")
	b.ReportMetric(ms(s.CPU, s.Frames), "cpu-ms/frame")
	b.ReportMetric(ms(s.FailedCPU, s.FailedFrames), "cpu-ms/failed")
	b.ReportMetric(ms(s.EmptyCPU, s.EmptyFrames), "cpu-ms/empty")
}

func processCPU() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

var (
	peersOnce sync.Once
	peers     map[string]corpusStats
	peersErr  error
)

// runPeers decodes the corpus with zxing-cpp and zbar (scripts/qrpeers.py).
func runPeers(dir string) (map[string]corpusStats, error) {
	peersOnce.Do(func() {
		script, err := filepath.Abs("../../scripts/qrpeers.py")
		if err != nil {
			peersErr = err
			return
		}
		out, err := exec.Command("/usr/bin/python3", script, dir).Output()
		if err != nil {
			msg := ""
			if ee, ok := err.(*exec.ExitError); ok {
				msg = string(ee.Stderr)
			}
			peersErr = fmt.Errorf("%v: %s\n(install the peers: apt-get install -y python3-zxing-cpp python3-numpy libzbar0)", err, msg)
			return
		}
		peersErr = json.Unmarshal(out, &peers)
	})
	return peers, peersErr
}

// BenchmarkCorpus decodes the held-out corpus of camera-like frames
// (package corpus) with Decode and, in the same run, with the peers
// zxing-cpp and zbar on exactly the same pixels. Each iteration is one pass
// over the corpus; the metrics are frames decoded to the exact payload and
// process CPU time per frame (per failed code frame, per frame without a
// code).
func BenchmarkCorpus(b *testing.B) {
	dir := corpusDir(b)
	entries, err := corpus.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("gozxing", func(b *testing.B) {
		var s corpusStats
		for b.Loop() {
			s = corpusStats{}
			for i := range entries {
				e := &entries[i]
				b.StopTimer()
				img, err := e.Decode()
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				t0 := processCPU()
				text, err := Decode(img)
				cpu := processCPU() - t0
				s.Frames++
				s.CPU += cpu
				switch {
				case e.Payload == "":
					s.EmptyFrames++
					s.EmptyCPU += cpu
				case err == nil && text == e.Payload:
					s.CodeFrames++
					s.Decoded++
				default:
					s.CodeFrames++
					s.FailedFrames++
					s.FailedCPU += cpu
					if err == nil {
						s.Wrong++
					}
				}
			}
		}
		s.report(b)
	})
	for _, name := range []string{"zxing-cpp", "zbar"} {
		b.Run(name, func(b *testing.B) {
			p, err := runPeers(dir)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
			}
			p[name].report(b)
		})
	}
}

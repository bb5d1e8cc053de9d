package printing

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// Outputs captured from lpstat 2.4 (LANG=C) against the test scheduler.
const (
	lpIdle    = "printer PDF is idle.  enabled since Wed Dec  2 12:33:49 2026\n\tForm mounted:\n\tContent types: any\n\tDescription: PDF\n\tAlerts: none\n\tLocation: \n"
	lpPaper   = "printer NoPaper disabled since Wed Dec  2 12:33:49 2026 -\n\tOut of paper\n\tForm mounted:\n\tDescription: NoPaper\n\tAlerts: media-empty-error paused\n"
	lpStopped = "printer PDF disabled since Wed Dec  2 12:33:52 2026 -\n\tmaintenance\n\tAlerts: paused\n"
	lpBusy    = "printer PDF now printing PDF-7.  enabled since Wed Dec  2 12:33:52 2026\n\tAlerts: none\n"
)

func TestParsePrinter(t *testing.T) {
	tests := []struct {
		in   string
		want PrinterState
		err  error
	}{
		{lpIdle, PrinterState{Name: "PDF", Enabled: true}, nil},
		{lpPaper, PrinterState{Name: "NoPaper", Alerts: []string{"media-empty-error", "paused"}, Message: "Out of paper"}, ErrPaperOut},
		{lpStopped, PrinterState{Name: "PDF", Alerts: []string{"paused"}, Message: "maintenance"}, ErrStopped},
		{lpBusy, PrinterState{Name: "PDF", Enabled: true, Busy: true}, nil},
	}
	for _, tc := range tests {
		got, err := ParsePrinter([]byte(tc.in))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParsePrinter:\n got %+v\nwant %+v", got, tc.want)
		}
		if !errors.Is(got.Err(), tc.err) || (tc.err == nil && got.Err() != nil) {
			t.Errorf("%s: Err() = %v, want %v", got.Name, got.Err(), tc.err)
		}
	}
	for _, bad := range []string{"", "no system default destination\n", "printer X\n"} {
		if _, err := ParsePrinter([]byte(bad)); !errors.Is(err, ErrParse) {
			t.Errorf("ParsePrinter(%q) = %v", bad, err)
		}
	}
}

func TestParseJobs(t *testing.T) {
	in := "NoPaper-1               root              1024   Wed Dec  2 12:33:49 2026\n\tStatus: Out of paper\n\tAlerts: printer-stopped\n\tqueued for NoPaper\nPDF-3                   root              1024   Wed Dec  2 12:33:52 2026\n\tAlerts: job-printing\n"
	want := []JobInfo{{ID: "NoPaper-1", Status: "Out of paper"}, {ID: "PDF-3", Printing: true}}
	if got := ParseJobs([]byte(in)); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v", got)
	}
	if got := ParseJobs(nil); len(got) != 0 {
		t.Errorf("empty: %+v", got)
	}
}

func TestMedia(t *testing.T) {
	for _, tc := range []struct {
		w, h float64
		want string
	}{{210, 297, "A4"}, {210.0015, 297.0019, "A4"}, {148, 210, "A5"}, {80, 227.3, "Custom.80x227mm"}} {
		if got := Media(tc.w, tc.h); got != tc.want {
			t.Errorf("Media(%v, %v) = %q", tc.w, tc.h, got)
		}
	}
}

func FuzzParsePrinter(f *testing.F) {
	for _, s := range []string{lpIdle, lpPaper, lpStopped, lpBusy} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ps, err := ParsePrinter(b)
		if err != nil {
			return
		}
		if ps.Name == "" {
			t.Fatal("parsed a printer without a name")
		}
		_ = ps.Err()
	})
}

func FuzzParseJobs(f *testing.F) {
	f.Add([]byte("PDF-3  root  1024   Wed Dec  2 12:33:52 2026\n\tAlerts: job-printing\n\tStatus: x\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, j := range ParseJobs(b) {
			if j.ID == "" {
				t.Fatal("job without ID")
			}
		}
	})
}

func TestIPPRoundTrip(t *testing.T) {
	// A response shaped like CUPS's: status, one job group with the three
	// attributes, a multi-valued job-state-reasons.
	resp := []byte{1, 1, 0, 0, 0, 0, 0, 1, 0x01}
	add := func(tag byte, name string, v []byte) {
		resp = append(resp, tag, byte(len(name)>>8), byte(len(name)))
		resp = append(resp, name...)
		resp = append(resp, byte(len(v)>>8), byte(len(v)))
		resp = append(resp, v...)
	}
	add(0x47, "attributes-charset", []byte("utf-8"))
	resp = append(resp, 0x02)
	add(0x23, "job-state", []byte{0, 0, 0, 8})
	add(0x44, "job-state-reasons", []byte("job-aborted-by-system"))
	add(0x44, "", []byte("printer-stopped"))
	add(0x41, "job-printer-state-message", []byte("printer fault"))
	resp = append(resp, 0x03)
	j, err := ParseIPPJob(resp)
	if err != nil {
		t.Fatal(err)
	}
	want := IPPJob{Status: 0, State: 8, Reasons: []string{"job-aborted-by-system", "printer-stopped"}, Message: "printer fault"}
	if !reflect.DeepEqual(j, want) {
		t.Errorf("got %+v", j)
	}
	for _, bad := range [][]byte{nil, resp[:5], resp[:len(resp)-1], append(append([]byte{}, resp[:20]...), 0xff)} {
		if _, err := ParseIPPJob(bad); !errors.Is(err, ErrIPP) {
			t.Errorf("ParseIPPJob(% x) = %v", bad, err)
		}
	}
	if req := getJobAttributes(12); !bytes.Contains(req, []byte("ipp://localhost/jobs/12")) || req[len(req)-1] != 0x03 {
		t.Errorf("request % x", req)
	}
	if n, ok := jobNumber("PDF-12"); !ok || n != 12 {
		t.Errorf("jobNumber = %d %v", n, ok)
	}
}

func FuzzParseIPPJob(f *testing.F) {
	f.Add([]byte{1, 1, 0, 0, 0, 0, 0, 1, 0x02, 0x23, 0, 9, 'j', 'o', 'b', '-', 's', 't', 'a', 't', 'e', 0, 4, 0, 0, 0, 9, 0x03})
	f.Fuzz(func(t *testing.T, b []byte) {
		j, err := ParseIPPJob(b)
		if err == nil && len(b) < 9 {
			t.Fatalf("parsed %d bytes into %+v", len(b), j)
		}
	})
}

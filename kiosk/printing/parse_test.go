package printing

import (
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

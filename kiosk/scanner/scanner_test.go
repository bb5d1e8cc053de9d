package scanner

import (
	"context"
	"errors"
	"image"
	"sync"
	"testing"

	"motcua/internal/sanetest"
)

// testOpts scans a grid (something like a form's lines) from SANE's test
// device: 100 dpi keeps the test fast; the area is the backend's maximum.
func testOpts(extra ...string) Options {
	return Options{Device: "test", DPI: 100, WidthMM: 200, HeightMM: 200,
		Backend: append([]string{"--test-picture", "Grid"}, extra...)}
}

func TestListTestDevice(t *testing.T) {
	s := &SANE{Env: sanetest.Env(t)}
	devs, err := s.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(devs) == 0 || devs[0].Name != "test:0" || devs[0].Type == "" {
		t.Fatalf("devices = %+v, want test:0 first", devs)
	}
	none, err := (&SANE{Env: sanetest.EmptyEnv(t)}).List(context.Background())
	if err != nil || len(none) != 0 {
		t.Fatalf("empty config: %v, %v", none, err)
	}
}

func TestPageGreyAndColour(t *testing.T) {
	s := &SANE{Env: sanetest.Env(t)}
	var mu sync.Mutex
	var last float64
	for _, color := range []bool{false, true} {
		o := testOpts()
		o.Color = color
		img, err := s.Page(context.Background(), o, 1, func(page int, f float64) {
			mu.Lock()
			last = f
			mu.Unlock()
		})
		if err != nil {
			t.Fatalf("color=%v: %v", color, err)
		}
		b := img.Bounds()
		// 200 mm at 100 dpi is 787 pixels.
		if b.Dx() < 780 || b.Dx() > 790 || b.Dy() < 780 || b.Dy() > 790 {
			t.Errorf("color=%v: size %v", color, b)
		}
		switch img.(type) {
		case *image.Gray:
			if color {
				t.Error("colour scan came back grey")
			}
		case *image.RGBA:
			if !color {
				t.Error("grey scan came back colour")
			}
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if last < 0.99 {
		t.Errorf("progress ended at %v, want 1", last)
	}
}

func TestFaults(t *testing.T) {
	s := &SANE{Env: sanetest.Env(t)}
	for _, tt := range []struct {
		status string
		want   error
	}{
		{"SANE_STATUS_COVER_OPEN", ErrCoverOpen},
		{"SANE_STATUS_JAMMED", ErrJammed},
		{"SANE_STATUS_NO_DOCS", ErrNoPaper},
		{"SANE_STATUS_DEVICE_BUSY", ErrBusy},
		{"SANE_STATUS_IO_ERROR", ErrFailed},
	} {
		_, err := s.Page(context.Background(), testOpts("--read-return-value", tt.status), 1, nil)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.status, err, tt.want)
		}
		if MessageKey(err) == "" {
			t.Errorf("%s: no message for %v", tt.status, err)
		}
	}
	_, err := (&SANE{Env: sanetest.EmptyEnv(t)}).Page(context.Background(), Options{}, 1, nil)
	if !errors.Is(err, ErrNoScanner) {
		t.Errorf("no scanner: err = %v", err)
	}
	_, err = s.Page(context.Background(), Options{Device: "nosuch:0"}, 1, nil)
	if !errors.Is(err, ErrNoScanner) {
		t.Errorf("unknown device: err = %v", err)
	}
	_, err = (&SANE{Command: "/nonexistent/scanimage"}).List(context.Background())
	if !errors.Is(err, ErrNoSANE) {
		t.Errorf("no frontend: err = %v", err)
	}
}

func TestScanPages(t *testing.T) {
	s := &SANE{Env: sanetest.Env(t)}
	var got int
	n, err := s.Scan(context.Background(), testOpts(), 3, nil, func(image.Image) error { got++; return nil })
	if err != nil || n != 3 || got != 3 {
		t.Fatalf("flatbed 3 pages: n=%d got=%d err=%v", n, got, err)
	}
	// A feeder that reports no paper before the first page is an error the
	// clerk must see; the test backend's feeder is "empty" on demand.
	o := testOpts("--read-return-value", "SANE_STATUS_NO_DOCS")
	o.Feeder = true
	if _, err := s.Scan(context.Background(), o, 0, nil, func(image.Image) error { return nil }); !errors.Is(err, ErrNoPaper) {
		t.Errorf("empty feeder: err = %v", err)
	}
	// keep's error stops the scan and comes back as it is.
	stop := errors.New("stop")
	n, err = s.Scan(context.Background(), testOpts(), 2, nil, func(image.Image) error { return stop })
	if !errors.Is(err, stop) || n != 0 {
		t.Errorf("keep error: n=%d err=%v", n, err)
	}
}

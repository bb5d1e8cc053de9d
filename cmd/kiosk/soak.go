package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"fyne.io/fyne/v2"

	"motcua/kiosk/session"
	"motcua/kiosk/session/demofill"
	"motcua/kiosk/ui"
)

// soakCommand is "kiosk soak"; main.go lists it.
var soakCommand = &command{name: "soak", summary: "run N whole visits through the real window and report memory (needs a display)", run: runSoak}

// runSoak drives the real GL app through whole visits (read, procedure,
// form, attachments, submit to a loopback portal, receipt, rating, wipe)
// and prints the Go heap in use after a GC, right after the visits and
// again after Fyne's renderer cache has expired (one minute by default;
// FYNE_CACHE sets it).
func runSoak(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	n := fs.Int("journeys", 50, "visits to run")
	settle := fs.Duration("settle", 65*time.Second, "idle time before the second measurement")
	seeds := fs.String("seeds", "seeds", "seeds directory (card fixtures)")
	memprofile := fs.String("memprofile", "", "write a heap profile here at the end")
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := newDemo(ctx, *seeds)
	if err != nil {
		return err
	}
	defer d.close()
	a := newApp()
	w := a.NewWindow("soak")
	w.Resize(fyne.NewSize(1280, 800))
	s := d.session(session.SelfService)
	k := ui.New(w, ui.Options{Session: s, Text: d.k.Text, AdminPIN: d.k.Config.AdminPIN, SaveDir: d.dir, Ticks: -1})
	heap := func() (float64, int) {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return float64(ms.HeapInuse) / (1 << 20), runtime.NumGoroutine()
	}
	wait := func(st session.State) error {
		deadline := time.Now().Add(20 * time.Second)
		for s.State() != st || !k.Settled() {
			if time.Now().After(deadline) {
				return fmt.Errorf("soak: state %s, want %s", s.State(), st)
			}
			time.Sleep(2 * time.Millisecond)
		}
		return nil
	}
	var runErr error
	script := func() {
		defer fyne.Do(a.Quit)
		bg := context.Background()
		time.Sleep(500 * time.Millisecond)
		h0, g0 := heap()
		slugs := []string{"tam-tru", "tam-vang", "xac-nhan-hon-nhan", "ly-lich-tu-phap", "cap-lai-can-cuoc"}
		start := time.Now()
		for i := 0; i < *n; i++ {
			steps := []func() error{
				func() error { s.StartRead(bg, session.ReadRequest{}); return wait(session.StateIdentity) },
				func() error { s.Continue(); return wait(session.StateChooseProcedure) },
				func() error {
					p, _ := d.k.Catalog.Lookup(slugs[i%len(slugs)])
					s.Choose(p)
					return wait(session.StateForm)
				},
				func() error { demofill.Fill(s, time.Now()); s.Next(); return wait(session.StateAttachments) },
				func() error {
					for _, at := range s.Form().Attachments("vi") {
						s.SetAttachment(at.Key, true)
					}
					s.Next()
					return wait(session.StateReview)
				},
				func() error { s.Submit(bg); return wait(session.StateReceipt) },
				func() error { s.Finish(); return wait(session.StateRating) },
				func() error { s.Rate(bg, 3); return wait(session.StateWelcome) },
			}
			for _, step := range steps {
				if runErr = step(); runErr != nil {
					return
				}
			}
		}
		elapsed := time.Since(start)
		h1, g1 := heap()
		fmt.Fprintf(e.stdout, "soak: %d visits in %s (%.0f ms each)\n", *n, elapsed.Round(time.Millisecond), float64(elapsed.Milliseconds())/float64(*n))
		fmt.Fprintf(e.stdout, "soak: heap in use %.1f MB before, %.1f MB after the visits; goroutines %d -> %d\n", h0, h1, g0, g1)
		time.Sleep(*settle)
		h2, g2 := heap()
		fmt.Fprintf(e.stdout, "soak: heap in use %.1f MB after %s idle (renderer cache expired); goroutines %d\n", h2, *settle, g2)
		if *memprofile != "" {
			if f, err := os.Create(*memprofile); err == nil {
				pprof.WriteHeapProfile(f)
				f.Close()
			}
		}
	}
	a.Lifecycle().SetOnStarted(func() { go script() })
	w.ShowAndRun()
	k.Close()
	return runErr
}

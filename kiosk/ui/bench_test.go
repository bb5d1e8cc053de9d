package ui_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"motcua/kiosk/session"
	"motcua/kiosk/session/demofill"
	"motcua/kiosk/ui"
)

func settle(tb testing.TB, a *ui.App, want session.State) {
	deadline := time.Now().Add(15 * time.Second)
	for a.Session().State() != want || !a.Settled() {
		if time.Now().After(deadline) {
			tb.Fatalf("state %s, want %s", a.Session().State(), want)
		}
		time.Sleep(50 * time.Microsecond)
	}
}

// BenchmarkTapToIdentity measures a counter's F2 (card tap) to the identity
// panel drawn, in process: the virtual chip read (BAC, secure messaging,
// passive and active authentication) plus building the screen. chip-ms is
// the read alone as the reader timed it; screen-ms is the rest.
func BenchmarkTapToIdentity(b *testing.B) {
	for _, fixture := range []string{"nguyen-van-an", "tran-thi-binh"} {
		b.Run(fixture, func(b *testing.B) {
			k := newKit(b, kitOpts{mode: session.Counter, fixture: fixture})
			a := k.app
			a.Session().SignIn(context.Background(), "CB-01")
			settle(b, a, session.StateWelcome)
			var chip time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				a.Key(fyne.KeyF2)
				settle(b, a, session.StateIdentity)
				b.StopTimer()
				chip += a.Session().Requester().Stats.Duration
				a.Session().Wipe(context.Background(), session.WipeCancel)
				settle(b, a, session.StateWelcome)
				b.StartTimer()
			}
			total := b.Elapsed()
			b.ReportMetric(float64(chip.Microseconds())/1000/float64(b.N), "chip-ms")
			b.ReportMetric(float64((total-chip).Microseconds())/1000/float64(b.N), "screen-ms")
		})
	}
}

// BenchmarkFiftyJourneys runs 50 whole visits (card, procedure, form,
// attachments, submit to the portal, receipt, rating, wipe) per iteration
// through the screens and reports the heap in use afterwards, after a GC,
// and the goroutines left: what a long day at a kiosk leaves behind.
func BenchmarkFiftyJourneys(b *testing.B) {
	k := newKit(b, kitOpts{mode: session.SelfService})
	a := k.app
	s := a.Session()
	ctx := context.Background()
	slugs := []string{"tam-tru", "tam-vang", "xac-nhan-hon-nhan", "ly-lich-tu-phap", "cap-lai-can-cuoc"}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := ms.HeapInuse
	goroutines := runtime.NumGoroutine()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := 0; j < 50; j++ {
			s.StartRead(ctx, session.ReadRequest{})
			settle(b, a, session.StateIdentity)
			s.Continue()
			p, _ := k.catalog.Lookup(slugs[j%len(slugs)])
			s.Choose(p)
			settle(b, a, session.StateForm)
			if err := demofill.Fill(s, time.Now()); err != nil {
				b.Fatal(err)
			}
			if err := s.Next(); err != nil {
				for _, f := range s.Form().Fields("en") {
					if f.Error != "" {
						b.Logf("%s %s: %q: %s", p.Slug, f.Path, f.Value, f.Error)
					}
				}
				b.Fatal(err)
			}
			for _, at := range s.Form().Attachments("vi") {
				s.SetAttachment(at.Key, true)
			}
			s.Next()
			settle(b, a, session.StateReview)
			if err := s.Submit(ctx); err != nil {
				b.Fatal(err)
			}
			settle(b, a, session.StateReceipt)
			s.Finish()
			settle(b, a, session.StateRating)
			s.Rate(ctx, 3)
			settle(b, a, session.StateWelcome)
		}
	}
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB-after")
	b.ReportMetric((float64(ms.HeapInuse)-float64(before))/(1<<20), "heap-MB-growth")
	b.ReportMetric(float64(runtime.NumGoroutine()-goroutines), "goroutines-left")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(50*b.N), "ms/journey")
}

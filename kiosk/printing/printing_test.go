package printing

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"motcua/cardreader/cccd"
	"motcua/internal/cupstest"
	"motcua/internal/pdftest"
	"motcua/kiosk/pdfdoc"
	"motcua/kiosk/receipt"
)

func slip() receipt.Receipt {
	return receipt.Receipt{
		DossierID: "0190a0b0-0000-7000-8000-000000000001", Code: "000.00.00.H00-261202-0042",
		ProcedureCode: "1.004222", ProcedureName: "Đăng ký thường trú", Agency: "000.00.00.H00",
		AgencyName: "Trung tâm Phục vụ hành chính công phường Mẫu", ApplicantName: "Trần Thị Bình", ApplicantID: "001192034567",
		ReceivedAt: time.Date(2026, 12, 2, 2, 30, 0, 0, time.UTC), Due: cccd.Date{Year: 2026, Month: 12, Day: 11},
		ProcessingDays: 7, Receiver: "CB-01",
		Parts: []receipt.Part{{Name: "Tờ khai thay đổi thông tin cư trú (CT01)", Original: true, Count: 1}},
	}
}

func render(t *testing.T, p pdfdoc.Paper) ([]byte, string) {
	t.Helper()
	b, err := slip().PDF(p)
	if err != nil {
		t.Fatal(err)
	}
	in := pdftest.Inspect(t, b)
	return b, Media(in.WidthMM, in.HeightMM)
}

// The receipt in its three layouts goes through the real scheduler and
// cups-pdf, and comes out with the paper's size, its codes as text, and
// the same picture.
func TestPrintReceiptThroughCUPS(t *testing.T) {
	srv := cupstest.Start(t)
	sp := &Spooler{Client: &Client{Server: srv.Socket}, Printer: cupstest.PDF, Poll: 50 * time.Millisecond, Timeout: time.Minute}
	for _, paper := range []pdfdoc.Paper{pdfdoc.A4, pdfdoc.A5, pdfdoc.Roll80} {
		t.Run(string(paper), func(t *testing.T) {
			doc, media := render(t, paper)
			var ups []Update
			err := sp.PrintWait(context.Background(), []Doc{{Title: "bien-nhan-" + string(paper), PDF: doc, Media: media}}, func(u Update) { ups = append(ups, u) })
			if err != nil {
				t.Fatalf("print: %v (%s)", err, Message(err, "en"))
			}
			last := ups[len(ups)-1]
			if !last.Done || last.State != JobCompleted || last.Job.ID == "" {
				t.Fatalf("updates %+v", ups)
			}
			out := srv.WaitPDF(t, last.Job.ID, time.Minute)
			src, got := pdftest.Inspect(t, doc), pdftest.Inspect(t, out)
			if got.Pages != 1 || math.Abs(got.WidthMM-src.WidthMM) > 1 || math.Abs(got.HeightMM-src.HeightMM) > 1 {
				t.Errorf("printed %d page(s) %.1f × %.1f mm, sent %.1f × %.1f mm", got.Pages, got.WidthMM, got.HeightMM, src.WidthMM, src.HeightMM)
			}
			txt := strings.Join(strings.Fields(pdftest.Text(t, out)), " ")
			for _, want := range []string{"000.00.00.H00-261202-0042", "001192034567", "1.004222", "CB-01"} {
				if !strings.Contains(txt, want) {
					t.Errorf("printed text lacks %q:\n%s", want, txt)
				}
			}
			// Vietnamese letters outside Latin-1 lose their text layer in
			// the PostScript chain (see cupstest), so the page is compared as
			// a picture: the printed page is the sent page.
			// A blank page of the same paper is the control: the test can
			// tell a printed page from a lost one.
			if d, blank := pdftest.Diff(t, doc, out, 72, 12), pdftest.Diff(t, doc, blankPage(t, src), 72, 12); d > 0.01 || blank < 2*d || blank < 0.02 {
				t.Errorf("printed page differs from the sent one by %.4f (a blank page: %.4f)", d, blank)
			}
		})
	}
}

func TestPrintErrors(t *testing.T) {
	srv := cupstest.Start(t)
	c := &Client{Server: srv.Socket}
	doc, media := render(t, pdfdoc.A5)
	batch := []Doc{{Title: "a", PDF: doc, Media: media}, {Title: "b", PDF: doc, Media: media}}
	ctx := context.Background()
	print := func(printer string) ([]Update, error) {
		var ups []Update
		err := (&Spooler{Client: c, Printer: printer, Poll: 50 * time.Millisecond, Timeout: 30 * time.Second}).PrintWait(ctx, batch, func(u Update) { ups = append(ups, u) })
		return ups, err
	}
	// The default printer, when none is named.
	if ups, err := print(""); err != nil || len(ups) == 0 || ups[len(ups)-1].Job.Printer != cupstest.PDF {
		t.Errorf("default printer: %v %+v", err, ups)
	}
	// No such printer, and no default printer.
	if ups, err := print("Nope"); !errors.Is(err, ErrNoPrinter) || len(ups) != 2 || !ups[1].Done {
		t.Errorf("printer Nope: %v %+v", err, ups)
	}
	if out, err := srv.Run("lpadmin", "-x", cupstest.PDF); err != nil {
		t.Fatalf("lpadmin -x: %v %s", err, out)
	}
	if _, err := print(""); !errors.Is(err, ErrNoPrinter) {
		t.Errorf("no default printer: %v", err)
	}
	// Paper out: the first job makes the backend report media-empty; the
	// batch ends with ErrPaperOut, and so does the next print.
	if _, err := print(cupstest.NoPaper); !errors.Is(err, ErrPaperOut) {
		t.Errorf("no paper: %v", err)
	}
	if _, err := print(cupstest.NoPaper); !errors.Is(err, ErrPaperOut) {
		t.Errorf("no paper, again: %v", err)
	}
	// A printer that fails the job: the job is aborted, not "completed".
	if ups, err := print(cupstest.Broken); !errors.Is(err, ErrJobFailed) || len(ups) < 2 || !ups[len(ups)-2].Done || ups[len(ups)-2].Doc != 0 {
		t.Errorf("broken printer: %v %+v", err, ups)
	}
	// A stopped printer.
	if out, err := srv.Run("lpadmin", "-p", "Stopped", "-E", "-v", "nopaper:/"); err != nil {
		t.Fatalf("lpadmin: %v %s", err, out)
	}
	if out, err := srv.Run("cupsdisable", "-r", "maintenance", "Stopped"); err != nil {
		t.Fatalf("cupsdisable: %v %s", err, out)
	}
	if _, err := print("Stopped"); !errors.Is(err, ErrStopped) {
		t.Errorf("stopped: %v", err)
	}
	// No scheduler at all.
	srv.Stop()
	if _, err := print("Stopped"); !errors.Is(err, ErrNoCUPS) {
		t.Errorf("no CUPS: %v", err)
	}
	for _, err := range []error{ErrNoCUPS, ErrNoPrinter, ErrStopped, ErrPaperOut, ErrJobFailed, ErrTimeout, errors.New("x"), nil} {
		if Message(err, "vi") == "" || Message(err, "en") == "" || Message(err, "vi") == Message(err, "en") {
			t.Errorf("message for %v", err)
		}
	}
}

// Print returns before the job is done: the batch runs on its own
// goroutine and the caller learns the end from the channel.
func TestPrintDoesNotBlock(t *testing.T) {
	srv := cupstest.Start(t)
	doc, media := render(t, pdfdoc.A4)
	started := make(chan struct{})
	sp := &Spooler{Client: &Client{Server: srv.Socket}, Printer: cupstest.PDF, Poll: 50 * time.Millisecond}
	var final Update
	done := sp.Print(context.Background(), []Doc{{Title: "x", PDF: doc, Media: media}}, func(u Update) {
		<-started // the printing goroutine waits for the caller, never the reverse
		if u.Done {
			final = u
		}
	})
	close(started)
	<-done
	if final.Err != nil || final.State != JobCompleted {
		t.Errorf("final %+v", final)
	}
}

func blankPage(t *testing.T, in pdftest.Info) []byte {
	t.Helper()
	p, err := pdfdoc.New(in.WidthMM, in.HeightMM, 10, "blank", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	pdfdoc.AddPage(p)
	b, err := pdfdoc.Bytes(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

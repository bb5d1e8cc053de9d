package printing

import (
	"context"
	"fmt"
	"time"
)

// Doc is one document to print.
type Doc struct {
	Title string // job title: no personal data (e.g. "bien-nhan-CODE")
	PDF   []byte
	Media string // "A4", "A5", "Custom.80x240mm"; empty: the printer's default
}

// Update reports a document's progress. Done is true once for each
// document, with Err nil when it printed.
type Update struct {
	Doc   int // index in the batch
	Title string
	Job   Job
	State JobState
	Err   error
	Done  bool
}

// Spooler prints batches in the background. Its zero Poll and Timeout
// mean 250 ms and 2 minutes.
type Spooler struct {
	Client  *Client
	Printer string // empty: the system default
	Poll    time.Duration
	Timeout time.Duration
}

// Print starts printing docs in order and returns at once; update (may be
// nil) is called from the printing goroutine with each change. The
// returned channel is closed when the batch is over. Nothing waits for the
// printer on the caller's goroutine, so the kiosk moves on to the next
// citizen while the job runs.
func (s *Spooler) Print(ctx context.Context, docs []Doc, update func(Update)) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.run(ctx, docs, update)
	}()
	return done
}

// PrintWait prints docs and waits for the end; it returns the first error.
func (s *Spooler) PrintWait(ctx context.Context, docs []Doc, update func(Update)) error {
	var first error
	s.run(ctx, docs, func(u Update) {
		if u.Done && u.Err != nil && first == nil {
			first = u.Err
		}
		if update != nil {
			update(u)
		}
	})
	return first
}

func (s *Spooler) run(ctx context.Context, docs []Doc, update func(Update)) {
	send := func(u Update) {
		if update != nil {
			update(u)
		}
	}
	c := s.Client
	if c == nil {
		c = &Client{}
	}
	poll, timeout := s.Poll, s.Timeout
	if poll <= 0 {
		poll = 250 * time.Millisecond
	}
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	failAll := func(from int, err error) {
		for i := from; i < len(docs); i++ {
			send(Update{Doc: i, Title: docs[i].Title, Err: err, Done: true})
		}
	}
	printer, err := c.Resolve(ctx, s.Printer)
	if err == nil {
		err = c.Ready(ctx, printer)
	}
	if err != nil {
		failAll(0, err)
		return
	}
	for i, d := range docs {
		job, err := c.Submit(ctx, printer, d.Title, d.PDF, d.Media)
		if err != nil {
			failAll(i, err)
			return
		}
		send(Update{Doc: i, Title: d.Title, Job: job, State: JobQueued})
		deadline := time.Now().Add(timeout)
		last := JobQueued
		for {
			st, err := c.State(ctx, job)
			if err != nil {
				// No scheduler, or the job is held by a stopped printer: say
				// why and stop the batch (a held job prints once the printer
				// is fixed).
				failAll(i, err)
				return
			}
			if st == JobCompleted {
				send(Update{Doc: i, Title: d.Title, Job: job, State: st, Done: true})
				break
			}
			if st == JobMissing {
				failAll(i, fmt.Errorf("%w: job %s vanished", ErrJobFailed, job.ID))
				return
			}
			if st != last {
				last = st
				send(Update{Doc: i, Title: d.Title, Job: job, State: st})
			}
			if time.Now().After(deadline) {
				failAll(i, ErrTimeout)
				return
			}
			select {
			case <-ctx.Done():
				failAll(i, ctx.Err())
				return
			case <-time.After(poll):
			}
		}
	}
}

// Media returns the lp media option for a page of w × h millimetres:
// "A4" and "A5" by name, anything else as a custom size (a receipt roll).
func Media(w, h float64) string {
	near := func(a, b float64) bool { return a-b < 1 && b-a < 1 }
	switch {
	case near(w, 210) && near(h, 297):
		return "A4"
	case near(w, 148) && near(h, 210):
		return "A5"
	}
	return fmt.Sprintf("Custom.%.0fx%.0fmm", w, h)
}

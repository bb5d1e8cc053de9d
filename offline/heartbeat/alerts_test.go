package heartbeat

import (
	"slices"
	"testing"
	"time"
)

func TestAlerts(t *testing.T) {
	now := time.Date(2026, 3, 6, 9, 30, 0, 0, time.UTC)
	healthy := Status{Version: "1", Mode: ModeCounter, At: now, Reader: Device{State: StateOK}, Printer: Device{State: StateOK},
		Scanner: Device{State: StateOK}, TrustListIssued: now.AddDate(0, -1, 0)}
	seen := func(s Status, ago time.Duration) Seen {
		s.At = now.Add(-ago)
		return Seen{Status: s, ReceivedAt: now.Add(-ago)}
	}
	with := func(f func(*Status)) Status { s := healthy; f(&s); return s }
	queue := func(n int) Status { return with(func(s *Status) { s.Queue = n; s.OldestQueued = now.Add(-time.Hour) }) }
	for _, tc := range []struct {
		name    string
		history []Seen
		want    []Alert
	}{
		{"none", nil, nil},
		{"healthy", []Seen{seen(healthy, 20*time.Second)}, nil},
		{"silent 9 minutes", []Seen{seen(healthy, 9*time.Minute)}, nil},
		{"silent 11 minutes", []Seen{seen(healthy, 11*time.Minute)}, []Alert{AlertOffline}},
		{"backlog growing", []Seen{seen(queue(7), 0), seen(queue(5), 10*time.Minute), seen(queue(5), 20*time.Minute), seen(queue(2), 29*time.Minute)},
			[]Alert{AlertBacklogGrowing}},
		{"backlog went down once", []Seen{seen(queue(7), 0), seen(queue(8), 10*time.Minute), seen(queue(2), 20*time.Minute)}, nil},
		{"backlog growing, too few beats", []Seen{seen(queue(7), 0), seen(queue(2), 20*time.Minute)}, nil},
		{"backlog steady", []Seen{seen(queue(3), 0), seen(queue(3), 10*time.Minute), seen(queue(3), 20*time.Minute)}, nil},
		{"oldest 23 h", []Seen{seen(with(func(s *Status) { s.Queue = 1; s.OldestQueued = now.Add(-23 * time.Hour) }), 0)}, nil},
		{"oldest 25 h", []Seen{seen(with(func(s *Status) { s.Queue = 1; s.OldestQueued = now.Add(-25 * time.Hour) }), 0)}, []Alert{AlertBacklogOld}},
		{"reader missing", []Seen{seen(with(func(s *Status) { s.Reader.State = StateMissing }), 0)}, []Alert{AlertReader}},
		{"reader unknown is no alert", []Seen{seen(with(func(s *Status) { s.Reader.State = StateUnknown }), 0)}, nil},
		{"printer out of paper", []Seen{seen(with(func(s *Status) { s.Printer.State = StatePaperOut }), 0)}, []Alert{AlertPrinter}},
		{"scanner failing", []Seen{seen(with(func(s *Status) { s.Scanner.State = StateError }), 0)}, []Alert{AlertScanner}},
		{"trust list 91 days", []Seen{seen(with(func(s *Status) { s.TrustListIssued = now.Add(-91 * 24 * time.Hour) }), 0)}, []Alert{AlertTrustList}},
		{"no trust list", []Seen{seen(with(func(s *Status) { s.TrustListIssued = time.Time{} }), 0)}, []Alert{AlertTrustList}},
		{"offline with a dead printer", []Seen{seen(with(func(s *Status) { s.Printer.State = StateMissing }), time.Hour)}, []Alert{AlertOffline, AlertPrinter}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Alerts(tc.history, now); !slices.Equal(got, tc.want) {
				t.Fatalf("Alerts = %v, want %v", got, tc.want)
			}
		})
	}
}

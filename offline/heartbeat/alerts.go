package heartbeat

import "time"

// Alert is a condition the province's operator should act on.
type Alert string

// Alerts, in the order a dashboard shows them.
const (
	AlertOffline        Alert = "offline"         // no heartbeat for over OfflineAfter
	AlertBacklogGrowing Alert = "backlog-growing" // the queue only grew over GrowingWindow
	AlertBacklogOld     Alert = "backlog-old"     // a dossier waits for over OldBacklog
	AlertReader         Alert = "reader"          // the card reader is missing or failing
	AlertPrinter        Alert = "printer"         // missing, failing or out of paper
	AlertScanner        Alert = "scanner"         // missing or failing
	AlertTrustList      Alert = "trust-list"      // older than OldTrustList, or none
)

// Thresholds of the alerts.
const (
	OfflineAfter  = 10 * time.Minute
	OldBacklog    = 24 * time.Hour
	OldTrustList  = 90 * 24 * time.Hour
	GrowingWindow = 30 * time.Minute
)

// Seen is a heartbeat as the portal received it.
type Seen struct {
	Status
	ReceivedAt time.Time
}

// Alerts returns the alerts of a kiosk whose heartbeats, newest first, are
// history (history[0] is its current state), at time now. Ages are taken
// from the portal's clock where it can (received times), so a kiosk with a
// wrong clock cannot hide that it is offline.
func Alerts(history []Seen, now time.Time) []Alert {
	if len(history) == 0 {
		return nil
	}
	cur := history[0]
	var out []Alert
	if now.Sub(cur.ReceivedAt) > OfflineAfter {
		out = append(out, AlertOffline)
	}
	if growing(history) {
		out = append(out, AlertBacklogGrowing)
	}
	// The oldest dossier's age by the kiosk's own clock, carried forward to
	// now: the kiosk knew it was that old when it sent the heartbeat.
	if cur.Queue > 0 && !cur.OldestQueued.IsZero() && cur.At.Sub(cur.OldestQueued)+now.Sub(cur.ReceivedAt) > OldBacklog {
		out = append(out, AlertBacklogOld)
	}
	if cur.Reader.State == StateMissing || cur.Reader.State == StateError {
		out = append(out, AlertReader)
	}
	switch cur.Printer.State {
	case StateMissing, StateError, StatePaperOut:
		out = append(out, AlertPrinter)
	}
	if cur.Scanner.State == StateMissing || cur.Scanner.State == StateError {
		out = append(out, AlertScanner)
	}
	if cur.TrustListIssued.IsZero() || cur.At.Sub(cur.TrustListIssued) > OldTrustList {
		out = append(out, AlertTrustList)
	}
	return out
}

// growing reports whether the queue rose, and never fell, across at least
// three heartbeats spanning most of GrowingWindow.
func growing(history []Seen) bool {
	cur := history[0]
	if cur.Queue == 0 {
		return false
	}
	n := 0
	var oldest Seen
	for i, h := range history {
		if cur.ReceivedAt.Sub(h.ReceivedAt) > GrowingWindow {
			break
		}
		if i > 0 && h.Queue > history[i-1].Queue {
			return false // it fell at some point in the window
		}
		oldest, n = h, n+1
	}
	return n >= 3 && cur.ReceivedAt.Sub(oldest.ReceivedAt) >= GrowingWindow/2 && cur.Queue > oldest.Queue
}

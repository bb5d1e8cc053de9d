package vntime

import (
	"time"

	"motcua/cardreader/cccd"
)

// Zone is Asia/Ho_Chi_Minh.
var Zone = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return loc
	}
	return time.FixedZone("ICT", 7*3600)
}()

// Today is the civil date in Vietnam at t.
func Today(t time.Time) cccd.Date { return cccd.DateOf(t.In(Zone)) }

// AddWorkingDays returns the civil date n working days after the day of t
// in Vietnam, skipping Saturdays and Sundays; a dossier received on a
// weekend counts from the next Monday. The kiosk's provisional slip and the
// portal's receipt both use it, so they agree. Public holidays are not
// skipped: the government sets them each year and the receiving office
// corrects the slip by hand when one intervenes.
func AddWorkingDays(t time.Time, n int) cccd.Date {
	d := t.In(Zone)
	// Noon keeps AddDate clear of any midnight edge.
	d = time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, Zone)
	for weekend(d) {
		d = d.AddDate(0, 0, 1)
	}
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if !weekend(d) {
			n--
		}
	}
	return cccd.DateOf(d)
}

func weekend(d time.Time) bool { return d.Weekday() == time.Saturday || d.Weekday() == time.Sunday }

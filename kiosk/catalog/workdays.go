package catalog

import "time"

// Zone is Asia/Ho_Chi_Minh, where working days are counted. Vietnam has had
// no daylight saving since 1975, so a fixed zone is exact when tzdata is
// missing from the machine.
var Zone = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return loc
	}
	return time.FixedZone("ICT", 7*3600)
}()

// DueDate is the appointment date printed on the receipt: received plus the
// procedure's processing time in working days (Monday to Friday) in
// Vietnam, at the same clock time. Public holidays are not known to the
// catalog and are not skipped; the receiving office adjusts for them.
func (p *Procedure) DueDate(received time.Time) time.Time {
	return AddWorkingDays(received, p.Days)
}

// AddWorkingDays adds n working days (Monday to Friday) to t in Zone. A
// dossier received on a weekend counts from the next Monday.
func AddWorkingDays(t time.Time, n int) time.Time {
	t = t.In(Zone)
	for t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
		t = t.AddDate(0, 0, 1)
	}
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if t.Weekday() != time.Saturday && t.Weekday() != time.Sunday {
			n--
		}
	}
	return t
}

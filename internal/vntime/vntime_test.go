package vntime

import (
	"testing"
	"time"

	"motcua/cardreader/cccd"
)

func TestAddWorkingDays(t *testing.T) {
	ict := time.FixedZone("ICT", 7*3600)
	tests := []struct {
		at   time.Time
		n    int
		want cccd.Date
	}{
		{time.Date(2026, 11, 16, 9, 0, 0, 0, ict), 0, cccd.Date{Year: 2026, Month: 11, Day: 16}},       // Monday
		{time.Date(2026, 11, 16, 9, 0, 0, 0, ict), 1, cccd.Date{Year: 2026, Month: 11, Day: 17}},       //
		{time.Date(2026, 11, 20, 9, 0, 0, 0, ict), 1, cccd.Date{Year: 2026, Month: 11, Day: 23}},       // Friday → Monday
		{time.Date(2026, 11, 16, 9, 0, 0, 0, ict), 7, cccd.Date{Year: 2026, Month: 11, Day: 25}},       //
		{time.Date(2026, 11, 21, 9, 0, 0, 0, ict), 0, cccd.Date{Year: 2026, Month: 11, Day: 23}},       // received Saturday
		{time.Date(2026, 11, 22, 9, 0, 0, 0, ict), 3, cccd.Date{Year: 2026, Month: 11, Day: 26}},       // received Sunday
		{time.Date(2026, 11, 20, 20, 0, 0, 0, time.UTC), 1, cccd.Date{Year: 2026, Month: 11, Day: 24}}, // Saturday 03:00 in Vietnam
		{time.Date(2026, 3, 6, 9, 0, 0, 0, Zone), 7, cccd.Date{Year: 2026, Month: 3, Day: 17}},         // Fri + 7
		{time.Date(2026, 3, 7, 9, 0, 0, 0, Zone), 1, cccd.Date{Year: 2026, Month: 3, Day: 10}},         // Sat counts from Mon → Tue
		{time.Date(2026, 3, 1, 17, 30, 0, 0, time.UTC), 1, cccd.Date{Year: 2026, Month: 3, Day: 3}},    // Sunday UTC is Monday 00:30 in Hà Nội
		{time.Date(2026, 12, 31, 9, 0, 0, 0, Zone), 2, cccd.Date{Year: 2027, Month: 1, Day: 4}},        // over the new year
		{time.Date(2026, 11, 16, 23, 59, 0, 0, Zone), 1, cccd.Date{Year: 2026, Month: 11, Day: 17}},    // late evening stays that day
	}
	for _, tt := range tests {
		if got := AddWorkingDays(tt.at, tt.n); got != tt.want {
			t.Errorf("AddWorkingDays(%v, %d) = %v, want %v", tt.at, tt.n, got, tt.want)
		}
	}
}

func TestZone(t *testing.T) {
	at := time.Date(2026, 7, 1, 0, 30, 0, 0, time.UTC)
	if _, off := at.In(Zone).Zone(); off != 7*3600 {
		t.Errorf("offset %d", off)
	}
	if got := Today(time.Date(2026, 6, 30, 17, 30, 0, 0, time.UTC)); got != (cccd.Date{Year: 2026, Month: 7, Day: 1}) {
		t.Errorf("Today = %v", got)
	}
}

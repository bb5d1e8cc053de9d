package cccd

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date is a civil date (birth, issue, expiry) as written on the card. It may
// be year-only (Month and Day zero), which some birth records are. It is not
// a time.Time at midnight: it has no zone and no clock.
type Date struct {
	Year  int
	Month int // 0 for a year-only date
	Day   int // 0 for a year-only date
}

// ErrBadDate reports a date string that is not a valid civil date.
var ErrBadDate = errors.New("cccd: invalid date")

// YearOnly reports whether only the year is known.
func (d Date) YearOnly() bool { return d.Year != 0 && d.Month == 0 }

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d.Year == 0 }

// NewDate returns a full date, checking that it exists in the calendar.
func NewDate(year, month, day int) (Date, error) {
	d := Date{year, month, day}
	if !d.valid() {
		return Date{}, ErrBadDate
	}
	return d, nil
}

func (d Date) valid() bool {
	if d.Year < 1 || d.Year > 9999 {
		return false
	}
	if d.Month == 0 && d.Day == 0 {
		return true
	}
	if d.Month < 1 || d.Month > 12 || d.Day < 1 {
		return false
	}
	return d.Day <= daysIn(d.Year, d.Month)
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// ISO formats the date as YYYY-MM-DD, or YYYY when year-only, or "" when zero.
func (d Date) ISO() string {
	switch {
	case d.IsZero():
		return ""
	case d.YearOnly():
		return fmt.Sprintf("%04d", d.Year)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// String is the Vietnamese display form: DD/MM/YYYY, or YYYY when year-only.
func (d Date) String() string {
	switch {
	case d.IsZero():
		return ""
	case d.YearOnly():
		return fmt.Sprintf("%04d", d.Year)
	}
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year)
}

// ParseISO reads YYYY-MM-DD or YYYY.
func ParseISO(s string) (Date, error) {
	if len(s) == 4 {
		y, err := atoiDigits(s)
		if err != nil || y == 0 {
			return Date{}, ErrBadDate
		}
		return Date{Year: y}, nil
	}
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, ErrBadDate
	}
	return parts(s[0:4], s[5:7], s[8:10])
}

// ParseDMY reads the card's forms: DD/MM/YYYY (DG13), DDMMYYYY (QR), and a
// bare YYYY for year-only dates. "00/00/YYYY" is also read as year-only.
func ParseDMY(s string) (Date, error) {
	s = strings.TrimSpace(s)
	switch len(s) {
	case 4:
		return ParseISO(s)
	case 8:
		return parts(s[4:8], s[2:4], s[0:2])
	case 10:
		if s[2] != '/' || s[5] != '/' {
			if s[2] != '-' || s[5] != '-' {
				return Date{}, ErrBadDate
			}
		}
		return parts(s[6:10], s[3:5], s[0:2])
	}
	return Date{}, ErrBadDate
}

func parts(ys, ms, ds string) (Date, error) {
	y, err1 := atoiDigits(ys)
	m, err2 := atoiDigits(ms)
	d, err3 := atoiDigits(ds)
	if err1 != nil || err2 != nil || err3 != nil {
		return Date{}, ErrBadDate
	}
	if m == 0 && d == 0 {
		m, d = 0, 0 // a year-only date written with zero day and month
	}
	dt := Date{y, m, d}
	if !dt.valid() {
		return Date{}, ErrBadDate
	}
	return dt, nil
}

// atoiDigits accepts ASCII digits only (strconv.Atoi would take a sign).
func atoiDigits(s string) (int, error) {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, ErrBadDate
		}
	}
	return strconv.Atoi(s)
}

// Before reports whether d is strictly before e. A year-only date compares
// as its first day for this purpose.
func (d Date) Before(e Date) bool { return d.key() < e.key() }

func (d Date) key() int {
	m, dd := d.Month, d.Day
	if d.YearOnly() {
		m, dd = 1, 1
	}
	return d.Year*10000 + m*100 + dd
}

// Time returns midnight of the date in loc (January 1st for year-only dates).
func (d Date) Time(loc *time.Location) time.Time {
	m, dd := d.Month, d.Day
	if d.YearOnly() {
		m, dd = 1, 1
	}
	return time.Date(d.Year, time.Month(m), dd, 0, 0, 0, 0, loc)
}

// DateOf returns the civil date of t in its own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, int(m), d}
}

// AddYears moves the date by n years; 29 February becomes 28 February in a
// non-leap year. Year-only dates stay year-only.
func (d Date) AddYears(n int) Date {
	out := Date{d.Year + n, d.Month, d.Day}
	if !out.YearOnly() && out.Day > daysIn(out.Year, out.Month) {
		out.Day = daysIn(out.Year, out.Month)
	}
	return out
}

// AgeOn returns completed years from d (a birth date) to on. Year-only birth
// dates count from 1 January.
func (d Date) AgeOn(on Date) int {
	age := on.Year - d.Year
	b := d
	if b.YearOnly() {
		b = Date{d.Year, 1, 1}
	}
	if on.Month < b.Month || (on.Month == b.Month && on.Day < b.Day) {
		age--
	}
	return age
}

// MarshalText writes the ISO form, so JSON carries "YYYY-MM-DD" or "YYYY".
func (d Date) MarshalText() ([]byte, error) { return []byte(d.ISO()), nil }

// UnmarshalText reads the ISO form; an empty string is the zero date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseISO(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

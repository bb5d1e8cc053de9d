package cccd

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date is a civil date (birth, issue, expiry) as written on the card. It may
// be partial, as the law allows for birth records: year only (Month and Day
// zero) or month and year (Day zero). It is not a time.Time at midnight: it
// has no zone and no clock.
type Date struct {
	Year  int
	Month int // 0 for a year-only date
	Day   int // 0 for a year-only or a month-and-year date
}

// ErrBadDate reports a date string that is not a valid civil date.
var ErrBadDate = errors.New("cccd: invalid date")

// YearOnly reports whether only the year is known.
func (d Date) YearOnly() bool { return d.Year != 0 && d.Month == 0 }

// MonthYear reports whether the month and year are known but not the day.
func (d Date) MonthYear() bool { return d.Year != 0 && d.Month != 0 && d.Day == 0 }

// Partial reports whether the date lacks its day (year-only or month and
// year): such a date cannot be a deadline or a key date.
func (d Date) Partial() bool { return d.YearOnly() || d.MonthYear() }

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
	if d.Month == 0 {
		return d.Day == 0
	}
	if d.Month < 1 || d.Month > 12 || d.Day < 0 {
		return false
	}
	return d.Day <= daysIn(d.Year, d.Month)
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// ISO formats the date as YYYY-MM-DD, YYYY-MM for month and year, YYYY when
// year-only, or "" when zero.
func (d Date) ISO() string {
	switch {
	case d.IsZero():
		return ""
	case d.YearOnly():
		return fmt.Sprintf("%04d", d.Year)
	case d.MonthYear():
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// String is the Vietnamese display form: DD/MM/YYYY, MM/YYYY, or YYYY.
func (d Date) String() string {
	switch {
	case d.IsZero():
		return ""
	case d.YearOnly():
		return fmt.Sprintf("%04d", d.Year)
	case d.MonthYear():
		return fmt.Sprintf("%02d/%04d", d.Month, d.Year)
	}
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year)
}

// ParseISO reads YYYY-MM-DD, YYYY-MM or YYYY.
func ParseISO(s string) (Date, error) {
	switch {
	case len(s) == 4:
		y, err := atoiDigits(s)
		if err != nil || y == 0 {
			return Date{}, ErrBadDate
		}
		return Date{Year: y}, nil
	case len(s) == 7 && s[4] == '-':
		return parts(s[0:4], s[5:7], "00")
	case len(s) == 10 && s[4] == '-' && s[7] == '-':
		return parts(s[0:4], s[5:7], s[8:10])
	}
	return Date{}, ErrBadDate
}

// ParseDMY reads the card's forms, day first: DD/MM/YYYY (DG13), DDMMYYYY
// (QR), and the partial dates the law allows, written as real cards and
// registers do: YYYY, MM/YYYY, 00/MM/YYYY, /MM/YYYY, /YYYY, //YYYY,
// 00/00/YYYY, MMYYYY, 00MMYYYY, 0000YYYY. '-' and '.' may stand for '/'.
// A day without a month is refused.
func ParseDMY(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, "/-.") {
		p := strings.Split(strings.Map(func(r rune) rune {
			if r == '-' || r == '.' {
				return '/'
			}
			return r
		}, s), "/")
		if len(p) > 3 {
			return Date{}, ErrBadDate
		}
		y := strings.TrimSpace(p[len(p)-1])
		if len(y) != 4 {
			return Date{}, ErrBadDate
		}
		var dd, mm string
		switch len(p) {
		case 2:
			mm = p[0]
		case 3:
			dd, mm = p[0], p[1]
		}
		return parts(y, orZero(mm), orZero(dd))
	}
	switch len(s) {
	case 4:
		return ParseISO(s)
	case 6:
		return parts(s[2:6], s[0:2], "00")
	case 8:
		return parts(s[4:8], s[2:4], s[0:2])
	}
	return Date{}, ErrBadDate
}

// orZero reads an empty date part as unknown (zero), and keeps one or two
// digits as written.
func orZero(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "00"
	}
	if len(s) > 2 {
		return "x" // not a day or a month: refused by parts
	}
	return s
}

func parts(ys, ms, ds string) (Date, error) {
	y, err1 := atoiDigits(ys)
	m, err2 := atoiDigits(ms)
	d, err3 := atoiDigits(ds)
	if err1 != nil || err2 != nil || err3 != nil || len(ys) != 4 {
		return Date{}, ErrBadDate
	}
	dt := Date{y, m, d}
	if !dt.valid() {
		return Date{}, ErrBadDate
	}
	return dt, nil
}

// atoiDigits accepts ASCII digits only (strconv.Atoi would take a sign).
func atoiDigits(s string) (int, error) {
	if s == "" {
		return 0, ErrBadDate
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, ErrBadDate
		}
	}
	return strconv.Atoi(s)
}

// Before reports whether d is strictly before e. A partial date compares
// as its first day for this purpose.
func (d Date) Before(e Date) bool { return d.key() < e.key() }

// First is the first day a partial date may be (1 January for year-only,
// the 1st of the month for month and year); a full date is itself.
func (d Date) First() Date {
	if d.Month == 0 {
		d.Month = 1
	}
	if d.Day == 0 {
		d.Day = 1
	}
	return d
}

// Last is the last day a partial date may be (31 December, or the month's
// last day); a full date is itself.
func (d Date) Last() Date {
	if d.Month == 0 {
		d.Month, d.Day = 12, 31
	}
	if d.Day == 0 {
		d.Day = daysIn(d.Year, d.Month)
	}
	return d
}

func (d Date) key() int {
	f := d.First()
	return f.Year*10000 + f.Month*100 + f.Day
}

// Time returns midnight of the date in loc (the first possible day of a
// partial date).
func (d Date) Time(loc *time.Location) time.Time {
	f := d.First()
	return time.Date(f.Year, time.Month(f.Month), f.Day, 0, 0, 0, 0, loc)
}

// DateOf returns the civil date of t in its own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, int(m), d}
}

// AddYears moves the date by n years; 29 February becomes 28 February in a
// non-leap year. Partial dates stay partial.
func (d Date) AddYears(n int) Date {
	out := Date{d.Year + n, d.Month, d.Day}
	if out.Month != 0 && out.Day > daysIn(out.Year, out.Month) {
		out.Day = daysIn(out.Year, out.Month)
	}
	return out
}

// AgeOn returns completed years from d (a birth date) to on. Partial birth
// dates count from their first possible day.
func (d Date) AgeOn(on Date) int {
	age := on.Year - d.Year
	b := d.First()
	if on.Month < b.Month || (on.Month == b.Month && on.Day < b.Day) {
		age--
	}
	return age
}

// MarshalText writes the ISO form, so JSON carries "YYYY-MM-DD", "YYYY-MM"
// or "YYYY".
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

package portal

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"motcua/cardreader/cccd"
	"motcua/internal/vntime"
)

// ErrBadCode is returned by ParseCode.
var ErrBadCode = errors.New("portal: malformed dossier code")

// Code is a dossier code (mã hồ sơ) `<agency>-<yyMMdd>-<seq>`, e.g.
// 000.00.01.H22-250704-0001: the agency's electronic ID code, the day of
// receipt in Asia/Ho_Chi_Minh, and a per-agency sequence reset daily.
type Code struct {
	Agency string
	Date   cccd.Date
	Seq    int
}

// String formats the code with a sequence of at least four digits.
func (c Code) String() string {
	return fmt.Sprintf("%s-%02d%02d%02d-%04d", c.Agency, c.Date.Year%100, c.Date.Month, c.Date.Day, c.Seq)
}

// ParseCode parses a dossier code.
func ParseCode(s string) (Code, error) {
	i := strings.LastIndexByte(s, '-')
	if i <= 0 {
		return Code{}, ErrBadCode
	}
	j := strings.LastIndexByte(s[:i], '-')
	if j <= 0 {
		return Code{}, ErrBadCode
	}
	agency, day, seq := s[:j], s[j+1:i], s[i+1:]
	if !validAgency(agency) || len(day) != 6 || len(seq) < 4 || len(seq) > 9 || !digits(day) || !digits(seq) {
		return Code{}, ErrBadCode
	}
	n, _ := strconv.Atoi(seq)
	y, _ := strconv.Atoi(day[:2])
	m, _ := strconv.Atoi(day[2:4])
	d, _ := strconv.Atoi(day[4:])
	date, err := cccd.NewDate(2000+y, m, d)
	if err != nil || n == 0 {
		return Code{}, ErrBadCode
	}
	return Code{Agency: agency, Date: date, Seq: n}, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// validAgency accepts electronic ID codes like 000.00.01.H22 and short local
// codes: letters, digits, dots, no dash, 1–32 characters.
func validAgency(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

// ValidAgency reports whether s can be the agency part of a dossier code.
func ValidAgency(s string) bool { return validAgency(s) }

// Vietnam is Asia/Ho_Chi_Minh (package vntime): the zone dossier codes,
// receipt times and appointment dates are in.
var Vietnam = vntime.Zone

// AddWorkingDays is vntime.AddWorkingDays: the appointment date, shared
// with the kiosk's provisional slip.
func AddWorkingDays(t time.Time, n int) cccd.Date { return vntime.AddWorkingDays(t, n) }

package declaration

import (
	"strconv"
	"strings"
)

var digits = []string{"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"}

// below100 spells 0–99 as Vietnamese reads it: mười lăm, hai mươi mốt,
// hai mươi tư, ba mươi lăm.
func below100(n int) string {
	switch {
	case n < 10:
		return digits[n]
	case n == 10:
		return "mười"
	case n < 20:
		if n == 15 {
			return "mười lăm"
		}
		return "mười " + digits[n-10]
	}
	t, u := n/10, n%10
	s := digits[t] + " mươi"
	switch u {
	case 0:
		return s
	case 1:
		return s + " mốt"
	case 4:
		return s + " tư"
	case 5:
		return s + " lăm"
	}
	return s + " " + digits[u]
}

// numberWords spells 0–9999 (years, days, months).
func numberWords(n int) string {
	if n < 0 || n > 9999 {
		return strconv.Itoa(n)
	}
	if n < 100 {
		return below100(n)
	}
	var parts []string
	th, h, rest := n/1000, n/100%10, n%100
	if th > 0 {
		parts = append(parts, digits[th]+" nghìn")
	}
	if h > 0 || (th > 0 && rest > 0) {
		parts = append(parts, digits[h]+" trăm")
	}
	switch {
	case rest == 0:
	case rest < 10:
		parts = append(parts, "linh "+digits[rest])
	default:
		parts = append(parts, below100(rest))
	}
	return strings.Join(parts, " ")
}

// dateWords writes a stored date (YYYY-MM-DD or YYYY) in words, as civil-
// status forms ask for a date of birth ("ghi bằng chữ"); other values are
// returned as they are.
func dateWords(v string) string {
	if len(v) == 4 {
		if y, err := strconv.Atoi(v); err == nil {
			return "năm " + numberWords(y)
		}
	}
	if len(v) != 10 || v[4] != '-' || v[7] != '-' {
		return v
	}
	y, e1 := strconv.Atoi(v[:4])
	m, e2 := strconv.Atoi(v[5:7])
	d, e3 := strconv.Atoi(v[8:])
	if e1 != nil || e2 != nil || e3 != nil || m < 1 || m > 12 || d < 1 || d > 31 {
		return v
	}
	return "ngày " + numberWords(d) + " tháng " + numberWords(m) + " năm " + numberWords(y)
}

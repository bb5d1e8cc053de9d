package form

import "strings"

// plateAreas are the two-digit local codes (ký hiệu địa phương) that open a
// plate: one or more per province of the 63-province map plates still
// follow, 80 for central agencies. Codes never assigned (13 since Bắc Giang
// moved to 98, 42, 44–46, 87, 91, 96) are refused. Public lists of Thông tư
// 24/2023/TT-BCA Phụ lục 02 agree on these; [verify] against the circular.
var plateAreas = func() map[string]bool {
	m := map[string]bool{}
	for n := 11; n <= 99; n++ {
		switch {
		case n == 13, n == 42, n >= 44 && n <= 46, n == 87, n == 91, n == 96:
			continue
		}
		m[string(rune('0'+n/10))+string(rune('0'+n%10))] = true
	}
	return m
}()

// plateLetters are the series letters plates use: the Latin alphabet
// without I, J, O, Q and W (they read like digits or are not Vietnamese),
// plus Đ (electric motorbikes, "MĐ").
const plateLetters = "ABCDEFGHKLMNPRSTUVXYZĐ"

// NormalizePlate reads a plate as people write it ("30a 12345",
// "29-B1 123.45", "51LD-123.45") and returns it as stored: local code and
// series, a hyphen, then the number (five digits as NNN.NN). A car's series
// is one or two letters (30A, 51LD), a motorbike's a letter or two and a
// digit (29B1, 29MĐ1). The error is an *Invalid.
func NormalizePlate(s string) (string, error) {
	var p []rune
	var gap []bool // gap[i]: a separator stood before p[i]
	sep := false
	for _, r := range strings.ToUpper(strings.TrimSpace(s)) {
		switch {
		case r >= '0' && r <= '9', strings.ContainsRune(plateLetters, r):
			p, gap, sep = append(p, r), append(gap, sep), false
		case r == ' ' || r == '-' || r == '.':
			sep = true
		default:
			return "", invalid(CodePlate)
		}
	}
	if len(p) < 2 || !plateAreas[string(p[:2])] {
		return "", invalid(CodePlateArea)
	}
	i := 2
	for i < len(p) && strings.ContainsRune(plateLetters, p[i]) {
		i++
	}
	if n := i - 2; n == 0 || n > 2 {
		return "", invalid(CodePlate)
	}
	// A motorbike's series ends in a digit: six digits follow the letters
	// (29B1 123.45), or five with a break after the first (29B1 1234).
	if rest := len(p) - i; rest == 6 || rest == 5 && gap[i+1] {
		i++
	}
	series, num := string(p[:i]), string(p[i:])
	if len(num) != 4 && len(num) != 5 || strings.IndexFunc(num, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return "", invalid(CodePlate)
	}
	if len(num) == 5 {
		num = num[:3] + "." + num[3:]
	}
	return series + "-" + num, nil
}

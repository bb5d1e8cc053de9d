package form

import (
	"errors"
	"net/mail"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"motcua/cardreader/cccd"
)

// CheckIDNumber checks a 12-digit personal ID number: shape, province or
// country code, and, when known, that its sex-and-century digit and birth
// year agree with sex and dob. The error is an *Invalid.
func CheckIDNumber(id string, sex cccd.Sex, dob cccd.Date) error {
	_, err := cccd.CheckID(id, sex, dob)
	if err == nil {
		return nil
	}
	var ie *cccd.IDError
	if !errors.As(err, &ie) {
		return invalid(CodeIDDigits)
	}
	switch ie.Problem {
	case cccd.IDWrongLength:
		return invalid(CodeIDLength)
	case cccd.IDNotDigits:
		return invalid(CodeIDDigits)
	case cccd.IDUnknownRegion:
		return invalid(CodeIDRegion)
	case cccd.IDSexMismatch:
		return invalid(CodeIDSex)
	default:
		return invalid(CodeIDYear)
	}
}

// mobilePrefixes are the three-digit mobile prefixes in use since the 2018
// renumbering (Viettel, VinaPhone, MobiFone, Vietnamobile, Gmobile, Itel,
// Reddi).
var mobilePrefixes = map[string]bool{
	"032": true, "033": true, "034": true, "035": true, "036": true, "037": true, "038": true, "039": true,
	"052": true, "055": true, "056": true, "058": true, "059": true,
	"070": true, "076": true, "077": true, "078": true, "079": true,
	"081": true, "082": true, "083": true, "084": true, "085": true, "086": true, "087": true, "088": true, "089": true,
	"090": true, "091": true, "092": true, "093": true, "094": true, "096": true, "097": true, "098": true, "099": true,
}

// landlineAreas are the fixed-line area codes after the 2017 renumbering:
// 024 (Hà Nội) and 028 (TP Hồ Chí Minh) take 8 subscriber digits, the
// four-digit codes 02xx take 7; every landline is 11 digits with the 0.
var landlineAreas = map[string]bool{
	"024": true, "028": true,
	"0203": true, "0204": true, "0205": true, "0206": true, "0207": true, "0208": true, "0209": true,
	"0210": true, "0211": true, "0212": true, "0213": true, "0214": true, "0215": true, "0216": true, "0218": true, "0219": true,
	"0220": true, "0221": true, "0222": true, "0225": true, "0226": true, "0227": true, "0228": true, "0229": true,
	"0232": true, "0233": true, "0234": true, "0235": true, "0236": true, "0237": true, "0238": true, "0239": true,
	"0251": true, "0252": true, "0254": true, "0255": true, "0256": true, "0257": true, "0258": true, "0259": true,
	"0260": true, "0261": true, "0262": true, "0263": true, "0269": true,
	"0270": true, "0271": true, "0272": true, "0273": true, "0274": true, "0275": true, "0276": true, "0277": true,
	"0290": true, "0291": true, "0292": true, "0293": true, "0294": true, "0296": true, "0297": true, "0299": true,
}

// NormalizePhone checks a Vietnamese phone number and returns it in the
// national form (leading 0, digits only). It accepts spaces, dots and
// hyphens between digits and the +84 / 84 international prefixes. Mobile
// numbers have 10 digits, landlines 11.
func NormalizePhone(s string) (string, error) {
	s = strings.TrimSpace(s)
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')':
		default:
			return "", invalid(CodePhone)
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(s, "+84"):
		d = "0" + strings.TrimPrefix(d, "84")
	case strings.HasPrefix(s, "+"):
		return "", invalid(CodePhone) // another country
	case strings.HasPrefix(d, "84") && (len(d) == 11 || len(d) == 12):
		d = "0" + d[2:]
	}
	if len(d) < 10 || d[0] != '0' {
		return "", invalid(CodePhone)
	}
	switch len(d) {
	case 10:
		if !mobilePrefixes[d[:3]] {
			return "", invalid(CodePhonePrefix)
		}
	case 11:
		if !landlineAreas[d[:3]] && !landlineAreas[d[:4]] {
			return "", invalid(CodePhonePrefix)
		}
	default:
		return "", invalid(CodePhone)
	}
	return d, nil
}

// CheckEmail accepts a bare address (local@domain.tld) of at most 254
// bytes, without display name or comments.
func CheckEmail(s string) error {
	if len(s) > 254 || strings.ContainsAny(s, " <>\t\r\n") {
		return invalid(CodeEmail)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return invalid(CodeEmail)
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	if at < 1 || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") ||
		strings.Contains(domain, "..") || strings.HasPrefix(domain, "[") {
		return invalid(CodeEmail)
	}
	return nil
}

// ParseDate reads a date as people type it at the counter (DD/MM/YYYY,
// DD-MM-YYYY, DDMMYYYY) or as the form stores it (YYYY-MM-DD), and a bare
// YYYY when yearOnlyAllowed.
func ParseDate(s string, yearOnlyAllowed bool) (cccd.Date, error) {
	s = strings.TrimSpace(s)
	d, err := cccd.ParseISO(s)
	if err != nil {
		d, err = cccd.ParseDMY(s)
	}
	if err != nil {
		// Day and month may be typed with one digit: 1/2/1990.
		if p := strings.Split(s, "/"); len(p) == 3 && len(p[2]) == 4 && len(p[0]) <= 2 && len(p[1]) <= 2 {
			d, err = cccd.ParseDMY(pad2(p[0]) + "/" + pad2(p[1]) + "/" + p[2])
		}
	}
	if err != nil {
		if wellFormedDMY(s) {
			return cccd.Date{}, invalid(CodeDateImpossible) // 31/02, 13/13: say so
		}
		return cccd.Date{}, invalid(CodeDate)
	}
	if d.Partial() && !yearOnlyAllowed { // year only, or month and year
		return cccd.Date{}, invalid(CodeDateYearOnly)
	}
	return d, nil
}

// wellFormedDMY reports whether s has the shape of a typed date, D/M/YYYY
// or DD-MM-YYYY, so a parse failure means the day does not exist.
func wellFormedDMY(s string) bool {
	p := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '-' })
	if len(p) != 3 || len(p[2]) != 4 || len(p[0]) > 2 || len(p[1]) > 2 {
		return false
	}
	for _, x := range p {
		for _, r := range x {
			if r < '0' || r > '9' {
				return false
			}
		}
	}
	return true
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

// CheckDateBounds checks a date against today: notAfterToday for births and
// deaths, notBeforeToday for the end of a stay.
func CheckDateBounds(d, today cccd.Date, notAfterToday, notBeforeToday bool) error {
	// A partial date (year only, or month and year) is after today only
	// when its first possible day is, and before today only when its last
	// possible day is.
	if notAfterToday && today.Before(d.First()) {
		return invalid(CodeDateFuture)
	}
	if notBeforeToday && d.Last().Before(today) {
		return invalid(CodeDatePast)
	}
	return nil
}

// checkText rejects control characters and text over max runes (0: no limit).
func checkText(s string, max int) error {
	if !utf8.ValidString(s) {
		return invalid(CodeControlChars)
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' {
			return invalid(CodeControlChars)
		}
	}
	if max > 0 && utf8.RuneCountInString(s) > max {
		return invalidLimit(CodeTooLong, "max %d", max)
	}
	return nil
}

// checkNumber accepts digit strings (account numbers keep leading zeros)
// and checks the bounds when the value fits an int.
func checkNumber(s string, min, max *int) error {
	if s == "" || len(s) > 40 {
		return invalid(CodeNumber)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return invalid(CodeNumber)
		}
	}
	if min == nil && max == nil {
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || (min != nil && n < *min) || (max != nil && n > *max) {
		lo, hi := "", ""
		if min != nil {
			lo = strconv.Itoa(*min)
		}
		if max != nil {
			hi = strconv.Itoa(*max)
		}
		return invalidLimit(CodeNumberRange, "%s–%s", lo, hi)
	}
	return nil
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

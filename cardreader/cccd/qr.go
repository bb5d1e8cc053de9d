package cccd

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// QRData is the payload of the QR code printed on the front of the 2021
// chip CCCD: ID|oldID|name|DDMMYYYY|sex|address|issueDDMMYYYY
// (docs/reference/cccd-tech.md §3.1). It is unsigned: anyone can print one, so it
// is unverified data until a chip it opens agrees with it.
type QRData struct {
	ID          string // 12-digit personal ID number
	OldID       string // former 9- or 12-digit CMND; empty when none
	FullName    string
	DateOfBirth Date // may be year-only
	Sex         Sex
	Address     string // nơi thường trú
	IssueDate   Date
	// Extra holds fields after the seventh, as read (NFC). Some issuers or
	// later formats may add them; they are kept so String round-trips.
	Extra []string
}

// QRFields is the number of fields of the 2021 payload.
const QRFields = 7

// QRProblem names what is wrong with a QR payload.
type QRProblem int

const (
	QREmpty      QRProblem = iota + 1 // nothing but white space and noise
	QRFieldCount                      // fewer than seven '|'-separated fields
	QRBadID                           // field 1 is not a valid ID number (Err says why)
	QRBadOldID                        // field 2 is neither empty nor 9 or 12 digits
	QRBadName                         // field 3 is empty or not text
	QRBadBirth                        // field 4 is not a date
	QRBadSex                          // field 5 is not Nam/Nữ
	QRBadIssue                        // field 7 is not a date, or precedes the birth date
	QRNotText                         // the payload is not valid UTF-8
)

var qrProblemText = map[QRProblem]string{
	QREmpty:      "payload is empty",
	QRFieldCount: "wrong number of fields",
	QRBadID:      "invalid ID number",
	QRBadOldID:   "old ID number must be empty or 9 or 12 digits",
	QRBadName:    "full name is missing",
	QRBadBirth:   "invalid date of birth",
	QRBadSex:     "sex must be Nam or Nữ",
	QRBadIssue:   "invalid issue date",
	QRNotText:    "payload is not UTF-8 text",
}

// ErrQR matches every QRError with errors.Is.
var ErrQR = errors.New("cccd: invalid QR payload")

// QRError reports why a QR payload was refused. It never holds the payload
// or any of its values, only the problem and counts.
type QRError struct {
	Problem QRProblem
	Fields  int   // for QRFieldCount: how many fields were found
	Err     error // underlying rule error (e.g. an *IDError, ErrBadDate), may be nil
}

func (e *QRError) Error() string {
	msg := "cccd: QR payload: " + qrProblemText[e.Problem]
	if e.Problem == QRFieldCount {
		msg += fmt.Sprintf(" (found %d, need %d)", e.Fields, QRFields)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap exposes ErrQR and the underlying rule error.
func (e *QRError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrQR}
	}
	return []error{ErrQR, e.Err}
}

// Is matches a *QRError with the same Problem, so
// errors.Is(err, &QRError{Problem: QRBadSex}) works.
func (e *QRError) Is(target error) bool {
	t, ok := target.(*QRError)
	return ok && t.Problem == e.Problem
}

// ParseQR reads a CCCD QR payload as a camera decoder or a keyboard-wedge
// scanner delivers it. It tolerates: an empty old ID; fields after the
// seventh (kept in Extra); decomposed (NFD) text, which it turns into NFC;
// stray white space, CR and LF around fields; DD/MM/YYYY as well as
// DDMMYYYY dates; and scanner noise before the ID (an AIM identifier such as
// "]Q1", a label such as "CCCD:") and labels on the old ID ("CMND:").
// Everything else is refused with a *QRError naming the problem.
func ParseQR(s string) (QRData, error) {
	if !utf8.ValidString(s) {
		return QRData{}, &QRError{Problem: QRNotText}
	}
	s = norm.NFC.String(strings.TrimFunc(s, isNoise))
	if s == "" {
		return QRData{}, &QRError{Problem: QREmpty}
	}
	f := strings.Split(s, "|")
	if len(f) < QRFields {
		return QRData{}, &QRError{Problem: QRFieldCount, Fields: len(f)}
	}
	for i := range f {
		f[i] = strings.TrimFunc(f[i], isNoise)
	}
	var q QRData
	q.ID = stripPrefixNoise(f[0])
	if _, err := ParseID(q.ID); err != nil {
		return QRData{}, &QRError{Problem: QRBadID, Err: err}
	}
	q.OldID = stripLabel(f[1])
	if q.OldID != "" && !isOldID(q.OldID) {
		return QRData{}, &QRError{Problem: QRBadOldID}
	}
	q.FullName = NormalizeText(f[2])
	if q.FullName == "" {
		return QRData{}, &QRError{Problem: QRBadName}
	}
	var err error
	if q.DateOfBirth, err = ParseDMY(stripLabel(f[3])); err != nil {
		return QRData{}, &QRError{Problem: QRBadBirth, Err: err}
	}
	var ok bool
	if q.Sex, ok = ParseSex(stripLabel(f[4])); !ok {
		return QRData{}, &QRError{Problem: QRBadSex}
	}
	q.Address = NormalizeText(f[5])
	if q.IssueDate, err = ParseDMY(stripLabel(f[6])); err != nil {
		return QRData{}, &QRError{Problem: QRBadIssue, Err: err}
	}
	if q.IssueDate.YearOnly() || q.IssueDate.Before(q.DateOfBirth) {
		return QRData{}, &QRError{Problem: QRBadIssue, Err: ErrBadDate}
	}
	if _, err := CheckID(q.ID, q.Sex, q.DateOfBirth); err != nil {
		return QRData{}, &QRError{Problem: QRBadID, Err: err}
	}
	if len(f) > QRFields {
		q.Extra = append([]string(nil), f[QRFields:]...)
		// A scanner's trailing separator is not a field.
		if len(q.Extra) == 1 && q.Extra[0] == "" {
			q.Extra = nil
		}
	}
	return q, nil
}

// isNoise is white space, control characters (CR, LF, tab, scanner framing
// such as STX/ETX/GS) and the byte-order mark.
func isNoise(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || r == '\uFEFF'
}

// stripPrefixNoise drops whatever precedes the 12 ID digits at the end of
// the first field: an AIM symbology identifier, a label, scanner junk.
func stripPrefixNoise(s string) string {
	end := len(s)
	start := end
	for start > 0 && s[start-1] >= '0' && s[start-1] <= '9' {
		start--
	}
	if end-start >= 12 {
		return s[end-12:]
	}
	return s // left as is: ParseID says what is wrong
}

// stripLabel drops a leading "LABEL:" a scanner may add to a field
// ("CMND: 123456789").
func stripLabel(s string) string {
	if i := strings.IndexByte(s, ':'); i >= 0 && i <= 16 {
		label := s[:i]
		if strings.IndexFunc(label, func(r rune) bool { return !unicode.IsLetter(r) && r != ' ' && r != '.' }) < 0 {
			return strings.TrimFunc(s[i+1:], isNoise)
		}
	}
	return s
}

// String formats the payload as the card prints it, so ParseQR(q.String())
// gives q back. Dates are DDMMYYYY (a year-only date is 0000YYYY).
func (q QRData) String() string {
	fields := []string{q.ID, q.OldID, q.FullName, dmy(q.DateOfBirth), q.Sex.Vietnamese(), q.Address, dmy(q.IssueDate)}
	fields = append(fields, q.Extra...)
	return strings.Join(fields, "|")
}

func dmy(d Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d%02d%04d", d.Day, d.Month, d.Year)
}

// Citizen returns the fields the QR carries as a Citizen (the rest empty).
func (q QRData) Citizen() Citizen {
	return Citizen{
		ID:               q.ID,
		OldID:            q.OldID,
		FullName:         q.FullName,
		DateOfBirth:      q.DateOfBirth,
		Sex:              q.Sex,
		PlaceOfResidence: q.Address,
		IssueDate:        q.IssueDate,
	}
}

// QRFromCitizen is the QR payload a 2021 card printed for c would carry.
func QRFromCitizen(c Citizen) QRData {
	return QRData{
		ID:          c.ID,
		OldID:       c.OldID,
		FullName:    c.FullName,
		DateOfBirth: c.DateOfBirth,
		Sex:         c.Sex,
		Address:     c.PlaceOfResidence,
		IssueDate:   c.IssueDate,
	}
}

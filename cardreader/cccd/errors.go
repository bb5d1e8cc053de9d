package cccd

import "errors"

// ErrBadSex reports a sex value that is neither male nor female.
var ErrBadSex = errors.New("cccd: invalid sex value")

// ErrBadOldID reports an old ID number that is neither 9 nor 12 digits.
var ErrBadOldID = errors.New("cccd: old ID number must be 9 or 12 digits")

// IDProblem names what is wrong with a personal ID number. The kiosk turns it
// into a sentence in the citizen's language; the number itself never appears
// in an error string.
type IDProblem int

const (
	IDWrongLength   IDProblem = iota + 1 // not 12 characters
	IDNotDigits                          // something other than 0-9
	IDUnknownRegion                      // first three digits are no province or country code
	IDSexMismatch                        // 4th digit's parity disagrees with the holder's sex
	IDYearMismatch                       // century digit and YY disagree with the birth year
)

var idProblemText = map[IDProblem]string{
	IDWrongLength:   "must be 12 digits",
	IDNotDigits:     "must contain digits only",
	IDUnknownRegion: "does not start with a known province or country code",
	IDSexMismatch:   "does not match the holder's sex",
	IDYearMismatch:  "does not match the holder's year of birth",
}

// IDError reports an invalid personal ID number.
type IDError struct{ Problem IDProblem }

func (e *IDError) Error() string { return "cccd: ID number " + idProblemText[e.Problem] }

// Is matches any *IDError with the same problem, so errors.Is(err, &IDError{IDSexMismatch}) works.
func (e *IDError) Is(target error) bool {
	t, ok := target.(*IDError)
	return ok && t.Problem == e.Problem
}

// ErrInvalidID matches every IDError with errors.Is.
var ErrInvalidID = errors.New("cccd: invalid ID number")

// Unwrap lets errors.Is(err, ErrInvalidID) match any IDError.
func (e *IDError) Unwrap() error { return ErrInvalidID }

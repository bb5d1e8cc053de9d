package iso7816

import "fmt"

// Status is an ISO 7816-4 status word (SW1 SW2).
type Status uint16

// Status words the ICAO 9303 host side meets and names.
const (
	StatusOK                     Status = 0x9000
	StatusEndOfFileWarning       Status = 0x6282 // end of file reached before Le bytes
	StatusSelectedFileInvalid    Status = 0x6283
	StatusWrongLength            Status = 0x6700
	StatusSMDataObjectsMissing   Status = 0x6987
	StatusSMDataObjectsIncorrect Status = 0x6988
	StatusSecurityNotSatisfied   Status = 0x6982
	StatusAuthMethodBlocked      Status = 0x6983
	StatusConditionsNotSatisfied Status = 0x6985
	StatusIncorrectData          Status = 0x6A80
	StatusFunctionNotSupported   Status = 0x6A81
	StatusFileNotFound           Status = 0x6A82
	StatusWrongP1P2              Status = 0x6B00
	StatusINSNotSupported        Status = 0x6D00
	StatusCLANotSupported        Status = 0x6E00
	StatusNoPreciseDiagnosis     Status = 0x6F00
)

// SW1 and SW2 split the status word.
func (s Status) SW1() byte { return byte(s >> 8) }
func (s Status) SW2() byte { return byte(s) }

// OK reports success: 9000, or 61xx (more data waiting, fetched with GET RESPONSE).
func (s Status) OK() bool { return s == StatusOK || s.SW1() == 0x61 }

func (s Status) String() string {
	if name, ok := statusNames[s]; ok {
		return fmt.Sprintf("%04X (%s)", uint16(s), name)
	}
	switch s.SW1() {
	case 0x61:
		return fmt.Sprintf("%04X (%d bytes still available)", uint16(s), s.SW2())
	case 0x6C:
		return fmt.Sprintf("%04X (wrong Le, card wants %d)", uint16(s), s.SW2())
	case 0x63:
		if s.SW2()&0xF0 == 0xC0 {
			return fmt.Sprintf("%04X (verification failed, %d tries left)", uint16(s), s.SW2()&0x0F)
		}
	}
	return fmt.Sprintf("%04X", uint16(s))
}

var statusNames = map[Status]string{
	StatusOK:                     "success",
	StatusEndOfFileWarning:       "end of file reached",
	StatusSelectedFileInvalid:    "selected file invalidated",
	StatusWrongLength:            "wrong length",
	StatusSMDataObjectsMissing:   "secure messaging data objects missing",
	StatusSMDataObjectsIncorrect: "secure messaging data objects incorrect",
	StatusSecurityNotSatisfied:   "security status not satisfied",
	StatusAuthMethodBlocked:      "authentication method blocked",
	StatusConditionsNotSatisfied: "conditions of use not satisfied",
	StatusIncorrectData:          "incorrect data field",
	StatusFunctionNotSupported:   "function not supported",
	StatusFileNotFound:           "file not found",
	StatusWrongP1P2:              "wrong parameters P1-P2",
	StatusINSNotSupported:        "instruction not supported",
	StatusCLANotSupported:        "class not supported",
	StatusNoPreciseDiagnosis:     "no precise diagnosis",
}

// StatusError is a card's refusal: the command and the status word it got.
// Match a particular status with errors.Is(err, iso7816.StatusFileNotFound).
type StatusError struct {
	Op     string // what the host was doing, e.g. "select DG13"
	Status Status
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("iso7816: %s: status %s", e.Op, e.Status.String())
}

// Is lets errors.Is compare a StatusError with a bare Status value.
func (e *StatusError) Is(target error) bool {
	s, ok := target.(Status)
	return ok && s == e.Status
}

// Error makes Status usable as an errors.Is target.
func (s Status) Error() string { return "iso7816: status " + s.String() }

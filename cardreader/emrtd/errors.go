package emrtd

import (
	"errors"
	"fmt"

	"motcua/cardreader/iso7816"
	"motcua/cardreader/sm"
)

// Errors of a read. None carries personal data. Match them with errors.Is;
// card refusals also match their iso7816.Status.
var (
	// ErrAccessDenied: the chip refused the access key (wrong document
	// number, date of birth, expiry or CAN).
	ErrAccessDenied = errors.New("emrtd: access denied: the card refused the access key")
	// ErrAccessUnsupported: an access protocol the card or the key does not
	// offer; Read then tries the next one.
	ErrAccessUnsupported = errors.New("emrtd: access protocol not offered")
	// ErrNotEMRTD: the card has no eMRTD application.
	ErrNotEMRTD = errors.New("emrtd: no eMRTD application on the card")
	// ErrSecureMessaging: a response failed its MAC or counter check, or
	// the chip reported that ours did and ended the session.
	ErrSecureMessaging = sm.ErrSecureMessaging
	// ErrCardRemoved: the card left the field; it is iso7816.ErrCardRemoved.
	ErrCardRemoved = iso7816.ErrCardRemoved
	// ErrTruncatedFile: the card ran out of data before the length the
	// file's own header announced.
	ErrTruncatedFile = errors.New("emrtd: file shorter than its length field")
	// ErrFileTooLarge: a file whose length field is beyond what this reader
	// takes (MaxFileSize) or beyond the 15-bit READ BINARY offset.
	ErrFileTooLarge = errors.New("emrtd: file too large")
	// ErrMalformedFile: a file that does not start with a valid TLV header,
	// or whose content does not parse.
	ErrMalformedFile = errors.New("emrtd: malformed file")
	// ErrBadResponse: a response that makes no sense for the command (more
	// data than asked, a wrong length).
	ErrBadResponse = errors.New("emrtd: unexpected response from the card")
)

// FileError says which file a failure happened in.
type FileError struct {
	Name string // "EF.COM", "DG13", …
	FID  uint16
	Err  error
}

func (e *FileError) Error() string { return fmt.Sprintf("emrtd: %s (%04X): %v", e.Name, e.FID, e.Err) }

// Unwrap returns the cause.
func (e *FileError) Unwrap() error { return e.Err }

package vchip

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"motcua/cardreader/iso7816"
)

// Faults make the chip misbehave in the ways real cards and links do. The
// zero value is a well-behaved chip. Faults decode from JSON, so a fixture
// file can carry them, e.g.
//
//	{"removeAfterApdus": 12, "delay": "20ms",
//	 "status": [{"file": "010D", "ins": "B0", "status": "6982"}]}
//
// A wrong access key needs no fault: give the host a wrong key.
type Faults struct {
	// RemoveAfter takes the card out of the field after that many APDUs:
	// the next one (and every later one) fails with iso7816.ErrCardRemoved.
	RemoveAfter int `json:"removeAfterApdus,omitempty"`
	// ReturnAfter puts a card RemoveAfter took out back in the field this
	// long after it left (0: it stays out): a citizen lifting the card and
	// putting it back. It is then powered afresh, and not removed again.
	ReturnAfter Duration `json:"returnAfter,omitempty"`
	// TransientAt fails the Nth APDU (1-based) once with
	// iso7816.ErrTransient without running it: a card just placed, not
	// yet settled in the field. Like RemoveAfter it counts APDUs from the
	// card's placement, so it fires once per placement: again after
	// Insert (each simreader.Read, each tap at the kiosk), but not when a
	// lifted card comes back by ReturnAfter, which resumes the count.
	// The response faults (WrongMACAt, WrongSSCAt, Status Times) count
	// from New instead and fire once per Card.
	TransientAt int `json:"transientAt,omitempty"`
	// ATRClaimsExtended announces extended length in the ATR though the
	// chip cannot take it: it ends secure messaging and answers 6700 in
	// plain to an extended APDU, as some real chips do. The host must fall
	// back to short APDUs without desynchronising secure messaging.
	ATRClaimsExtended bool `json:"atrClaimsExtended,omitempty"`
	// WrongMACAt corrupts the MAC of the Nth protected response (1-based).
	WrongMACAt int `json:"wrongMacAt,omitempty"`
	// WrongSSCAt skips a send sequence counter value before the Nth
	// protected response (1-based), as a chip that lost count would.
	WrongSSCAt int `json:"wrongSscAt,omitempty"`
	// Delay is added to every APDU: a slow chip or a weak field.
	Delay Duration `json:"delay,omitempty"`
	// Status forces status words on chosen commands or files.
	Status []StatusFault `json:"status,omitempty"`
	// WrongLengthAbove answers 6700 to READ BINARY with Le above it (0: off).
	WrongLengthAbove int `json:"wrongLengthAbove,omitempty"`
	// CorrectLeAbove answers 6Cxx, xx being this value, to READ BINARY with
	// Le above it (0: off): the chip telling the host the Le to use.
	CorrectLeAbove int `json:"correctLeAbove,omitempty"`
	// ClonedChip signs Active Authentication with a key of its own instead
	// of the one whose public half is in DG15, as a copied chip would have to.
	// It also runs Chip Authentication with a key of its own (see
	// CAKeyMismatch): a copy has neither private key.
	ClonedChip bool `json:"clonedChip,omitempty"`
	// PACEBadToken makes the chip send a wrong PACE authentication token,
	// as a chip that does not share the password would.
	PACEBadToken bool `json:"paceBadToken,omitempty"`
	// CAKeyMismatch runs Chip Authentication with a private key that does
	// not match DG14: a cloned chip carrying a copied, validly signed DG14
	// and SOD.
	CAKeyMismatch bool `json:"caKeyMismatch,omitempty"`
}

// StatusFault forces Status on commands that match File and INS.
type StatusFault struct {
	// File matches a SELECT of this FID and any command while it is the
	// selected file; 0 matches every file.
	File uint16
	// INS matches this instruction only; 0 matches every instruction.
	INS byte
	// Status is the status word answered instead of running the command.
	Status iso7816.Status
	// Times limits the fault to the first N matching commands; 0 is always.
	Times int
}

type statusFaultJSON struct {
	File   string `json:"file,omitempty"`
	INS    string `json:"ins,omitempty"`
	Status string `json:"status"`
	Times  int    `json:"times,omitempty"`
}

// MarshalJSON writes the FID, INS and status word in hex.
func (f StatusFault) MarshalJSON() ([]byte, error) {
	j := statusFaultJSON{Status: fmt.Sprintf("%04X", uint16(f.Status)), Times: f.Times}
	if f.File != 0 {
		j.File = fmt.Sprintf("%04X", f.File)
	}
	if f.INS != 0 {
		j.INS = fmt.Sprintf("%02X", f.INS)
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads hex strings: "file": "010D", "ins": "B0", "status": "6982".
func (f *StatusFault) UnmarshalJSON(b []byte) error {
	var j statusFaultJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	hex := func(name, s string, bits int) (uint64, error) {
		if s == "" {
			return 0, nil
		}
		v, err := strconv.ParseUint(s, 16, bits)
		if err != nil || len(s) != bits/4 {
			return 0, fmt.Errorf("vchip: fault %s %q is not %d hex digits", name, s, bits/4)
		}
		return v, nil
	}
	if j.Status == "" {
		return fmt.Errorf("vchip: status fault without a status word")
	}
	file, err := hex("file", j.File, 16)
	if err != nil {
		return err
	}
	ins, err := hex("ins", j.INS, 8)
	if err != nil {
		return err
	}
	sw, err := hex("status", j.Status, 16)
	if err != nil {
		return err
	}
	*f = StatusFault{File: uint16(file), INS: byte(ins), Status: iso7816.Status(sw), Times: j.Times}
	return nil
}

// Duration is a time.Duration that reads and writes JSON as "20ms".
type Duration time.Duration

// MarshalJSON writes the duration as a Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads a Go duration string ("20ms") or a number of nanoseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n int64
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("vchip: delay must be a duration string like \"20ms\"")
		}
		*d = Duration(n)
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("vchip: bad delay %q", s)
	}
	*d = Duration(v)
	return nil
}

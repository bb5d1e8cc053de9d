package chipauth

import (
	"errors"
	"strconv"

	"motcua/cardreader"
	"motcua/cardreader/iso7816"
)

// Check codes of the chip authentication result (Check.Code), stable for
// the UI to translate.
const (
	CodeNoDG14      = "ca-no-dg14"        // the card has no DG14: nothing to check (as emrtd reports it)
	CodeUnsupported = "ca-unsupported"    // DG14 names only variants we do not run
	CodeMalformed   = "ca-dg14-malformed" // DG14 does not parse
	CodeRefused     = "ca-refused"        // the chip refused the CA commands
	CodeKeyMismatch = "ca-key-mismatch"   // the chip does not hold the DG14 key: a clone
	CodeError       = "ca-error"          // secure messaging or the link failed during CA
)

// Result turns the outcome of Chip Authentication into the Reading's chip
// check. dg14Present says whether the card had DG14 at all; err is nil on
// success. The evidence names the protocol and curve, never personal data.
func Result(dg14Present bool, info Info, key PublicKey, err error) cardreader.Check {
	if !dg14Present {
		return cardreader.Check{Status: cardreader.StatusUnsupported, Code: CodeNoDG14, Reason: "card has no DG14"}
	}
	ev := map[string]string{}
	if info.Protocol != nil {
		ev["protocol"] = info.Protocol.String()
		if alg, e := cipherOf(info.Protocol); e == nil {
			ev["cipher"] = alg.String()
		}
	}
	if c := key.Curve(); c != nil {
		ev["curve"] = c.Params().Name
	}
	if info.KeyID >= 0 && info.Protocol != nil {
		ev["keyId"] = strconv.Itoa(info.KeyID)
	}
	check := func(s cardreader.CheckStatus, code, reason string) cardreader.Check {
		return cardreader.Check{Status: s, Code: code, Reason: reason, Evidence: ev}
	}
	var se *iso7816.StatusError
	switch {
	case err == nil:
		return check(cardreader.StatusPassed, "", "chip proved the DG14 key")
	case errors.Is(err, ErrNoChipAuth), errors.Is(err, ErrUnsupported):
		return check(cardreader.StatusUnsupported, CodeUnsupported, err.Error())
	case errors.Is(err, ErrMalformed):
		return check(cardreader.StatusFailed, CodeMalformed, err.Error())
	case errors.Is(err, ErrKeyMismatch):
		return check(cardreader.StatusFailed, CodeKeyMismatch, "chip could not continue secure messaging under the DG14 key: possible clone")
	case errors.As(err, &se):
		return check(cardreader.StatusFailed, CodeRefused, se.Error())
	}
	return check(cardreader.StatusFailed, CodeError, err.Error())
}

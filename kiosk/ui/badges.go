package ui

import (
	"strings"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/cardreader/pki"
)

// BadgeLine is one line under the identity panel's main verification
// badge: an icon and a translation key with its arguments.
type BadgeLine struct {
	Icon string
	Key  string
	Args []any
}

// IdentityLines are the lines the identity panel shows under the main
// badge, in order:
//   - anti-clone: "genuine chip" only when active or chip authentication
//     passed together with passive authentication (their keys are trusted
//     only through the state's signature); "not established" when they
//     passed but passive did not; the failure when one failed;
//   - the DG1/DG13 comparison when it failed, naming the fields;
//   - the QR/chip cross-check's mismatches;
//   - the reading's warnings (ID digits, unparsed fields, a resumed read…).
func IdentityLines(r *cardreader.Reading) []BadgeLine {
	var out []BadgeLine
	v := r.Verification
	switch ac := v.AntiClone(); ac.Status {
	case cardreader.StatusPassed:
		out = append(out, BadgeLine{"verified", "badge.anticlone.passed", nil})
	case cardreader.StatusFailed:
		out = append(out, BadgeLine{"failed", "cards.badge.anticlone.failed", nil})
	case cardreader.StatusNotChecked:
		out = append(out, BadgeLine{"warning", "cards.badge.anticlone.notchecked", nil})
	}
	if v.MRZ.Status == cardreader.StatusFailed {
		out = append(out, BadgeLine{"failed", "cards.badge.mrzmismatch", []any{fieldList(v.MRZ.Evidence["fields"])}})
	}
	if r.CrossCheck != nil && len(r.CrossCheck.Mismatches) > 0 {
		out = append(out, BadgeLine{"warning", "badge.mismatch", []any{strings.Join(r.CrossCheck.Mismatches, ", ")}})
	}
	for _, w := range r.Warnings {
		var args []any
		if w.Field != "" {
			f, _ := cccd.Field(w.Field)
			name := w.Field
			if f != nil {
				name = f.JSONName()
			}
			args = []any{fieldKey(name)}
		}
		out = append(out, BadgeLine{"warning", "cards.warning." + w.Code, args})
	}
	return out
}

// fieldKey is the translation key of a field named in a check's evidence.
func fieldKey(name string) string { return "cards.field." + name }

// fieldList turns "sex,dateOfBirth" into translation keys, joined later.
func fieldList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f != "" {
			out = append(out, fieldKey(f))
		}
	}
	return out
}

// noTrustAnchor reports a read whose passive authentication could not be
// checked for want of a CSCA: "not checked", distinct from "failed".
func noTrustAnchor(r *cardreader.Reading) bool {
	p := r.Verification.Passive
	return r.Source == cardreader.SourceChip && p.Status == cardreader.StatusNotChecked && (p.Code == pki.CodeNoTrustAnchor || p.Code == "no-trust-store")
}

// lineText translates a BadgeLine: arguments that are translation keys
// (cards.field.*) are translated too.
func (a *App) lineText(l BadgeLine) string {
	args := make([]any, len(l.Args))
	for i, x := range l.Args {
		switch v := x.(type) {
		case []string:
			parts := make([]string, len(v))
			for j, k := range v {
				parts[j] = strings.TrimPrefix(k, "cards.field.")
				if a.t.Has(k) {
					parts[j] = a.T(k)
				}
			}
			args[i] = strings.Join(parts, ", ")
		case string:
			switch {
			case strings.HasPrefix(v, "cards.field.") && a.t.Has(v):
				args[i] = a.T(v)
			default:
				args[i] = strings.TrimPrefix(v, "cards.field.")
			}
		default:
			args[i] = x
		}
	}
	if !a.t.Has(l.Key) {
		return l.Key
	}
	return a.T(l.Key, args...)
}

package main

import (
	"encoding/json"
	"io"
)

// writeJSON prints v for --json: indented, with <, > and & left as they are
// (the output is read by people and scripts, never embedded in HTML).
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

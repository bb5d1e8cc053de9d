package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// valuesHelp is the --values flag's help.
const valuesHelp = `typed form values as a JSON object {"path": "value"} (bundles: "slug:path"): inline ('{"ly_do": "..."}'), or @FILE to read it from FILE`

// readValues reads the --values argument: inline JSON (starting with "{"),
// @FILE, or, as before, a bare file name. "" gives no values.
func readValues(arg string) (map[string]string, error) {
	typed := map[string]string{}
	var b []byte
	var from string
	switch t := strings.TrimSpace(arg); {
	case t == "":
		return typed, nil
	case strings.HasPrefix(t, "{"):
		b, from = []byte(t), "inline JSON"
	case strings.HasPrefix(arg, "@"):
		if arg == "@" {
			return nil, errors.New("--values @: give a file name after @")
		}
		from = arg[1:]
	default:
		from = arg
	}
	if b == nil {
		var err error
		if b, err = os.ReadFile(from); err != nil {
			return nil, fmt.Errorf("--values: %w", err)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&typed); err != nil {
		return nil, fmt.Errorf("--values %s: want a JSON object of strings: %w", from, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("--values %s: trailing data after the JSON object", from)
	}
	return typed, nil
}

package catalog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// locate finds where a file that failed to decode is wrong, with array
// indices ("sections[0].fields[2].requird"), which encoding/json does not
// give for unknown keys. It walks the generic JSON against the Go type. ok
// is false when it finds nothing (a syntax error).
func locate(data []byte) (path, problem string, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", "", false
	}
	return walk(v, reflect.TypeOf(Procedure{}), "")
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func walk(v any, t reflect.Type, path string) (string, string, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil {
		return "", "", false // null decodes to the zero value
	}
	switch t.Kind() {
	case reflect.Struct:
		m, isMap := v.(map[string]any)
		if !isMap {
			return path, "want an object", true
		}
		fields := map[string]reflect.Type{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if f.IsExported() && name != "" && name != "-" {
				fields[name] = f.Type
			}
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ft, known := fields[k]
			if !known {
				return join(path, k), "unknown field", true
			}
			if p, msg, bad := walk(m[k], ft, join(path, k)); bad {
				return p, msg, true
			}
		}
	case reflect.Slice:
		a, isArr := v.([]any)
		if !isArr {
			return path, "want an array", true
		}
		for i, e := range a {
			if p, msg, bad := walk(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); bad {
				return p, msg, true
			}
		}
	case reflect.Map:
		m, isMap := v.(map[string]any)
		if !isMap {
			return path, "want an object", true
		}
		for k, e := range m {
			if p, msg, bad := walk(e, t.Elem(), join(path, k)); bad {
				return p, msg, true
			}
		}
	case reflect.String:
		if _, isStr := v.(string); !isStr {
			return path, "want a string", true
		}
	case reflect.Bool:
		if _, isBool := v.(bool); !isBool {
			return path, "want true or false", true
		}
	case reflect.Int:
		n, isNum := v.(json.Number)
		if !isNum {
			return path, "want a whole number", true
		}
		if _, err := n.Int64(); err != nil {
			return path, "want a whole number", true
		}
	}
	return "", "", false
}

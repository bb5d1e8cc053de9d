package i18n

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"

	"motcua/assets"
)

// Lang is a language code.
type Lang string

// The languages the kiosk ships.
const (
	VI Lang = "vi" // Vietnamese, the default
	EN Lang = "en" // English
)

// ErrUnknownLang reports a language with no translation file.
var ErrUnknownLang = errors.New("i18n: unknown language")

// ParseLang reads "vi" or "en" (any case); anything else is ErrUnknownLang.
func ParseLang(s string) (Lang, error) {
	switch Lang(strings.ToLower(strings.TrimSpace(s))) {
	case VI:
		return VI, nil
	case EN:
		return EN, nil
	}
	return "", fmt.Errorf("%w: %q", ErrUnknownLang, s)
}

// Bundle holds every language's messages and the current language. It is safe
// for concurrent use: card reading and sync goroutines format messages too.
type Bundle struct {
	mu        sync.RWMutex
	msgs      map[Lang]map[string]string
	lang      Lang
	listeners []func(Lang)
}

// Load reads LANG.json for every language from fsys. Vietnamese must exist.
func Load(fsys fs.FS) (*Bundle, error) {
	b := &Bundle{msgs: map[Lang]map[string]string{}, lang: VI}
	for _, l := range []Lang{VI, EN} {
		raw, err := fs.ReadFile(fsys, string(l)+".json")
		if err != nil {
			if l == VI {
				return nil, fmt.Errorf("i18n: %w", err)
			}
			continue
		}
		m := map[string]string{}
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("i18n: %s.json: %w", l, err)
		}
		if err := mergeTopics(fsys, l, m); err != nil {
			return nil, err
		}
		b.msgs[l] = m
	}
	return b, nil
}

// mergeTopics adds the messages of every LANG/*.json topic file to m. A key
// defined twice is an error: two features must not fight over one text.
func mergeTopics(fsys fs.FS, l Lang, m map[string]string) error {
	names, err := fs.Glob(fsys, string(l)+"/*.json")
	if err != nil {
		return fmt.Errorf("i18n: %w", err)
	}
	for _, name := range names {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return fmt.Errorf("i18n: %w", err)
		}
		topic := map[string]string{}
		if err := json.Unmarshal(raw, &topic); err != nil {
			return fmt.Errorf("i18n: %s: %w", name, err)
		}
		for k, v := range topic {
			if _, dup := m[k]; dup {
				return fmt.Errorf("i18n: %s: key %q is defined twice", name, k)
			}
			m[k] = v
		}
	}
	return nil
}

// Default loads the translations embedded in package assets. They are part
// of the binary and tested, so a failure is a build defect and panics.
func Default() *Bundle {
	b, err := Load(assets.Translations())
	if err != nil {
		panic(err)
	}
	return b
}

// Lang returns the current language.
func (b *Bundle) Lang() Lang {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.lang
}

// SetLang switches language and tells every listener.
func (b *Bundle) SetLang(l Lang) {
	b.mu.Lock()
	if b.lang == l {
		b.mu.Unlock()
		return
	}
	b.lang = l
	ls := append([]func(Lang){}, b.listeners...)
	b.mu.Unlock()
	for _, f := range ls {
		f(l)
	}
}

// OnChange registers f to run after each language switch.
func (b *Bundle) OnChange(f func(Lang)) {
	b.mu.Lock()
	b.listeners = append(b.listeners, f)
	b.mu.Unlock()
}

// T returns the message key in the current language with {0}, {1}, …
// replaced by args.
func (b *Bundle) T(key string, args ...any) string {
	return b.In(b.Lang(), key, args...)
}

// In is T in a given language.
func (b *Bundle) In(l Lang, key string, args ...any) string {
	b.mu.RLock()
	s, ok := b.msgs[l][key]
	if !ok {
		s, ok = b.msgs[VI][key]
	}
	b.mu.RUnlock()
	if !ok {
		s = key
	}
	return substitute(s, args)
}

// Has reports whether key exists in Vietnamese (the reference language).
func (b *Bundle) Has(key string) bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	_, ok := b.msgs[VI][key]
	return ok
}

// Keys returns the sorted keys of language l.
func (b *Bundle) Keys(l Lang) []string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	out := make([]string, 0, len(b.msgs[l]))
	for k := range b.msgs[l] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func substitute(s string, args []any) string {
	if len(args) == 0 || !strings.Contains(s, "{") {
		return s
	}
	pairs := make([]string, 0, 2*len(args))
	for i, a := range args {
		pairs = append(pairs, "{"+strconv.Itoa(i)+"}", fmt.Sprint(a))
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

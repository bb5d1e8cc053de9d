package telex

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Combining marks: shapes change the letter, tones are the five accents.
const (
	circumflex = '\u0302'
	breve      = '\u0306'
	horn       = '\u031B'

	grave     = '\u0300' // huyền (f)
	acute     = '\u0301' // sắc (s)
	hook      = '\u0309' // hỏi (r)
	tilde     = '\u0303' // ngã (x)
	dotBelow  = '\u0323' // nặng (j)
	noTone    = rune(0)
	noShape   = rune(0)
	strokeD   = 'đ'
	strokeDUp = 'Đ'
)

var toneKeys = map[rune]rune{'s': acute, 'f': grave, 'r': hook, 'x': tilde, 'j': dotBelow}

// letter is one letter split into base, shape mark and tone mark.
type letter struct {
	base  rune // lower-case ASCII letter, or 'đ'
	upper bool
	shape rune
	tone  rune
	other []rune // marks we do not model, kept as they were
}

func split(r rune) letter {
	switch r {
	case strokeD:
		return letter{base: 'd', shape: strokeD}
	case strokeDUp:
		return letter{base: 'd', shape: strokeD, upper: true}
	}
	d := []rune(norm.NFD.String(string(r)))
	l := letter{base: unicode.ToLower(d[0]), upper: unicode.IsUpper(d[0])}
	for _, m := range d[1:] {
		switch m {
		case circumflex, breve, horn:
			l.shape = m
		case grave, acute, hook, tilde, dotBelow:
			l.tone = m
		default:
			l.other = append(l.other, m)
		}
	}
	return l
}

func (l letter) join() string {
	if l.shape == strokeD {
		if l.upper {
			return string(strokeDUp)
		}
		return string(strokeD)
	}
	b := l.base
	if l.upper {
		b = unicode.ToUpper(b)
	}
	rs := []rune{b}
	if l.shape != noShape {
		rs = append(rs, l.shape)
	}
	if l.tone != noTone {
		rs = append(rs, l.tone)
	}
	rs = append(rs, l.other...)
	return norm.NFC.String(string(rs))
}

func isVowel(b rune) bool { return strings.ContainsRune("aeiouy", b) }

type word []letter

func parse(s string) word {
	w := make(word, 0, len(s))
	for _, r := range s {
		w = append(w, split(r))
	}
	return w
}

// String joins the letters back into NFC text.
func (w word) String() string {
	var sb strings.Builder
	for _, l := range w {
		sb.WriteString(l.join())
	}
	return sb.String()
}

// vowels returns the indices of the syllable's vowel nucleus: the last run
// of vowels, without the u of "qu" and the i of "gi" when more vowels follow.
func (w word) vowels() []int {
	end := -1
	for i := len(w) - 1; i >= 0; i-- {
		if isVowel(w[i].base) {
			end = i
			break
		}
	}
	if end < 0 {
		return nil
	}
	start := end
	for start > 0 && isVowel(w[start-1].base) {
		start--
	}
	if end > start && start == 1 {
		if (w[0].base == 'q' && w[1].base == 'u') || (w[0].base == 'g' && w[1].base == 'i' && w[0].shape == noShape) {
			start++
		}
	}
	idx := make([]int, 0, end-start+1)
	for i := start; i <= end; i++ {
		idx = append(idx, i)
	}
	return idx
}

func (w word) tone() rune {
	for _, l := range w {
		if l.tone != noTone {
			return l.tone
		}
	}
	return noTone
}

// place puts tone t on the right vowel (and clears it elsewhere).
func (w word) place(t rune) {
	for i := range w {
		w[i].tone = noTone
	}
	if t == noTone {
		return
	}
	v := w.vowels()
	if len(v) == 0 {
		return
	}
	target := -1
	for _, i := range v {
		if s := w[i].shape; s == circumflex || s == breve || s == horn {
			target = i // the last shaped vowel: ơ in ươ
		}
	}
	if target < 0 {
		last := v[len(v)-1]
		switch {
		case last < len(w)-1: // a final consonant follows
			target = last
		case len(v) == 1:
			target = v[0]
		case len(v) == 2:
			target = v[0]
		default:
			target = v[1]
		}
	}
	w[target].tone = t
}

func literal(k rune) letter {
	return letter{base: unicode.ToLower(k), upper: unicode.IsUpper(k)}
}

// Key applies one keystroke to the word being typed and returns the new
// word. Keys that are not letters are appended as they are.
func Key(current string, k rune) string {
	w := parse(current)
	lk := unicode.ToLower(k)
	if !unicode.IsLetter(k) || k > unicode.MaxASCII {
		return current + string(k)
	}
	t := w.tone()
	switch {
	case lk == 'z':
		if t == noTone {
			w = append(w, literal(k))
		}
		t = noTone
	case toneKeys[lk] != 0:
		if len(w.vowels()) == 0 {
			w = append(w, literal(k))
			break
		}
		if t == toneKeys[lk] { // typed twice: undo and keep the letter
			t = noTone
			w = append(w, literal(k))
			break
		}
		t = toneKeys[lk]
	case lk == 'a' || lk == 'e' || lk == 'o':
		w = w.double(k)
	case lk == 'w':
		w = w.hornOrBreve(k)
	case lk == 'd':
		if n := len(w); n > 0 && w[n-1].base == 'd' {
			if w[n-1].shape == strokeD {
				w[n-1].shape = noShape
				w = append(w, literal(k))
			} else {
				w[n-1].shape = strokeD
			}
			break
		}
		w = append(w, literal(k))
	default:
		w = append(w, literal(k))
	}
	w.place(t)
	return w.String()
}

// double handles aa, ee, oo: a circumflex on the nucleus' matching vowel.
func (w word) double(k rune) word {
	lk := unicode.ToLower(k)
	v := w.vowels()
	for j := len(v) - 1; j >= 0; j-- {
		i := v[j]
		if w[i].base != lk {
			continue
		}
		switch w[i].shape {
		case noShape, breve, horn:
			w[i].shape = circumflex
			return w
		case circumflex:
			w[i].shape = noShape
			return append(w, literal(k))
		}
	}
	return append(w, literal(k))
}

// hornOrBreve handles w: uo→ươ, a→ă, o→ơ, u→ư; a lone w is ư.
func (w word) hornOrBreve(k rune) word {
	if len(w) == 1 && w[0].base == 'u' && w[0].shape == horn { // "ww": the lone ư back to w
		return word{literal(k)}
	}
	v := w.vowels()
	for j := 0; j+1 < len(v); j++ {
		a, b := v[j], v[j+1]
		if w[a].base == 'u' && w[b].base == 'o' {
			if w[a].shape == horn && w[b].shape == horn {
				w[a].shape, w[b].shape = noShape, noShape
				return append(w, literal(k))
			}
			w[a].shape, w[b].shape = horn, horn
			return w
		}
	}
	for j := len(v) - 1; j >= 0; j-- {
		i := v[j]
		var want rune
		switch w[i].base {
		case 'a':
			want = breve
		case 'o', 'u':
			want = horn
		default:
			continue
		}
		if w[i].shape == want {
			w[i].shape = noShape
			return append(w, literal(k))
		}
		w[i].shape = want
		return w
	}
	l := letter{base: 'u', shape: horn, upper: unicode.IsUpper(k)}
	return append(w, l)
}

// Type runs a whole keystroke sequence, word by word, and returns the text.
// Word boundaries are any non-letter rune.
func Type(keys string) string {
	var out strings.Builder
	cur := ""
	for _, k := range keys {
		if !unicode.IsLetter(k) || k > unicode.MaxASCII {
			out.WriteString(cur)
			out.WriteRune(k)
			cur = ""
			continue
		}
		cur = Key(cur, k)
	}
	out.WriteString(cur)
	return out.String()
}

// LastWord splits text into the part before the word being typed and that
// word (the trailing run of letters), which is what Key works on.
func LastWord(text string) (head, word string) {
	rs := []rune(text)
	i := len(rs)
	for i > 0 && unicode.IsLetter(rs[i-1]) {
		i--
	}
	return string(rs[:i]), string(rs[i:])
}

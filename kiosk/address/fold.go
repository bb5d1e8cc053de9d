package address

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Vietnamese writes a syllable's tone as one of five marks, and where the
// mark sits has two conventions ("Hoà"/"Hòa", "Thuỵ"/"Thụy"). Matching
// compares a tone key: the syllable's letters without the tone mark, then
// the tone as a digit. Missing diacritics are matched on a second, ASCII
// key, used only when the tone keys find nothing.

// runeFold is what one lower-case letter contributes to the two keys.
type runeFold struct {
	base  rune  // the letter without its tone mark (keeps ă â ê ô ơ ư đ)
	tone  uint8 // 0 none, 1 grave, 2 acute, 3 tilde, 4 hook, 5 dot below
	ascii byte  // the bare Latin letter, 0 if none
}

// foldTable covers Latin, Latin Extended and Vietnamese (U+1EA0–U+1EF9).
// It is built by a variable initialiser, not init, because typeWords (a
// package variable) needs it.
var foldTable = buildFold()

func buildFold() *[0x1F00]runeFold {
	var foldTable [0x1F00]runeFold
	for r := rune(0); r < rune(len(foldTable)); r++ {
		lr := unicode.ToLower(r)
		f := runeFold{base: lr}
		if lr < 0x80 {
			f.ascii = byte(lr)
			foldTable[r] = f
			continue
		}
		var keep []rune
		for _, m := range norm.NFD.String(string(lr)) {
			if tm := toneMark(m); tm != 0 {
				f.tone = tm
			} else {
				keep = append(keep, m)
			}
		}
		if b := []rune(norm.NFC.String(string(keep))); len(b) == 1 {
			f.base = b[0]
		}
		if lr == 'đ' {
			f.ascii = 'd'
		} else if len(keep) > 0 && keep[0] < 0x80 && unicode.IsLetter(keep[0]) {
			f.ascii = byte(keep[0])
		}
		foldTable[r] = f
	}
	return &foldTable
}

// token is one word of an address, with where it sits in the text.
type token struct {
	start, end int    // byte offsets in the NFC text
	tone       string // tone key: "hoa" + "1" for "Hoà" and "Hòa"
	ascii      string // "hoa"
	loose      bool   // the whole text is without diacritics: match types on ASCII
}

// keys computes a word's two keys. Digits lose leading zeros ("03" is "3").
func keys(w string) (tone, ascii string) {
	var tb, ab strings.Builder
	tb.Grow(len(w) + 1)
	ab.Grow(len(w))
	var t uint8
	digits := true
	for _, r := range w {
		if !unicode.IsDigit(r) {
			digits = false
		}
	}
	if digits {
		w = strings.TrimLeft(w, "0")
		if w == "" {
			w = "0"
		}
		return w, w
	}
	for _, r := range w {
		if r < rune(len(foldTable)) {
			f := foldTable[r]
			if f.tone != 0 {
				t = f.tone
			}
			tb.WriteRune(f.base)
			if f.ascii != 0 {
				ab.WriteByte(f.ascii)
			} else if r != '\'' && r != '’' {
				ab.WriteRune(unicode.ToLower(r))
			}
			continue
		}
		if m := toneMark(r); m != 0 { // a combining mark the NFC pass left alone
			t = m
			continue
		}
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		lr := unicode.ToLower(r)
		if lr == '’' {
			lr = '\''
		}
		tb.WriteRune(lr)
		if lr != '\'' {
			ab.WriteRune(lr)
		}
	}
	if t != 0 {
		tb.WriteByte('0' + t)
	}
	return tb.String(), ab.String()
}

// isWordRune reports whether r belongs inside a word.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// tokenize splits NFC text into words. Separators are anything that is not
// a letter, digit or an apostrophe inside a word ("M'Đrắk"). A short type
// abbreviation glued to a number is split: "P3" is "P" "3", "Q10" is "Q" "10".
func tokenize(s string, out []token) []token {
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			i += n
			continue
		}
		start := i
		for i < len(s) {
			r, n = utf8.DecodeRuneInString(s[i:])
			if isWordRune(r) {
				i += n
				continue
			}
			if (r == '\'' || r == '’') && i+n < len(s) {
				if r2, _ := utf8.DecodeRuneInString(s[i+n:]); isWordRune(r2) && i > start {
					i += n
					continue
				}
			}
			break
		}
		w := s[start:i]
		if k := gluedPrefix(w); k > 0 {
			out = appendToken(out, s, start, start+k)
			out = appendToken(out, s, start+k, i)
			continue
		}
		out = appendToken(out, s, start, i)
	}
	return out
}

func appendToken(out []token, s string, start, end int) []token {
	t, a := keys(s[start:end])
	return append(out, token{start: start, end: end, tone: t, ascii: a})
}

// gluedPrefix returns the length of a type abbreviation glued to digits
// ("P3", "F12", "Q1", "p.3" is already split), or 0.
func gluedPrefix(w string) int {
	k := 0
	for k < len(w) && (w[k] >= 'a' && w[k] <= 'z' || w[k] >= 'A' && w[k] <= 'Z') {
		k++
	}
	if k == 0 || k > 2 || k == len(w) {
		return 0
	}
	for j := k; j < len(w); j++ {
		if w[j] < '0' || w[j] > '9' {
			return 0
		}
	}
	switch strings.ToLower(w[:k]) {
	case "p", "f", "q", "x", "h", "tt", "tx", "tp":
		return k
	}
	return 0
}

// toneMark returns the tone of a combining tone mark, or 0.
func toneMark(r rune) uint8 {
	switch r {
	case 0x300:
		return 1
	case 0x301:
		return 2
	case 0x303:
		return 3
	case 0x309:
		return 4
	case 0x323:
		return 5
	}
	return 0
}

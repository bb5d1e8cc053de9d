// Package telex is a Telex input method for Vietnamese: it turns plain Latin
// keystrokes into letters with diacritics (aa→â, aw→ă, dd→đ, ee→ê, oo→ô,
// ow→ơ, uw→ư, and the tone keys s f r x j, z to remove a tone). It is pure Go
// with no UI, so the on-screen keyboard stays a thin widget on top of it.
//
// Tones are placed by the traditional rule (hòa, thủy): on the vowel with a
// shape mark if there is one, else on the last vowel when the syllable ends
// in a consonant, else on the first of two vowels or the middle of three.
// Typing a modifier twice undoes it and keeps the key as a letter (aaa→aa,
// ass→as), as common Vietnamese keyboards do.
package telex

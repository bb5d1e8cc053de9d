package address

import (
	"sort"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Status is what the conversion found.
type Status string

// Conversion outcomes.
const (
	// Converted: an old address whose ward went wholly into one new unit.
	Converted Status = "converted"
	// Ambiguous: the old ward was split across new units (or the text fits
	// several wards); Candidates lists every one and the choice is people's.
	Ambiguous Status = "ambiguous"
	// AlreadyNew: the address already names a unit of the new map.
	AlreadyNew Status = "already-new"
	// Unmatched: no unit could be recognised; the text stays as on the card.
	Unmatched Status = "unmatched"
)

// Rule names how a conversion was made; the dossier keeps it.
type Rule string

// Conversion rules.
const (
	RuleWardMerged    Rule = "ward-merged"    // old ward → the one new unit that absorbed it
	RuleWardSplit     Rule = "ward-split"     // old ward split; the new unit was chosen among the candidates
	RuleWholeDistrict Rule = "district-whole" // a whole old island district became a special zone
	RuleNoDistrict    Rule = "ward-province"  // old ward found by ward and province; district absent or unknown
	RuleNewForm       Rule = "new-form"       // already in the new form, left alone
	RuleNone          Rule = "none"           // not converted
)

// Parsed is how the address text was split. The unit fields hold the text as
// written (not the canonical names).
type Parsed struct {
	Street   string `json:"street"`             // the part before the units, unchanged
	Ward     string `json:"ward,omitempty"`     // as written, with its type if written
	District string `json:"district,omitempty"` // as written
	Province string `json:"province,omitempty"` // as written
}

// Result is one address's conversion with its provenance.
type Result struct {
	Card       string   `json:"card"`   // the text as on the card, kept
	Status     Status   `json:"status"` // converted, ambiguous, already-new, unmatched
	Rule       Rule     `json:"rule"`
	Parsed     Parsed   `json:"parsed"`
	Old        *OldWard `json:"old,omitempty"`        // the recognised old ward (or district for district-whole)
	New        *Unit    `json:"new,omitempty"`        // the new unit when converted or already new
	Candidates []Unit   `json:"candidates,omitempty"` // every possible new unit when ambiguous
	Text       string   `json:"text"`                 // the address to use: converted, or the card text
}

// Changed reports whether Text is a converted address rather than the card's.
func (r Result) Changed() bool { return r.Status == Converted }

// Choose settles an ambiguous result on one of its candidates, given by ID.
// The rule becomes ward-split (or stays) and the text the chosen address.
func (r Result) Choose(unitID string) (Result, bool) {
	if r.Status != Ambiguous {
		return r, false
	}
	for _, c := range r.Candidates {
		if c.ID == unitID {
			out := r
			u := c
			out.New = &u
			if out.Rule == RuleNone { // a new-form text that fits several units
				out.Status, out.Rule, out.Text = AlreadyNew, RuleNewForm, r.Card
				return out, true
			}
			out.Status = Converted
			out.Text = compose(r.Parsed.Street, u)
			return out, true
		}
	}
	return r, false
}

// compose writes a new address: street, unit, province.
func compose(street string, u Unit) string {
	parts := make([]string, 0, 3)
	if street != "" {
		parts = append(parts, street)
	}
	return strings.Join(append(parts, u.Name, u.Province.Name), ", ")
}

// Convert converts one address with the embedded table. An address it
// cannot read comes back Unmatched with the card text. The table is part of
// the binary and tested (TestTableCounts), so a table that does not parse
// is a build defect and panics rather than leave every address unconverted
// without a word.
func Convert(text string) Result {
	t, err := Default()
	if err != nil {
		panic(err)
	}
	return t.Convert(text)
}

// match is one unit name found ending at a token.
type match struct {
	i      int32 // index into the level's names
	start  int   // first token, type included
	score  int   // 2 written type agrees, 1 no type, 0 same level other type, -1 another level's type before it
	ascii  bool  // matched without diacritics
	tokens int
}

// matchAt finds the names of one level that end just before token end.
// allow filters the names; level is 1 (commune), 2 (district), 3 (province).
func matchAt(toks []token, end int, names []name, ix index, level int, allow func(int32) bool) []match {
	if end <= 0 {
		return nil
	}
	var out []match
	first := 0
	if toks[end-1].loose {
		// Written without diacritics, "Thanh An" may be Thanh An or
		// Thạnh An: compare on the ASCII keys only, so both come back.
		first = 1
	}
	for pass := first; pass < 2 && len(out) == 0; pass++ {
		asc := pass == 1
		last := toks[end-1].tone
		cands := ix.tone[last]
		if asc {
			last = toks[end-1].ascii
			cands = ix.ascii[last]
		}
	cand:
		for _, ci := range cands {
			n := names[ci]
			ns := end - len(n.tone)
			if ns < 0 || (allow != nil && !allow(ci)) {
				continue
			}
			for j := range n.tone {
				tk := toks[ns+j]
				if asc && tk.ascii != n.ascii[j] || !asc && tk.tone != n.tone[j] {
					continue cand
				}
			}
			m := match{i: ci, start: ns, score: 1, ascii: asc, tokens: len(n.tone)}
			if k, ts := typeBefore(toks, ns); k != KindNone {
				kl := k.level()
				fits := kl == level || (kl == 23 && level != 1)
				if !fits {
					if n.numeric {
						continue
					}
					// A type of another level is either the end of another
					// name ("Xã Tân Xã") or says this is not that unit
					// ("Phường Ba Đình" is not Quận Ba Đình): keep the
					// match, last in rank, and leave the word to the level
					// below.
					m.score = -1
					out = append(out, m)
					continue
				}
				if k != n.kind {
					// "Thượng Quận, Kinh Môn": the type word may end the
					// name below; keep that reading too, ranked last.
					out = append(out, match{i: ci, start: ns, score: -2, ascii: asc, tokens: len(n.tone)})
				}
				m.start = ts
				m.score = 0
				if k == n.kind {
					m.score = 2
				}
			} else if n.numeric {
				continue
			}
			out = append(out, m)
		}
	}
	return out
}

// typeWordAt returns the number of words of a unit type starting at token
// i, or 0.
func typeWordAt(toks []token, i int) int {
	for _, tw := range typeWords {
		if tw.is(toks[i:]) {
			return len(tw.tone)
		}
	}
	return 0
}

// typeBefore finds a written unit type ending just before token end.
func typeBefore(toks []token, end int) (Kind, int) {
	for _, tw := range typeWords {
		if s := end - len(tw.tone); s >= 0 && tw.is(toks[s:end]) {
			return tw.kind, s
		}
	}
	return KindNone, end
}

// best keeps the matches with the highest score, then the most tokens.
func best(ms []match) []match {
	if len(ms) < 2 {
		return ms
	}
	sort.SliceStable(ms, func(a, b int) bool {
		if ms[a].score != ms[b].score {
			return ms[a].score > ms[b].score
		}
		return ms[a].tokens > ms[b].tokens
	})
	n := 1
	for n < len(ms) && ms[n].score == ms[0].score && ms[n].tokens == ms[0].tokens {
		n++
	}
	return ms[:n]
}

// provMatch is a written province: the old and new provinces it may be.
type provMatch struct {
	start    int
	old, new map[int32]bool // nil: no province written, all allowed
}

// trailingNoise drops "Việt Nam" / "VN" at the end.
func trailingNoise(toks []token) []token {
	n := len(toks)
	if n >= 2 && toks[n-2].ascii == "viet" && toks[n-1].ascii == "nam" {
		return toks[:n-2]
	}
	if n >= 1 && toks[n-1].ascii == "vn" {
		return toks[:n-1]
	}
	return toks
}

// Convert converts one address. See the package documentation.
func (t *Table) Convert(card string) Result {
	s := norm.NFC.String(card)
	var buf [24]token
	toks := trailingNoise(tokenize(s, buf[:0]))
	loose := true
	for _, tk := range toks {
		if tk.tone != tk.ascii {
			loose = false
			break
		}
	}
	for i := range toks {
		toks[i].loose = loose
	}
	res := Result{Card: card, Status: Unmatched, Rule: RuleNone, Text: card}
	res.Parsed.Street = cleanStreet(s)

	// Province: every reading of the last words, longest first; or none.
	var provs []provMatch
	pms := matchAt(toks, len(toks), t.provNames, t.provIx, 3, nil)
	sort.SliceStable(pms, func(a, b int) bool {
		if pms[a].start != pms[b].start {
			return pms[a].start < pms[b].start // the longest reading first
		}
		return pms[a].score > pms[b].score
	})
	for _, m := range pms {
		if m.score < 0 {
			continue
		}
		pm := provMatch{start: m.start, old: map[int32]bool{}, new: map[int32]bool{}}
		if len(provs) > 0 && provs[len(provs)-1].start == m.start {
			pm = provs[len(provs)-1]
			provs = provs[:len(provs)-1]
		}
		ref := t.provOwner[m.i]
		if ref.old {
			pm.old[ref.i] = true
			pm.new[t.oldProvinces[ref.i].newProv] = true // a new unit may be written with the old province
		} else {
			pm.new[ref.i] = true
		}
		provs = append(provs, pm)
	}
	provs = append(provs, provMatch{start: len(toks)}) // no province written

	partial := res
	for k, pm := range provs {
		r, ok := t.convertWithin(s, toks, pm, res)
		if ok {
			return r
		}
		if k == 0 {
			partial = r // keep what the first reading recognised
		}
	}
	return partial
}

// convertWithin tries one reading of the province.
func (t *Table) convertWithin(s string, toks []token, pm provMatch, res Result) (Result, bool) {
	end := pm.start
	if pm.old != nil && end < len(toks) {
		res.Parsed.Province = s[toks[end].start:toks[len(toks)-1].end]
	}
	distOK := func(i int32) bool { return pm.old == nil || pm.old[t.districts[i].oldProv] }
	dists := matchAt(toks, end, t.distNames, t.distIx, 2, distOK)
	sort.SliceStable(dists, func(a, b int) bool { return dists[a].score > dists[b].score })

	// Old form: ward, district, province.
	var full []match
	var fullDist []match
	for _, dm := range dists {
		d := dm.i
		inDist := func(i int32) bool { return t.oldWards[i].dist == d }
		for _, wm := range matchAt(toks, dm.start, t.wardNames, t.wardIx, 1, inDist) {
			wm.score += dm.score
			full = append(full, wm)
			fullDist = append(fullDist, dm)
		}
	}
	// New form: unit and province, no district.
	unitOK := func(i int32) bool { return pm.new == nil || pm.new[t.units[i].prov] }
	news := best(matchAt(toks, end, t.unitNames, t.unitIx, 1, unitOK))
	if len(news) > 0 && news[0].score < 0 {
		news = nil
	}
	if len(full) > 0 && len(news) > 0 {
		keep := best(append([]match(nil), full...))
		ds := -1
		for k, m := range full {
			if m.i == keep[0].i && m.start == keep[0].start {
				ds = fullDist[k].start
			}
		}
		if news[0].start <= keep[0].start && ds > 0 && !strings.ContainsAny(s[toks[ds-1].end:toks[ds].start], ",;") {
			// One new name covers the old ward and district words with
			// no comma between: "Phường 1 Bảo Lộc" is a new ward, while
			// "Phường 1, Bảo Lộc" is Phường 1 of the old Bảo Lộc.
			full = nil
		}
	}
	if len(full) > 0 {
		keep := best(append([]match(nil), full...))
		var wards []int32
		for _, m := range keep {
			wards = append(wards, m.i)
		}
		dm := fullDist[0]
		for k, m := range full {
			if m.i == keep[0].i {
				dm = fullDist[k]
			}
		}
		res.Parsed.District = s[toks[dm.start].start:toks[end-1].end]
		return t.fromOldWards(s, toks, keep[0].start, dm.start, wards, RuleWardMerged, res), true
	}

	if len(news) > 0 && (pm.old != nil || len(dists) == 0) {
		res.Parsed.Street = cleanStreet(s[:toks[news[0].start].start])
		res.Parsed.Ward = s[toks[news[0].start].start:toks[end-1].end]
		if len(news) == 1 {
			u := t.unit(news[0].i)
			res.Status, res.Rule, res.New, res.Text = AlreadyNew, RuleNewForm, &u, res.Card
			return res, true
		}
		for _, m := range news {
			res.Candidates = append(res.Candidates, t.unit(m.i))
		}
		res.Status, res.Rule = Ambiguous, RuleNone
		return res, true
	}

	// A whole island district that became a special zone.
	for _, dm := range dists {
		if w := t.districts[dm.i].whole; w >= 0 {
			d := t.districts[dm.i]
			p := t.oldProvinces[d.oldProv]
			res.Parsed.District = s[toks[dm.start].start:toks[end-1].end]
			res.Parsed.Street = cleanStreet(s[:toks[dm.start].start])
			u := t.unit(w)
			res.Old = &OldWard{District: d.display, Province: Province{ID: p.id, Name: p.display}}
			res.Status, res.Rule, res.New = Converted, RuleWholeDistrict, &u
			res.Text = compose(res.Parsed.Street, u)
			return res, true
		}
	}

	// Old ward and province, with no district written, or one the table
	// does not know (a district renamed before 2025, such as "Thành phố
	// Huế" on cards issued before it became Quận Phú Xuân/Thuận Hóa).
	if pm.old != nil && len(dists) == 0 {
		wardOK := func(i int32) bool { return pm.old[t.districts[t.oldWards[i].dist].oldProv] }
		for e := end; e >= 1 && e >= end-5; e-- {
			if e < end {
				if k, _ := typeBefore(toks, e+typeWordAt(toks, e)); k.level() != 2 && k.level() != 23 {
					continue // the skipped words must start with a district type
				}
			}
			if ws := best(matchAt(toks, e, t.wardNames, t.wardIx, 1, wardOK)); len(ws) > 0 {
				var wards []int32
				for _, m := range ws {
					wards = append(wards, m.i)
				}
				if e < end {
					res.Parsed.District = s[toks[e].start:toks[end-1].end]
				}
				return t.fromOldWards(s, toks, ws[0].start, e, wards, RuleNoDistrict, res), true
			}
		}
	}
	if len(dists) > 0 && pm.old != nil {
		res.Parsed.District = s[toks[dists[0].start].start:toks[end-1].end]
	}
	return res, false
}

// fromOldWards converts the recognised old ward(s): one new unit converts,
// several are candidates.
func (t *Table) fromOldWards(s string, toks []token, wardStart, wardEnd int, wards []int32, rule Rule, res Result) Result {
	res.Parsed.Street = cleanStreet(s[:toks[wardStart].start])
	res.Parsed.Ward = s[toks[wardStart].start:toks[wardEnd-1].end]
	ow := t.oldWard(wards[0])
	res.Old = &ow
	seen := map[int32]bool{}
	var news []int32
	for _, w := range wards {
		for _, u := range t.oldWards[w].news {
			if !seen[u] {
				seen[u] = true
				news = append(news, u)
			}
		}
	}
	if len(news) == 1 {
		u := t.unit(news[0])
		res.Status, res.Rule, res.New = Converted, rule, &u
		res.Text = compose(res.Parsed.Street, u)
		return res
	}
	for _, u := range news {
		res.Candidates = append(res.Candidates, t.unit(u))
	}
	sort.Slice(res.Candidates, func(a, b int) bool { return res.Candidates[a].Name < res.Candidates[b].Name })
	if len(wards) > 1 {
		res.Old = nil // several old wards fit the text; none is the one
	}
	res.Status, res.Rule = Ambiguous, rule
	if rule == RuleWardMerged {
		res.Rule = RuleWardSplit
	}
	return res
}

// cleanStreet trims spaces and the separators left between the street part
// and the units.
func cleanStreet(s string) string {
	s = strings.TrimRight(s, " \t,;-–.")
	s = strings.TrimLeft(s, " \t,;")
	return strings.Join(strings.Fields(s), " ")
}

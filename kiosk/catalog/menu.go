package catalog

// Menu is the procedure picker's list for one query: the most used
// procedures first, then every match grouped by domain. The screen draws it
// as it is; all the choosing happens here.
type Menu struct {
	MostUsed []*Procedure
	Groups   []Group
}

// Group is the matches of one domain, in the order given.
type Group struct {
	Domain     Domain
	Procedures []*Procedure
}

// Empty reports whether nothing matched.
func (m Menu) Empty() bool { return len(m.Groups) == 0 }

// MostUsedMax is how many procedures the "most used" heading lists.
const MostUsedMax = 5

// NewMenu builds the picker's list from ps (most used first, else catalog
// order: see session.ByUse), today's use counts by procedure reference, and
// the search query. A procedure used today heads the list (at most
// MostUsedMax of them) and stays in its domain's group too; domains come in
// the order their first match appears.
func NewMenu(ps []*Procedure, use map[string]int, query string) Menu {
	var m Menu
	index := map[Domain]int{}
	for _, p := range Filter(ps, query) {
		if use[p.Ref()] > 0 && len(m.MostUsed) < MostUsedMax {
			m.MostUsed = append(m.MostUsed, p)
		}
		i, ok := index[p.Domain]
		if !ok {
			i = len(m.Groups)
			index[p.Domain] = i
			m.Groups = append(m.Groups, Group{Domain: p.Domain})
		}
		m.Groups[i].Procedures = append(m.Groups[i].Procedures, p)
	}
	return m
}

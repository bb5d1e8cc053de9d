package catalog

import "testing"

func TestDomainsAndCounts(t *testing.T) {
	c, err := Embedded(testTypes)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[Domain]bool{}
	for _, g := range NewMenu(c.All(), nil, "").Groups {
		if seen[g.Domain] {
			t.Errorf("domain %s listed twice", g.Domain)
		}
		seen[g.Domain] = true
		if len(g.Procedures) == 0 {
			t.Errorf("domain %s has no entries", g.Domain)
		}
		if _, ok := DomainNames[g.Domain]; !ok {
			t.Errorf("domain %s has no display name", g.Domain)
		}
	}
	for _, want := range []Domain{DomainResidence, DomainCivilStatus, DomainIdentity, DomainJustice, DomainLabour, DomainTax, DomainHealthInsurance, DomainInterlinked} {
		if !seen[want] {
			t.Errorf("no procedure in domain %s", want)
		}
	}
	for _, p := range c.All() {
		n := p.Count()
		switch {
		case p.Kind == KindBundle && n.Fields != 0:
			t.Errorf("%s: a bundle with fields of its own", p.Slug)
		case p.Kind == KindProcedure && (n.Fields == 0 || n.Card == 0):
			t.Errorf("%s: %d fields, %d from a card", p.Slug, n.Fields, n.Card)
		}
	}
}

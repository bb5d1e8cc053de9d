package catalog

import "testing"

func TestDomainsAndCounts(t *testing.T) {
	c, err := Embedded(testTypes)
	if err != nil {
		t.Fatal(err)
	}
	ds := c.Domains()
	seen := map[Domain]bool{}
	for _, d := range ds {
		if seen[d] {
			t.Errorf("domain %s listed twice", d)
		}
		seen[d] = true
		if len(c.ByDomain()[d]) == 0 {
			t.Errorf("domain %s has no entries", d)
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

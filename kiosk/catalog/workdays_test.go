package catalog

import (
	"testing"
	"time"
)

func TestAddWorkingDays(t *testing.T) {
	ict := time.FixedZone("ICT", 7*3600)
	cases := []struct {
		from time.Time
		n    int
		want string
	}{
		{time.Date(2026, 11, 16, 9, 0, 0, 0, ict), 0, "2026-11-16"}, // Monday
		{time.Date(2026, 11, 16, 9, 0, 0, 0, ict), 1, "2026-11-17"},
		{time.Date(2026, 11, 20, 9, 0, 0, 0, ict), 1, "2026-11-23"}, // Friday → Monday
		{time.Date(2026, 11, 16, 9, 0, 0, 0, ict), 7, "2026-11-25"},
		{time.Date(2026, 11, 21, 9, 0, 0, 0, ict), 0, "2026-11-23"},       // received Saturday
		{time.Date(2026, 11, 22, 9, 0, 0, 0, ict), 3, "2026-11-26"},       // received Sunday
		{time.Date(2026, 11, 20, 20, 0, 0, 0, time.UTC), 1, "2026-11-24"}, // Saturday 03:00 in Vietnam
	}
	for _, tc := range cases {
		got := AddWorkingDays(tc.from, tc.n).Format("2006-01-02")
		if got != tc.want {
			t.Errorf("AddWorkingDays(%v, %d) = %s, want %s", tc.from, tc.n, got, tc.want)
		}
	}
	p := &Procedure{Days: 7}
	if got := p.DueDate(time.Date(2026, 11, 16, 9, 0, 0, 0, ict)).Format("2006-01-02"); got != "2026-11-25" {
		t.Errorf("DueDate = %s", got)
	}
}

func TestDomainsAndCounts(t *testing.T) {
	c, err := Embedded()
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

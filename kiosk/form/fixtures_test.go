package form

import (
	"path/filepath"
	"testing"

	"motcua/cardreader"
	"motcua/cardreader/fixture"
	"motcua/kiosk/catalog"
)

// seedPeople loads the holders of the virtual card fixtures in seeds/cards
// (the clean ones; faults/ are the card reader's business).
func seedPeople(t *testing.T) map[string]*fixture.Fixture {
	t.Helper()
	names, err := filepath.Glob("../../seeds/cards/*.json")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*fixture.Fixture{}
	for _, n := range names {
		fx, err := fixture.Load(n)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		out[filepath.Base(n)] = fx
	}
	return out
}

// TestEveryProcedureFromEverySeedPerson prefills every procedure from every
// fixture holder, as a verified chip read and as a QR read of the same card.
// (cmd/kiosk's tests do the same through the virtual chip itself.)
func TestEveryProcedureFromEverySeedPerson(t *testing.T) {
	people := seedPeople(t)
	if len(people) == 0 {
		t.Fatal("no fixtures in seeds/cards")
	}
	c := loadCatalog(t)
	for name, fx := range people {
		chipRead := &cardreader.Reading{Source: cardreader.SourceChip, Generation: fx.Generation, Citizen: fx.Person,
			Verification: cardreader.Verification{Passive: cardreader.Check{Status: cardreader.StatusPassed}}}
		chipRead.Citizen.Normalize()
		qrRead := &cardreader.Reading{Source: cardreader.SourceQR, Generation: fx.Generation, Citizen: fx.Person}
		for _, p := range c.All() {
			for _, rd := range []*cardreader.Reading{chipRead, qrRead} {
				var f *Form
				if p.Kind == catalog.KindBundle {
					in, err := NewIntake(c, p, opts)
					if err != nil {
						t.Fatal(err)
					}
					f = in.Steps()[0]
				} else {
					f = newForm(t, c, p.Slug)
				}
				at, err := f.PlaceCard(rd)
				if err != nil {
					t.Errorf("%s %s %s: %v", name, p.Slug, rd.Source, err)
					continue
				}
				m := f.Metrics()
				if m.IdentityTyped != 0 || m.Prefilled == 0 {
					t.Errorf("%s %s %s: %+v", name, p.Slug, rd.Source, m)
				}
				for _, s := range f.Fields() {
					if s.Person == at && s.Missing && s.Field.Identity() && Carries(rd.Source, s.Field.Prefill) {
						t.Errorf("%s %s: %s asked although the card carries it", name, p.Slug, s.Path)
					}
					// Card values of real fixtures pass the form's own
					// checks; only eligibility (a boy too young to marry)
					// may fail.
					for _, pr := range s.Problems {
						if s.Person == at && pr.Code != CodeTooYoung {
							t.Errorf("%s %s: %s: %+v", name, p.Slug, s.Path, pr)
						}
					}
				}
			}
		}
	}
}

package form

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"motcua/cardreader"
	"motcua/cardreader/simreader"
	"motcua/kiosk/catalog"
	"motcua/offline/dossier"
)

// seedReads reads every virtual card in seeds/cards (and the fault cards
// that still read) through the in-process virtual chip, once per test run.
func seedReads(t *testing.T, pattern string) map[string]*cardreader.Reading {
	t.Helper()
	names, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*cardreader.Reading{}
	for _, n := range names {
		rd, err := simreader.ReadFile(context.Background(), n, simreader.Options{})
		if err != nil {
			continue // the malformed-file faults do not read at all
		}
		out[filepath.Base(n)] = rd
	}
	return out
}

// qrOf is what the printed QR code of the same card gives.
func qrOf(rd *cardreader.Reading) *cardreader.Reading {
	c := rd.Citizen
	return &cardreader.Reading{Source: cardreader.SourceQR, Generation: rd.Generation, Citizen: c}
}

// TestEveryProcedureFromEveryFixture prefills every procedure (and the
// first step of every bundle) from every virtual card, read through the
// chip, and from its QR code: identityTyped stays 0, nothing a card carries
// is asked, verified chips lock their values.
func TestEveryProcedureFromEveryFixture(t *testing.T) {
	reads := seedReads(t, "../../seeds/cards/*.json")
	if len(reads) < 7 {
		t.Fatalf("read %d fixtures from seeds/cards, want at least 7", len(reads))
	}
	c := loadCatalog(t)
	for name, chipRead := range reads {
		if !Verified(chipRead) {
			t.Errorf("%s: a clean fixture did not verify: passive %+v", name, chipRead.Verification.Passive)
		}
		for _, p := range c.All() {
			for _, rd := range []*cardreader.Reading{chipRead, qrOf(chipRead)} {
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
					if s.Person != at || !s.Field.Identity() {
						continue
					}
					if s.Missing && Carries(rd.Source, s.Field.Prefill) {
						t.Errorf("%s %s: %s asked although the card carries it", name, p.Slug, s.Path)
					}
					if rd.Source == cardreader.SourceChip && s.Value.Locked != LockChip {
						t.Errorf("%s %s: %s not locked after a verified chip read", name, p.Slug, s.Path)
					}
					// The fixtures' data passes the form's own checks; only
					// eligibility (a boy too young to marry) may fail.
					for _, pr := range s.Problems {
						if pr.Code != CodeTooYoung {
							t.Errorf("%s %s: %s: %+v", name, p.Slug, s.Path, pr)
						}
					}
				}
			}
		}
	}
}

// TestFaultCardsAreNotChipVerified: a tampered, untrusted, expired-signer or
// cloned chip still fills the form (the citizen is there, the clerk checks
// the paper card) but nothing is chip-verified or locked.
func TestFaultCardsAreNotChipVerified(t *testing.T) {
	reads := seedReads(t, "../../seeds/cards/faults/*.json")
	untrusted := []string{"tamper-dg13.json", "unknown-csca.json", "expired-ds.json", "cloned-chip.json",
		"revoked-ds.json", "clone-own-keys.json", "mrz-dg13-mismatch.json"}
	for _, want := range untrusted {
		if reads[want] == nil {
			t.Errorf("fault fixture %s did not read", want)
		}
	}
	c := loadCatalog(t)
	for name, rd := range reads {
		if !slices.Contains(untrusted, name) {
			// The real-card variants (odd DG13 fields, a lifted card, …)
			// read and verify: they are covered by TestRealCardVariants.
			if !rd.Verification.Trusted() {
				t.Errorf("%s: %+v, want a trusted read", name, rd.Verification)
			}
			continue
		}
		f := newForm(t, c, "thuong-tru")
		if _, err := f.ApplyCard("subject", rd); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		v, _ := f.Get("subject.fullName")
		if v.Provenance != dossier.FromQR || v.Locked != "" {
			t.Errorf("%s: name %q locked %q", name, v.Provenance, v.Locked)
		}
		if info, _ := f.Card("subject"); info.Verified {
			t.Errorf("%s: card counted as verified", name)
		}
	}
}

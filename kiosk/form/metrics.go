package form

import "motcua/offline/dossier"

// Metrics count a form's value slots by where their values came from. The
// product promise is IdentityTyped == 0 whenever a chip was read: nobody
// types what the card holds.
type Metrics struct {
	FieldsTotal int `json:"fieldsTotal"` // value slots on the form (table columns count per row)
	Prefilled   int `json:"prefilled"`   // non-empty values from a card (chip or QR)
	FromChip    int `json:"fromChip"`    // of which chip-verified
	Typed       int `json:"typed"`       // non-empty values typed at the kiosk (carried ones excluded)
	System      int `json:"system"`      // filled by the kiosk or the bundle
	Carried     int `json:"carried"`     // copied from an earlier bundle step
	// IdentityTyped counts fields a card carries that were typed for a
	// person whose card was read.
	IdentityTyped int `json:"identityTyped"`
	Missing       int `json:"missing"`   // required fields still empty (attachments not counted)
	CardsRead     int `json:"cardsRead"` // persons filled from a card
}

// Share is the prefilled fraction of all value slots.
func (m Metrics) Share() float64 {
	if m.FieldsTotal == 0 {
		return 0
	}
	return float64(m.Prefilled) / float64(m.FieldsTotal)
}

// Add sums two metrics, for totals per procedure over many dossiers.
func (m Metrics) Add(o Metrics) Metrics {
	return Metrics{m.FieldsTotal + o.FieldsTotal, m.Prefilled + o.Prefilled, m.FromChip + o.FromChip, m.Typed + o.Typed,
		m.System + o.System, m.Carried + o.Carried, m.IdentityTyped + o.IdentityTyped, m.Missing + o.Missing, m.CardsRead + o.CardsRead}
}

// Metrics counts the form as it stands.
func (f *Form) Metrics() Metrics {
	var m Metrics
	f.each(func(s FieldState) {
		m.FieldsTotal++
		if s.Missing {
			m.Missing++
		}
		v := s.Value
		if v.Value == "" {
			return
		}
		if v.Carried {
			// Counted once where it was entered; a carried card value is
			// still prefilled in this dossier.
			m.Carried++
			if v.Provenance == dossier.FromChip || v.Provenance == dossier.FromQR {
				m.Prefilled++
			}
			return
		}
		switch {
		case v.Provenance == dossier.FromChip:
			m.Prefilled++
			m.FromChip++
		case v.Provenance == dossier.FromQR:
			m.Prefilled++
		case v.Provenance == dossier.FromStaff:
			m.System++
		case v.Provenance == dossier.Typed:
			m.Typed++
			if s.FromCard {
				m.IdentityTyped++
			}
		}
	})
	for _, p := range f.blocks {
		if p.card != nil {
			m.CardsRead++
		}
	}
	for _, rows := range f.tables {
		for _, p := range rows {
			if p.card != nil {
				m.CardsRead++
			}
		}
	}
	return m
}

// Tally sums metrics per procedure over many dossiers, for the Decision 06
// report ("how much did the card save at this counter today").
type Tally map[string]TallyEntry

// TallyEntry is one procedure's total.
type TallyEntry struct {
	Dossiers int     `json:"dossiers"`
	Metrics  Metrics `json:"metrics"`
}

// Add counts one dossier of procedure ref (a code or slug).
func (t Tally) Add(ref string, m Metrics) {
	e := t[ref]
	e.Dossiers++
	e.Metrics = e.Metrics.Add(m)
	t[ref] = e
}

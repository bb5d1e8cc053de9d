package form

import (
	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/kiosk/catalog"
	"motcua/offline/dossier"
)

// ApplyCard fills a person block ("wife") or a table ("members": a new row;
// "members[1]": that row) from a card Reading, and returns the path of the
// person filled. Every sub-field with a card prefill gets the card's value:
// chip-verified and locked when the chip was read and passive
// authentication passed with no anti-clone check failing, QR-unverified
// otherwise. Fields the source does not carry (the QR has seven) stay open
// for typing; values typed into other sub-fields (phone, email) are kept.
func (f *Form) ApplyCard(path string, rd *cardreader.Reading) (string, error) {
	r, err := f.parse(path)
	if err != nil {
		return "", err
	}
	fd := r.field
	if r.block != nil || fd.Type.Leaf() || fd.Type == catalog.TypeTable {
		return "", ErrNotPerson
	}
	if fd.Cardless {
		return "", ErrCardless
	}
	if rd == nil || rd.Citizen.ID == "" {
		return "", ErrNoCard
	}
	if !sexFits(fd, rd) {
		return "", ErrWrongSex
	}
	var old *person
	switch {
	case fd.Type == catalog.TypePerson:
		old = f.blocks[r.top]
	case r.row >= 0:
		if r.row >= len(f.tables[r.top]) {
			return "", ErrUnknownField
		}
		old = f.tables[r.top][r.row]
	default:
		if fd.MaxRows > 0 && len(f.tables[r.top]) >= fd.MaxRows {
			return "", ErrTableFull
		}
	}
	if f.holds(rd.Citizen.ID, old) {
		return "", ErrDuplicate
	}
	p := fill(fd, old, rd)
	defer f.changed()
	switch {
	case fd.Type == catalog.TypePerson:
		f.blocks[r.top] = p
		return r.top, nil
	case r.row >= 0:
		f.tables[r.top][r.row] = p
		return catalog.RowPath(r.top, r.row), nil
	}
	f.tables[r.top] = append(f.tables[r.top], p)
	return catalog.RowPath(r.top, len(f.tables[r.top])-1), nil
}

// PlaceCard puts a card where it belongs without being told: the first
// free person block (no card read, no identity value typed; a phone number
// typed ahead does not count) in the procedure's card order whose sex fits, or a new
// row of the first table in that order. The wife's and the husband's cards
// find their columns this way, whichever is tapped first.
func (f *Form) PlaceCard(rd *cardreader.Reading) (string, error) {
	if rd == nil || rd.Citizen.ID == "" {
		return "", ErrNoCard
	}
	if f.holds(rd.Citizen.ID, nil) {
		return "", ErrDuplicate
	}
	for _, key := range f.cardOrder() {
		fd, _ := f.proc.Field(key)
		if !sexFits(fd, rd) {
			continue
		}
		switch fd.Type {
		case catalog.TypePerson:
			if !f.blocks[key].free() {
				continue
			}
		case catalog.TypePersonTable:
			if fd.MaxRows > 0 && len(f.tables[key]) >= fd.MaxRows {
				continue
			}
		}
		return f.ApplyCard(key, rd)
	}
	return "", ErrNoSlot
}

// cardOrder is the procedure's CardOrder, or every card-capable block then
// every table in form order.
func (f *Form) cardOrder() []string {
	if len(f.proc.CardOrder) > 0 {
		return f.proc.CardOrder
	}
	var blocks, tables []string
	for _, s := range f.proc.Sections {
		for _, fd := range s.Fields {
			switch {
			case fd.Cardless:
			case fd.Type == catalog.TypePerson:
				blocks = append(blocks, fd.Key)
			case fd.Type == catalog.TypePersonTable:
				tables = append(tables, fd.Key)
			}
		}
	}
	return append(blocks, tables...)
}

func sexFits(fd *catalog.Field, rd *cardreader.Reading) bool {
	if fd.Sex == "" || rd.Citizen.Sex == cccd.SexUnknown {
		return true
	}
	return sexText(rd.Citizen.Sex) == fd.Sex
}

func sexText(s cccd.Sex) string {
	b, _ := s.MarshalText()
	return string(b)
}

// holds reports whether a person other than except already carries id.
func (f *Form) holds(id string, except *person) bool {
	match := func(p *person) bool {
		if p == nil || p == except {
			return false
		}
		for i := range p.field.Fields {
			if sf := &p.field.Fields[i]; sf.Prefill == "citizen.id" && p.get(sf.Key) == id {
				return true
			}
		}
		return false
	}
	for _, p := range f.blocks {
		if match(p) {
			return true
		}
	}
	for _, rows := range f.tables {
		for _, p := range rows {
			if match(p) {
				return true
			}
		}
	}
	return false
}

// Verified reports whether a Reading's values count as chip-verified: read
// from the chip, passive authentication passed, and no anti-clone check
// (active or chip authentication) failed. A cloned chip passes passive
// authentication, so Passive alone is not enough.
func Verified(rd *cardreader.Reading) bool {
	return rd.Source == cardreader.SourceChip && rd.Verification.Trusted()
}

// Summary is the verification summary a dossier keeps for an applicant.
func Summary(rd *cardreader.Reading) dossier.Verification {
	st := func(c cardreader.Check) string {
		if c.Status == "" {
			return string(cardreader.StatusNotChecked)
		}
		return string(c.Status)
	}
	return dossier.Verification{
		Source:  string(rd.Source),
		Access:  string(rd.Access),
		Passive: st(rd.Verification.Passive),
		Active:  st(rd.Verification.Active),
		Chip:    st(rd.Verification.Chip),
	}
}

// Carries reports whether a Reading from source carries the card path
// (the 2021 QR has seven fields; the chip has all of DG13), as the card
// field table says. A given Reading may carry less (an unparsed field) or
// more (a 2024 QR's parents): see CarriedBy.
func Carries(source cardreader.Source, path string) bool {
	f, ok := cccd.Field(path)
	return ok && f.Carried(source == cardreader.SourceChip, cccd.QRFields)
}

// CarriedBy reports whether rd gives path a value the form may take: the
// table's row is carried by rd's source (a QR's extra positions counted)
// and the reader could parse it. An unparsed field is not carried: the
// form asks for it, typed and flagged (FieldState.CardUnparsed).
func CarriedBy(rd *cardreader.Reading, path string) bool {
	return newCard(rd).carries(path)
}

func newCard(rd *cardreader.Reading) *card {
	n := rd.QRFields
	if n == 0 {
		n = cccd.QRFields
	}
	return &card{source: rd.Source, verified: Verified(rd), summary: Summary(rd), qrFields: n, unparsed: rd.Citizen.Unparsed}
}

// carries reports whether the card that filled a person gave path a value.
func (c *card) carries(path string) bool {
	f, ok := cccd.Field(path)
	if !ok {
		return false
	}
	if _, bad := c.unparsed[path]; bad {
		return false
	}
	return f.Carried(c.source == cardreader.SourceChip, c.qrFields)
}

func fill(fd *catalog.Field, old *person, rd *cardreader.Reading) *person {
	p := newPerson(fd)
	c := newCard(rd)
	verified := c.verified
	prov := dossier.FromQR
	if verified {
		prov = dossier.FromChip
	}
	for i := range fd.Fields {
		sf := &fd.Fields[i]
		if !sf.Identity() {
			if old != nil && old.values[sf.Key] != nil {
				p.values[sf.Key] = old.values[sf.Key]
			}
			continue
		}
		if !c.carries(sf.Prefill) {
			// Not on this card, or unreadable on it: open for typing (an
			// unparsed field is flagged, and never locked).
			continue
		}
		e := &entry{Value: Value{Value: CardValue(rd, sf.Prefill), Provenance: prov}}
		if verified {
			e.Value.Locked = LockChip
		}
		convertAddress(sf, e)
		p.values[sf.Key] = e
	}
	p.card = c
	return p
}

// CardValue returns the value a card path has in a Reading, in the form's
// stored form (dates as YYYY-MM-DD, YYYY-MM or YYYY, sex as
// "male"/"female"), from the card field table's accessor; "" for a path
// the table does not have or a field the reader could not parse.
func CardValue(rd *cardreader.Reading, path string) string {
	f, ok := cccd.Field(path)
	if !ok {
		return ""
	}
	if _, bad := rd.Citizen.Unparsed[path]; bad {
		return ""
	}
	return f.Value(&rd.Citizen, rd.Generation)
}

// unparsedField returns the reader's note on path when the card held it
// but it could not be parsed; c may be nil.
func (c *card) unparsedField(path string) (cccd.Unparsed, bool) {
	if c == nil {
		return cccd.Unparsed{}, false
	}
	u, ok := c.unparsed[path]
	return u, ok
}

// cardDigitsWarning reports an ID number from a card (the QR) whose sex or
// year digits disagree with the card's sex or birth date: the ID stays for
// life while birth records get corrected, so it is the reading's warning,
// not a problem of the form (a typed ID still gets the check).
func cardDigitsWarning(v Value, err *Invalid) bool {
	return v.Provenance == dossier.FromQR && (err.Code == CodeIDSex || err.Code == CodeIDYear)
}

package form_test

import (
	"fmt"
	"time"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/kiosk/catalog"
	"motcua/kiosk/form"
	"motcua/offline/dossier"
)

// A citizen taps a verified card for a temporary-absence declaration; the
// form asks only for what the card does not hold.
func Example() {
	cat, _ := catalog.Embedded(form.Types)
	p, _ := cat.Lookup("tam-vang")
	now := time.Date(2026, 11, 20, 2, 30, 0, 0, time.UTC)
	f, _ := form.New(p, form.Options{Now: func() time.Time { return now }, Agency: "Công an phường Ba Đình", KioskID: "KIOSK-01"})

	rd := &cardreader.Reading{ // a fictional holder
		Source: cardreader.SourceChip, Generation: cccd.CCCD2021,
		Citizen:      cccd.Citizen{ID: "001090012345", FullName: "NGUYỄN VĂN AN", DateOfBirth: cccd.Date{Year: 1990, Month: 3, Day: 15}, Sex: cccd.Male},
		Verification: cardreader.Verification{Passive: cardreader.Check{Status: cardreader.StatusPassed}},
	}
	at, _ := f.PlaceCard(rd)
	fmt.Println("card filled:", at)

	err := f.Set("subject.fullName", "NGUYỄN VĂN BA")
	fmt.Println("editing the name:", err)

	for _, m := range f.Missing() {
		fmt.Println("missing:", m.Path)
	}
	f.Set("reason", "Đi làm việc tại Đà Nẵng")
	f.Set("fromDate", "21/11/2026")
	f.Set("toDate", "21/02/2027")
	f.Set("destination", "Số 5 Bạch Đằng, Hải Châu, Đà Nẵng")

	d, err := f.Build(dossier.NewID(now))
	fmt.Println("built:", err == nil, d.ProcedureCode, len(d.Applicants))
	m := f.Metrics()
	fmt.Printf("prefilled %d of %d, identity typed %d\n", m.Prefilled, m.FieldsTotal, m.IdentityTyped)
	// Output:
	// card filled: subject
	// editing the name: form: subject.fullName is locked (chip-verified)
	// missing: reason
	// missing: fromDate
	// missing: toDate
	// missing: destination
	// built: true 1.003677 1
	// prefilled 4 of 11, identity typed 0
}

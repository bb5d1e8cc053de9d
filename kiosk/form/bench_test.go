package form

import "testing"

// BenchmarkPrefill measures what the kiosk does when a card is tapped: a new
// form, the card placed, then the missing list and metrics the UI redraws.
func BenchmarkPrefill(b *testing.B) {
	c := loadCatalog(b)
	for _, slug := range []string{"thuong-tru", "ket-hon", "ly-lich-tu-phap"} {
		p, _ := c.Lookup(slug)
		rd := chip(an)
		b.Run(slug, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f, err := New(p, opts)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := f.PlaceCard(rd); err != nil {
					b.Fatal(err)
				}
				_ = f.Missing()
				_ = f.Metrics()
			}
		})
	}
}

// BenchmarkSetAndCheck is one keystroke: a typed value and its live check.
func BenchmarkSetAndCheck(b *testing.B) {
	c := loadCatalog(b)
	f := newForm(b, c, "thuong-tru")
	if _, err := f.PlaceCard(chip(an)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := f.Set("subject.phone", "0912345678"); err != nil {
			b.Fatal(err)
		}
		if _, err := f.CheckField("subject.phone"); err != nil {
			b.Fatal(err)
		}
	}
}

package declaration

import (
	"strings"
	"testing"

	"motcua/kiosk/catalog"
)

// 17.4: the residence procedures ask their fields in the order the CT01
// form (Thông tư 66/2023/TT-BCA) numbers its items, so the clerk reads the
// screen and the printed form the same way. A person block stays together:
// it takes the place of its first printed field (CT01 prints the
// householder's name as item 7, the relation to them as 8 and their ID as
// 9; the screen asks the householder's block, then the relation).
func TestCT01Order(t *testing.T) {
	c, ls := load(t)
	checked := 0
	for _, slug := range ls.Slugs() {
		l, _ := ls.Get(slug)
		if l.Form != "Mẫu CT01" {
			continue
		}
		p, ok := c.Lookup(slug)
		if !ok {
			t.Fatalf("%s: no procedure", slug)
		}
		checked++
		at := map[string]int{} // path → first place printed
		for i, path := range l.Paths() {
			path, _, _ = strings.Cut(path, "[]")
			if _, ok := at[path]; !ok {
				at[path] = i
			}
		}
		// The catalog's order, as units: a top-level field, or a block.
		type unit struct {
			key   string
			place int
		}
		var units []unit
		for _, s := range p.Sections {
			for _, f := range s.Fields {
				place, printed := at[f.Key]
				if f.Type == catalog.TypePerson {
					printed = false
					last := -1
					for _, sub := range f.Fields {
						i, ok := at[f.Key+"."+sub.Key]
						if !ok {
							continue
						}
						if !printed || i < place {
							place = i
						}
						printed = true
						if i < last {
							t.Errorf("%s: %s.%s is asked before a field printed before it", slug, f.Key, sub.Key)
						}
						last = i
					}
				}
				if printed {
					units = append(units, unit{f.Key, place})
				}
			}
		}
		for i := 1; i < len(units); i++ {
			if units[i].place < units[i-1].place {
				t.Errorf("%s: the screen asks %s before %s; CT01 prints them the other way", slug, units[i-1].key, units[i].key)
			}
		}
	}
	if checked < 7 {
		t.Errorf("%d CT01 procedures checked, want the 7 residence ones at least", checked)
	}
}

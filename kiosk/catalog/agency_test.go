package catalog

import (
	"strings"
	"testing"
)

// Since 1 July 2025 there is no district tier: no procedure is received at
// district level, and no receiving agency is named after a district.
func TestNoDistrictAgencies(t *testing.T) {
	c, err := Embedded(testTypes)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range c.All() {
		switch p.Level {
		case LevelCommune, LevelProvince, LevelCentral:
		default:
			t.Errorf("%s: level %q", p.Slug, p.Level)
		}
		for _, s := range []string{p.Agency.VI, p.Agency.EN} {
			low := strings.ToLower(s)
			for _, w := range []string{"huyện", "quận", "thị xã", "district", "phòng lao động"} {
				if strings.Contains(low, w) {
					t.Errorf("%s: agency %q names a district-level unit (%q)", p.Slug, s, w)
				}
			}
		}
	}
}

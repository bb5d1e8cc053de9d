package session_test

import (
	"strings"
	"testing"
)

// Issue 17.4: the CT01 forms list the householder's items in the paper
// form's order: 7 name, 8 relation to the householder, 9 ID number, the
// relation shown inside the householder's block.
func TestCT01HouseholderOrder(t *testing.T) {
	for _, slug := range []string{"tam-tru", "thuong-tru", "tach-ho", "gia-han-tam-tru", "dieu-chinh-cu-tru"} {
		t.Run(slug, func(t *testing.T) {
			h := newHarness(t, harnessOpts{})
			h.open(t, slug)
			s := h.s
			var order []string
			person := map[string]string{}
			for _, f := range s.Form().Fields("vi") {
				if strings.HasPrefix(f.Path, "householder.") || f.Path == "relationToHouseholder" {
					order = append(order, f.Path)
					person[f.Path] = f.Person
				}
			}
			want := "householder.fullName relationToHouseholder householder.idNumber"
			if got := strings.Join(order, " "); got != want {
				t.Errorf("order %s, want %s", got, want)
			}
			if person["relationToHouseholder"] != person["householder.fullName"] || person["relationToHouseholder"] == "" {
				t.Errorf("the relation is not shown in the householder's block: %q vs %q", person["relationToHouseholder"], person["householder.fullName"])
			}
		})
	}
}

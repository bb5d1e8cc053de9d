package session_test

import (
	"context"
	"strings"
	"testing"

	"motcua/kiosk/session"
)

// Issue 17.4: the CT01 forms list the householder's items in the paper
// form's order: 7 name, 8 relation to the householder, 9 ID number, the
// relation shown inside the householder's block.
func TestCT01HouseholderOrder(t *testing.T) {
	for _, slug := range []string{"tam-tru", "thuong-tru", "tach-ho", "gia-han-tam-tru", "dieu-chinh-cu-tru"} {
		t.Run(slug, func(t *testing.T) {
			s := openForm(t, slug)
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

// openForm reads the card and opens the form of procedure slug.
func openForm(t *testing.T, slug string) *session.Session {
	t.Helper()
	h := newHarness(t, harnessOpts{})
	s := h.s
	ctx := context.Background()
	if err := s.StartRead(ctx, session.ReadRequest{}); err != nil {
		t.Fatal(err)
	}
	waitState(t, s, session.StateIdentity)
	if err := s.Continue(); err != nil {
		t.Fatal(err)
	}
	p, ok := h.rig.Catalog.Lookup(slug)
	if !ok {
		t.Fatalf("no %s in the catalog", slug)
	}
	if err := s.Choose(p); err != nil {
		t.Fatal(err)
	}
	return s
}

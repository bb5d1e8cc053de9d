package form

import (
	"testing"
)

// TestDateRange checks the catalog's notBefore rules: an end before its
// start is a problem on the end, with the date-order code and both
// languages; an equal or later end, a missing start, or a year-only value
// that may fall after the start are not.
func TestDateRange(t *testing.T) {
	c := loadCatalog(t)
	cases := []struct {
		proc string
		set  []string
		path string
		bad  bool
	}{
		{"tam-vang", []string{"fromDate", "01/12/2026", "toDate", "30/11/2026"}, "toDate", true},
		{"tam-vang", []string{"fromDate", "01/12/2026", "toDate", "01/12/2026"}, "toDate", false},
		{"tam-vang", []string{"fromDate", "01/12/2026", "toDate", "02/01/2027"}, "toDate", false},
		{"tam-vang", []string{"toDate", "02/01/2027"}, "toDate", false}, // no start yet
		{"luu-tru", []string{"fromDate", "10/12/2026", "toDate", "09/12/2026"}, "toDate", true},
		{"luu-tru", []string{"fromDate", "10/12/2026", "toDate", "11/12/2026"}, "toDate", false},
		{"khai-tu", []string{"dateOfDeath", "10/11/2026", "deathNoticeDate", "09/11/2026"}, "deathNoticeDate", true},
		{"khai-tu", []string{"dateOfDeath", "10/11/2026", "deathNoticeDate", "10/11/2026"}, "deathNoticeDate", false},
		// a rule naming a field of a person block ("deceased.dateOfBirth")
		{"khai-tu", []string{"deceased.dateOfBirth", "15/03/1990", "dateOfDeath", "14/03/1990"}, "dateOfDeath", true},
		{"khai-tu", []string{"deceased.dateOfBirth", "15/03/1990", "dateOfDeath", "16/03/1990"}, "dateOfDeath", false},
		// a year-only birth is not known to be after a death in the same year
		{"tro-cap-mai-tang", []string{"deceased.dateOfBirth", "1990", "dateOfDeath", "01/01/1990"}, "dateOfDeath", false},
		{"tro-cap-mai-tang", []string{"deceased.dateOfBirth", "1991", "dateOfDeath", "31/12/1990"}, "dateOfDeath", true},
	}
	for _, tc := range cases {
		t.Run(tc.proc+" "+tc.path, func(t *testing.T) {
			f := newForm(t, c, tc.proc)
			mustSet(t, f, tc.set...)
			got, err := f.CheckField(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, p := range got {
				if p.Code == CodeDateOrder {
					found = true
					if p.Message.VI == "" || p.Message.EN == "" || p.Path != tc.path {
						t.Errorf("problem %+v lacks a message or names the wrong path", p)
					}
				}
			}
			if found != tc.bad {
				t.Errorf("date-order problem = %v, want %v (problems %+v)", found, tc.bad, got)
			}
			inValidate := false
			for _, p := range f.Validate() {
				inValidate = inValidate || p.Code == CodeDateOrder && p.Path == tc.path
			}
			if inValidate != tc.bad {
				t.Errorf("Validate lists date-order = %v, want %v", inValidate, tc.bad)
			}
		})
	}
}

package form

import "testing"

// A document an earlier step of the bundle issues (the death extract that
// khai tử produces for xóa thường trú) is not asked of the citizen.
func TestBundleProvidedDocuments(t *testing.T) {
	c := loadCatalog(t)
	b, _ := c.Lookup("lien-thong-khai-tu")
	in, err := NewIntake(c, b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]AttachmentState{}
	for _, f := range in.Steps() {
		for _, a := range f.Attachments() {
			got[f.Procedure().Slug+":"+a.Key] = a
		}
	}
	if a := got["xoa-thuong-tru:evidence"]; a.Required || a.Missing || a.ProvidedBy != "khai-tu" {
		t.Errorf("evidence in the bundle: %+v", a)
	}
	if a := got["khai-tu:deathNotice"]; !a.Required || a.ProvidedBy != "" {
		t.Errorf("the death notice is still the citizen's: %+v", a)
	}
	// Alone, xóa thường trú still asks for it.
	p, _ := c.Lookup("xoa-thuong-tru")
	f, err := New(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range f.Attachments() {
		if a.Key == "evidence" && (!a.Required || a.ProvidedBy != "") {
			t.Errorf("xóa thường trú alone: %+v", a)
		}
	}
}

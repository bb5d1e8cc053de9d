package form

import (
	"errors"
	"slices"
	"testing"

	"motcua/cardreader"
	"motcua/kiosk/catalog"
	"motcua/offline/dossier"
)

// TestBundlesAskOnce fills every bundle of the catalog the way a clerk
// would, step by step, and fails on any question a later step still leaves
// open although an earlier step answered it: the same person (ID number)
// and sub-field, or the same top-level field.
func TestBundlesAskOnce(t *testing.T) {
	c := loadCatalog(t)
	bundles := 0
	for _, b := range c.All() {
		if b.Kind != catalog.KindBundle {
			continue
		}
		bundles++
		for _, read := range []func(who) *cardreader.Reading{chip, qr} {
			in, err := NewIntake(c, b, opts)
			if err != nil {
				t.Fatal(err)
			}
			clerkFill(t, in, read)
			src := read(an).Source
			if n := laterQuestions(in); n == 0 {
				t.Errorf("%s %s: no question left open in a later step: nothing was checked", b.Slug, src)
			}
			for _, q := range askedTwice(in) {
				t.Errorf("%s %s: %s", b.Slug, src, q)
			}
		}
	}
	if bundles < 2 {
		t.Fatalf("%d bundles in the catalog, want at least 2", bundles)
	}
}

// clerkFill fills a bundle in step order as a clerk at the counter does:
// a card for every person block still empty (someone already met in the
// visit when they fit, as the father is often the householder, else
// someone new), then every value still open typed, the optional ones too.
// Flow runs after each edit, as the session does.
func clerkFill(t *testing.T, in *Intake, read func(who) *cardreader.Reading) {
	t.Helper()
	var met []who
	for _, f := range in.Steps() {
		in.Flow()
		for _, key := range f.cardOrder() {
			fd, _ := f.proc.Field(key)
			if fd.Type == catalog.TypePerson && !f.blocks[key].empty() ||
				fd.Type == catalog.TypePersonTable && f.Rows(key) >= max(fd.MinRows, 1) {
				continue
			}
			for _, w := range append(slices.Clone(met), an, binh, cuc, dung) {
				if !sexFits(fd, read(w)) || f.holds(w.id, nil) {
					continue
				}
				mustApply(t, f, key, read(w))
				if !slices.Contains(met, w) {
					met = append(met, w)
				}
				in.Flow()
				break
			}
		}
		for range 3 {
			for _, s := range f.Fields() {
				if s.Value.Value != "" || s.Value.Locked != "" || s.FromCard {
					continue
				}
				err := f.Set(s.Path, Types.Lookup(s.Field.Type).Sample(s.Field, clock))
				if err != nil && !errors.Is(err, ErrLocked) {
					t.Fatalf("%s: Set(%s): %v", f.proc.Slug, s.Path, err)
				}
				in.Flow()
			}
		}
	}
}

// meanings names what each field of f asks: "person <ID> <key>" for a
// sub-field of someone whose ID number the form holds, "top <key> <type>"
// for a top-level field; "" for what has no meaning across steps (the
// kiosk's own values, a person not yet identified).
func meanings(f *Form) map[string]string {
	states := f.Fields()
	ids := map[string]string{}
	for _, s := range states {
		if s.Person != "" && s.Field.Prefill == "citizen.id" {
			ids[s.Person] = s.Value.Value
		}
	}
	out := map[string]string{}
	for _, s := range states {
		switch {
		case catalog.KioskPaths[s.Field.Prefill]:
		case s.Person == "":
			out[s.Path] = "top " + s.Field.Key + " " + string(s.Field.Type)
		case ids[s.Person] != "":
			out[s.Path] = "person " + ids[s.Person] + " " + s.Field.Key
		}
	}
	return out
}

// open reports whether a later step still asks s: it can be edited, and no
// card answered it. A block's ID number says who the block is (typing it is
// how a person without a card comes in), so it is not counted.
func open(s FieldState) bool {
	return s.Value.Locked == "" && !s.FromCard && s.Field.Prefill != "citizen.id"
}

// askedTwice lists the questions a later step leaves open although an
// earlier step answered them, as "slug:path (answered at slug:path)".
func askedTwice(in *Intake) []string {
	answered := map[string]string{} // meaning → where it was first answered
	var out []string
	for i, f := range in.Steps() {
		m := meanings(f)
		states := f.Fields()
		for _, s := range states {
			if at, ok := answered[m[s.Path]]; ok && i > 0 && open(s) {
				out = append(out, in.Path(f, s.Path)+" (answered at "+at+")")
			}
		}
		for _, s := range states {
			if _, ok := answered[m[s.Path]]; !ok && m[s.Path] != "" && s.Value.Value != "" {
				answered[m[s.Path]] = in.Path(f, s.Path)
			}
		}
	}
	return out
}

// laterQuestions counts the questions the steps after the first leave
// open, so that a filler that reached nothing cannot pass.
func laterQuestions(in *Intake) int {
	n := 0
	for _, f := range in.Steps()[1:] {
		for _, s := range f.Fields() {
			if open(s) {
				n++
			}
		}
	}
	return n
}

// The birth bundle's parent is carried from the mother's block, which has
// no phone: the phone typed for the residence step reaches the health
// insurance step with the person, and goes when it is cleared.
func TestBirthBundlePhoneAskedOnce(t *testing.T) {
	in, ks, tt, bh := birthBundle(t)
	mustApply(t, ks, "mother", chip(binh))
	in.Flow()
	mustSet(t, tt, "parent.phone", "0912 345 678")
	in.Flow()
	in.Flow() // idempotent
	v, _ := bh.Get("parent.phone")
	if v.Value != "0912345678" || !v.Carried || v.Locked != LockCarried || v.Provenance != dossier.Typed {
		t.Fatalf("bhyt parent.phone = %+v, want the residence step's phone, carried", v)
	}
	if err := bh.Set("parent.phone", "0987654321"); !errors.Is(err, ErrLocked) {
		t.Errorf("carried phone editable: %v", err)
	}
	if m := bh.Metrics(); m.Typed != 0 {
		t.Errorf("carried phone counted as typed: %+v", m)
	}
	// A correction where it was typed reaches the later step.
	mustSet(t, tt, "parent.phone", "0901234567")
	in.Flow()
	if v, _ := bh.Get("parent.phone"); v.Value != "0901234567" {
		t.Errorf("correction not carried: %q", v.Value)
	}
	// Cleared there, it is asked again here.
	mustSet(t, tt, "parent.phone", "")
	in.Flow()
	if v, _ := bh.Get("parent.phone"); v.Value != "" || v.Locked != "" || v.Carried {
		t.Errorf("cleared phone still carried: %+v", v)
	}
}

// A value typed in the later step is the clerk's, and a card's is the
// card's: the same person's value from an earlier step does not replace
// it, nor lock it.
func TestBundleTypedValueKept(t *testing.T) {
	in, ks, tt, bh := birthBundle(t)
	mustApply(t, ks, "mother", chip(binh))
	in.Flow()
	mustSet(t, bh, "parent.phone", "0987654321")
	mustSet(t, tt, "parent.phone", "0912345678")
	in.Flow()
	in.Flow()
	v, _ := bh.Get("parent.phone")
	if v.Value != "0987654321" || v.Carried || v.Locked != "" || v.Provenance != dossier.Typed {
		t.Errorf("typed phone replaced: %+v", v)
	}
	// Emptied by the clerk, it stays the clerk's: empty, not refilled.
	mustSet(t, bh, "parent.phone", "")
	in.Flow()
	if v, _ := bh.Get("parent.phone"); v.Value != "" || v.Carried {
		t.Errorf("a phone the clerk cleared was refilled: %+v", v)
	}
	// Nor is a card's value replaced by what was typed for the same
	// person earlier.
	mustSet(t, ks, "requester.idNumber", an.id, "requester.fullName", "Nguyen Van An")
	mustApply(t, tt, "householder", chip(an))
	in.Flow()
	if v, _ := tt.Get("householder.fullName"); v.Value != an.name || v.Carried || v.Locked != LockChip {
		t.Errorf("chip value replaced: %+v", v)
	}
}

// The nearest earlier step wins, and a person typed in by ID number (no
// card at hand) is recognised too: the requester who is also the mother
// gives her phone to the residence step, and the residence step's own
// phone, once typed, goes on to the insurance step.
func TestBundlePersonNearestStepWins(t *testing.T) {
	in, ks, tt, bh := birthBundle(t)
	mustApply(t, ks, "mother", chip(binh))
	mustSet(t, ks, "requester.idNumber", binh.id, "requester.phone", "0911111111")
	in.Flow()
	for _, f := range []*Form{tt, bh} {
		if v, _ := f.Get("parent.phone"); v.Value != "0911111111" || v.Locked != LockCarried {
			t.Errorf("%s parent.phone = %+v, want the requester's", f.proc.Slug, v)
		}
	}
	// The requester's ID corrected to someone else's: her phone is no
	// longer the mother's.
	mustSet(t, ks, "requester.idNumber", cuc.id)
	in.Flow()
	for _, f := range []*Form{tt, bh} {
		if v, _ := f.Get("parent.phone"); v.Value != "" || v.Locked != "" {
			t.Errorf("%s parent.phone = %+v after the requester became someone else", f.proc.Slug, v)
		}
	}
	mustSet(t, ks, "requester.idNumber", binh.id)
	// The householder is the father, typed in by his ID number: his name
	// comes from the birth registration, chip-verified as it was read.
	mustApply(t, ks, "father", chip(an))
	mustSet(t, tt, "householder.idNumber", an.id)
	in.Flow()
	if v, _ := tt.Get("householder.fullName"); v.Value != an.name || !v.Carried || v.Provenance != dossier.FromChip {
		t.Errorf("householder.fullName = %+v, want the father's", v)
	}
	// Once the residence step has a phone of its own for her (typed there
	// while the requester's was empty), the insurance step takes that one.
	mustSet(t, ks, "requester.phone", "")
	in.Flow()
	mustSet(t, tt, "parent.phone", "0922222222")
	mustSet(t, ks, "requester.phone", "0911111111")
	in.Flow()
	if v, _ := bh.Get("parent.phone"); v.Value != "0922222222" {
		t.Errorf("insurance step took %q, want the nearer residence step's phone", v.Value)
	}
}

// birthBundle starts the birth bundle and returns its three steps.
func birthBundle(t *testing.T) (in *Intake, ks, tt, bh *Form) {
	t.Helper()
	c := loadCatalog(t)
	b, _ := c.Lookup("lien-thong-khai-sinh")
	in, err := NewIntake(c, b, opts)
	if err != nil {
		t.Fatal(err)
	}
	ks, _ = in.Step("khai-sinh")
	tt, _ = in.Step("thuong-tru-tre-so-sinh")
	bh, _ = in.Step("bhyt-tre-duoi-6")
	return in, ks, tt, bh
}

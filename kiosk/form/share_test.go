package form

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/kiosk/catalog"
)

var (
	giang = who{"031085004455", "VŨ TRƯỜNG GIANG", cccd.Date{Year: 1985, Month: 12, Day: 1}, cccd.Male}
	ha    = who{"048178006677", "HOÀNG THU HÀ", cccd.Date{Year: 1978, Month: 5, Day: 20}, cccd.Female}
)

// visit taps one card per card slot of the form (the first card is the
// requester's), choosing people whose sex fits, and returns the cards read.
func visit(t testing.TB, f *Form, max int) int {
	t.Helper()
	people := []who{an, binh, giang, ha, dung, cuc}
	read := 0
	for _, w := range people {
		if read == max {
			break
		}
		_, err := f.PlaceCard(chip(w))
		switch {
		case err == nil:
			read++
		case errors.Is(err, ErrNoSlot):
			continue // this sex fits no empty block; try the next person
		default:
			t.Fatalf("%s: PlaceCard: %v", f.Procedure().Slug, err)
		}
	}
	return read
}

// TestPrefilledShare measures, per procedure, how much of the form the
// cards fill: with the requester's card only, and with every person's card.
// Run with -v to print the table.
func TestPrefilledShare(t *testing.T) {
	c := loadCatalog(t)
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-26s | %-30s | %-30s\n", "procedure", "requester's card: prefilled/total", "every person's card: prefilled/total")
	for _, p := range c.All() {
		var one, all Metrics
		var cards int
		if p.Kind == catalog.KindBundle {
			for _, n := range []int{1, 3} {
				in, err := NewIntake(c, p, opts)
				if err != nil {
					t.Fatal(err)
				}
				got := visit(t, in.Steps()[0], n)
				var sum Metrics
				for _, m := range in.Metrics() {
					sum = sum.Add(m)
				}
				if n == 1 {
					one = sum
				} else {
					all, cards = sum, got
				}
			}
		} else {
			f1 := newForm(t, c, p.Slug)
			visit(t, f1, 1)
			one = f1.Metrics()
			fa := newForm(t, c, p.Slug)
			cards = visit(t, fa, len(fa.cardOrder()))
			all = fa.Metrics()
		}
		for _, m := range []Metrics{one, all} {
			if m.IdentityTyped != 0 || m.Prefilled == 0 {
				t.Errorf("%s: %+v", p.Slug, m)
			}
		}
		fmt.Fprintf(&b, "%-26s | %3d/%-3d (%3.0f%%) identityTyped=%d | %3d/%-3d (%3.0f%%) %d cards, identityTyped=%d\n", p.Slug,
			one.Prefilled, one.FieldsTotal, 100*one.Share(), one.IdentityTyped, all.Prefilled, all.FieldsTotal, 100*all.Share(), cards, all.IdentityTyped)
	}
	t.Log(b.String())
}

// TestWipedReadingIsRejected checks a Reading wiped at idle timeout cannot
// fill a form.
func TestWipedReadingIsRejected(t *testing.T) {
	c := loadCatalog(t)
	f := newForm(t, c, "tam-vang")
	rd := chip(an)
	rd.Wipe()
	if _, err := f.PlaceCard(rd); !errors.Is(err, ErrNoCard) {
		t.Errorf("wiped reading: %v", err)
	}
	if _, err := f.PlaceCard((*cardreader.Reading)(nil)); !errors.Is(err, ErrNoCard) {
		t.Errorf("nil reading: %v", err)
	}
}

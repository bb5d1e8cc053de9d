package session_test

import (
	"context"
	"strings"
	"testing"

	"motcua/kiosk/session"
)

// Issue 17.6: a guest with no card at hand is typed in (never locked), and
// someone added by mistake is taken off the form.
func TestTypeAndRemovePeople(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	s := h.s
	ctx := context.Background()
	if err := s.StartRead(ctx, session.ReadRequest{}); err != nil {
		t.Fatal(err)
	}
	waitState(t, s, session.StateIdentity)
	s.Continue()
	procs, _ := s.Procedures(ctx)
	var luuTru bool
	for _, p := range procs {
		if p.Slug == "luu-tru" {
			if err := s.Choose(p); err != nil {
				t.Fatal(err)
			}
			luuTru = true
		}
	}
	if !luuTru {
		t.Fatal("no luu-tru in the catalog")
	}
	waitState(t, s, session.StateForm)
	in := s.Form()
	var table string
	for _, sl := range in.Slots("vi") {
		if sl.Table {
			table = sl.Path
		}
	}
	if table != "guests" {
		t.Fatalf("list slot %q, want guests", table)
	}
	for range 2 {
		if _, err := s.TypePerson(table); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Set("guests[1].fullName", "Lê Thị Chi"); err != nil {
		t.Fatal(err)
	}
	var typed int
	for _, f := range in.Fields("vi") {
		if strings.HasPrefix(f.Path, "guests[") {
			typed++
			if f.Locked {
				t.Errorf("%s locked on a typed guest", f.Path)
			}
		}
	}
	if typed == 0 {
		t.Fatal("the typed guests have no fields")
	}
	people := in.People("vi")
	if len(people) < 2 || people[len(people)-1].Path != "guests[1]" {
		t.Fatalf("people %+v", people)
	}
	// The first guest was added by mistake: the second moves up.
	if err := s.RemovePerson("guests[0]"); err != nil {
		t.Fatal(err)
	}
	var first string
	for _, f := range in.Fields("vi") {
		if f.Path == "guests[0].fullName" {
			first = f.Value
		}
	}
	if first != "Lê Thị Chi" {
		t.Errorf("after removing the first guest, the first is %q", first)
	}
	if err := s.RemovePerson("guests[5]"); err == nil {
		t.Error("removing a guest who is not there succeeded")
	}
}

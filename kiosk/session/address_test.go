package session_test

import (
	"context"
	"errors"
	"testing"

	"motcua/kiosk/address"
	"motcua/kiosk/form"
	"motcua/kiosk/session"
)

// The card's residence reaches the form screen converted, with the card's
// text; choosing works only on the form and only where there is a choice.
func TestAddressOnTheForm(t *testing.T) {
	h := newHarness(t, harnessOpts{}) // nguyen-van-an: Phường Bình Trị Đông B, Quận Bình Tân
	ctx := context.Background()
	h.s.StartRead(ctx, session.ReadRequest{})
	waitState(t, h.s, session.StateIdentity)
	if err := h.s.ChooseAddress("husband.placeOfResidence", "x"); !errors.Is(err, session.ErrState) {
		t.Errorf("choice before the form: %v", err)
	}
	h.s.Continue()
	p, _ := h.rig.Catalog.Lookup("ket-hon")
	if err := h.s.Choose(p); err != nil {
		t.Fatal(err)
	}
	var got *session.Field
	for _, f := range h.s.Form().Fields("vi") {
		if f.Path == "husband.placeOfResidence" {
			got = &f
		}
	}
	if got == nil || got.Address == nil {
		t.Fatalf("no converted residence on the form: %+v", got)
	}
	if got.Value != "Số 12 Đường Số 7, Phường An Lạc, Thành phố Hồ Chí Minh" || got.Address.Status != address.Converted ||
		got.Address.Card != "Số 12 Đường Số 7, Phường Bình Trị Đông B, Quận Bình Tân, TP. Hồ Chí Minh" {
		t.Errorf("residence %q, %+v", got.Value, got.Address)
	}
	if err := h.s.ChooseAddress("husband.placeOfResidence", "23820"); !errors.Is(err, form.ErrNoAddressChoice) {
		t.Errorf("choice on a converted address: %v", err)
	}
}

// The slip names the applicant's address as filed, and the card's text.
func TestAddressOnTheReceipt(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	ctx := context.Background()
	s := h.s
	s.StartRead(ctx, session.ReadRequest{})
	waitState(t, s, session.StateIdentity)
	s.Continue()
	p, _ := h.rig.Catalog.Lookup("ly-lich-tu-phap")
	if err := s.Choose(p); err != nil {
		t.Fatal(err)
	}
	h.fill(t)
	if err := s.Next(); err != nil {
		t.Fatal(err)
	}
	attachAll(t, s)
	if err := s.Submit(ctx); err != nil {
		t.Fatal(err)
	}
	waitState(t, s, session.StateReceipt)
	r := s.Receipt()
	if r == nil {
		t.Fatal("no receipt")
	}
	if r.ApplicantAddress != "Số 12 Đường Số 7, Phường An Lạc, Thành phố Hồ Chí Minh" ||
		r.AddressOnCard != "Số 12 Đường Số 7, Phường Bình Trị Đông B, Quận Bình Tân, TP. Hồ Chí Minh" {
		t.Errorf("receipt address %q, on the card %q", r.ApplicantAddress, r.AddressOnCard)
	}
}

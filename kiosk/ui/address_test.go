package ui_test

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"

	"motcua/kiosk/receipt"
	"motcua/kiosk/session"
)

// The identity panel and the form show the residence converted to the new
// units with the card's text; a split ward is a one-tap choice.
func TestAddressOnScreen(t *testing.T) {
	for _, tc := range []struct {
		fixture  string
		identity []string // on the identity panel
		form     []string // on the form before a choice
		choose   string   // button to tap, "" for none
		after    string   // on the form after the choice
	}{
		{"nguyen-van-an",
			[]string{"Số 12 Đường Số 7, Phường An Lạc, Thành phố Hồ Chí Minh", "đã chuyển đổi theo đơn vị hành chính mới (trên thẻ: Số 12 Đường Số 7, Phường Bình Trị Đông B"},
			[]string{"Số 12 Đường Số 7, Phường An Lạc, Thành phố Hồ Chí Minh", "đã chuyển đổi theo đơn vị hành chính mới"}, "", ""},
		{"test:split-ward",
			[]string{"Phường Kim Mã, Quận Ba Đình", "phường/xã trên thẻ đã được chia"},
			[]string{"Chạm để chọn đơn vị mới", "Phường Ba Đình, Thành phố Hà Nội", "Phường Giảng Võ, Thành phố Hà Nội", "Phường Ngọc Hà, Thành phố Hà Nội"},
			"Phường Giảng Võ, Thành phố Hà Nội", "Số 5 Ngõ 2 Phố Kim Mã, Phường Giảng Võ, Thành phố Hà Nội"},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			k := newKit(t, kitOpts{mode: session.SelfService, fixture: tc.fixture})
			a := k.app
			tap(t, a, "Bắt đầu")
			waitFor(t, a, session.StateIdentity)
			contains(t, a, tc.identity...)
			tap(t, a, "Tiếp tục")
			waitFor(t, a, session.StateChooseProcedure)
			p, _ := k.catalog.Lookup("ket-hon")
			tap(t, a, p.Name.VI)
			waitFor(t, a, session.StateForm)
			contains(t, a, tc.form...)
			if tc.choose == "" {
				return
			}
			tap(t, a, tc.choose)
			waitText(t, a, tc.after)
			if all := allText(a); strings.Contains(all, "Chạm để chọn đơn vị mới") {
				t.Error("the choice is still offered after it was made")
			}
			contains(t, a, "đã chuyển đổi theo đơn vị hành chính mới (trên thẻ: Số 5 Ngõ 2 Phố Kim Mã, Phường Kim Mã")
		})
	}
}

// The slip names the address as filed and, when converted, the card's text.
func TestSlipAddress(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.Counter})
	r := &receipt.Receipt{
		DossierID: "0190a0b0-0000-7000-8000-000000000001", Code: "KIOSK-01-261123-000001", Local: true,
		ProcedureCode: "1.001234", ProcedureName: "Cấp Phiếu lý lịch tư pháp",
		ApplicantName: "Trần Thị Mẫu", ApplicantID: "001190000001",
		ApplicantAddress: "Số 1, Phường An Lạc, Thành phố Hồ Chí Minh",
		AddressOnCard:    "Số 1, Phường Bình Trị Đông B, Quận Bình Tân, TP. Hồ Chí Minh",
		ReceivedAt:       time.Date(2026, 11, 23, 2, 30, 0, 0, time.UTC),
	}
	var texts []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *canvas.Text:
			texts = append(texts, w.Text)
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		}
	}
	walk(k.app.Slip(r))
	all := strings.Join(texts, " ")
	for _, want := range []string{"Địa chỉ:", "Số 1, Phường An Lạc, Thành phố Hồ Chí Minh", "đã chuyển đổi theo đơn vị hành chính mới", "Bình Trị Đông B"} {
		if !strings.Contains(all, want) {
			t.Errorf("slip lacks %q:\n%s", want, all)
		}
	}
}

// A field the chip holds but whose text could not be read (issue 12.2) is
// asked for on the form, flagged as such, and left open for typing.
func TestUnparsedCardFieldOnForm(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.SelfService, fixture: "faults/odd-date-dg13"})
	a := k.app
	tap(t, a, "Bắt đầu")
	waitFor(t, a, session.StateIdentity)
	tap(t, a, "Tiếp tục")
	waitFor(t, a, session.StateChooseProcedure)
	p, _ := k.catalog.Lookup("ket-hon")
	tap(t, a, p.Name.VI)
	waitFor(t, a, session.StateForm)
	contains(t, a, "Chip có thông tin này nhưng không đọc được")
	var unparsed int
	for _, f := range a.Session().Form().Fields("vi") {
		if f.CardUnparsed {
			unparsed++
			if f.Locked {
				t.Errorf("%s: unparsed on the chip yet locked", f.Path)
			}
		}
	}
	if unparsed == 0 {
		t.Error("no field marked as unparsed on the chip")
	}
}

package ui_test

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"motcua/cardreader/cccd"
	"motcua/kiosk/receipt"
	"motcua/kiosk/session"
)

// The slip's layout and wording are pinned by a golden markup file
// (testdata/slip.xml); the QR is checked by decoding in package receipt.
func TestSlipGolden(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.Counter})
	r := &receipt.Receipt{
		DossierID: "0190a0b0-0000-7000-8000-000000000001", Code: "KIOSK-01-261123-000001", Local: true,
		ProcedureCode: "lien-thong-khai-tu", ProcedureName: "Liên thông đăng ký khai tử – xóa đăng ký thường trú – trợ cấp mai táng",
		ApplicantName: "Trần Thị Mẫu", ApplicantID: "001190000001",
		Components: []string{"Giấy báo tử hoặc giấy tờ thay thế"},
		Linked: []receipt.Linked{{Code: "KIOSK-01-261123-000001", ProcedureName: "Đăng ký khai tử", Local: true},
			{Code: "KIOSK-01-261123-000002", ProcedureName: "Trợ cấp mai táng", Local: true}},
		ReceivedAt: time.Date(2026, 11, 23, 2, 30, 0, 0, time.UTC), Due: cccd.Date{Year: 2026, Month: 11, Day: 25},
	}
	c := test.NewCanvas()
	c.SetPadded(false)
	c.SetContent(k.app.Slip(r))
	c.Resize(fyne.NewSize(600, 500))
	test.AssertRendersToMarkup(t, "slip.xml", c)
}

package ui_test

import (
	"strings"
	"testing"
	"time"

	"motcua/kiosk/session"
)

// 17.8: the fee is on the procedure, the review and the receipt.
func TestFeeShown(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.Counter})
	a := k.app
	p, _ := k.catalog.Lookup("ly-lich-tu-phap")
	free, _ := k.catalog.Lookup("tam-tru")
	if p.Fee.AmountVND == 0 || free.Fee.AmountVND != 0 {
		t.Fatalf("fixtures changed: fees %d and %d", p.Fee.AmountVND, free.Fee.AmountVND)
	}
	want := "Lệ phí: " + groupVND(p.Fee.AmountVND) + " đồng"
	a.Session().SignIn(t.Context(), "CB-01")
	a.Session().StartRead(t.Context(), session.ReadRequest{})
	waitFor(t, a, session.StateIdentity)
	a.Session().Continue()
	waitFor(t, a, session.StateChooseProcedure)
	b := button(t, a, p.Name.VI)
	if !strings.Contains(b.Text, want) {
		t.Errorf("picker shows %q, want the fee %q", b.Text, want)
	}
	if b := button(t, a, free.Name.VI); !strings.Contains(b.Text, "Miễn phí") {
		t.Errorf("picker shows %q for a free procedure", b.Text)
	}
	a.Session().Choose(p)
	waitFor(t, a, session.StateForm)
	fillForm(t, a, time.Now())
	a.Session().Next()
	waitFor(t, a, session.StateAttachments)
	for _, at := range a.Session().Form().Attachments("vi") {
		a.Session().SetAttachment(at.Key, true)
	}
	a.Session().Next()
	waitFor(t, a, session.StateReview)
	contains(t, a, groupVND(p.Fee.AmountVND)+" đồng")
	a.Session().Submit(t.Context())
	waitFor(t, a, session.StateReceipt)
	contains(t, a, want)
}

// groupVND is the test's own thousands grouping: 200000 -> 200.000.
func groupVND(n int) string {
	s := ""
	for i := 0; n > 0 || i == 0; i++ {
		part := n % 1000
		n /= 1000
		if n > 0 {
			s = "." + pad3(part) + s
		} else {
			s = itoa(part) + s
		}
	}
	return s
}

func pad3(n int) string {
	s := itoa(n)
	for len(s) < 3 {
		s = "0" + s
	}
	return s
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

package ui_test

import (
	"strings"
	"testing"

	"motcua/cardreader"
	"motcua/cardreader/pki"
	"motcua/kiosk/i18n"
	"motcua/kiosk/session"
	"motcua/kiosk/ui"
)

// The identity panel's verification badges on real-card cases: a clone
// with its own keys never shows "genuine chip"; a DG1/DG13 mismatch fails
// naming the field; a repeated DG13 field is a warning naming the field;
// a genuine card shows the anti-clone badge.
func TestIdentityBadges(t *testing.T) {
	for _, tc := range []struct {
		fixture string
		want    []string
		not     []string
	}{
		{"nguyen-van-an", []string{"Đã xác thực bằng chip", "Chip thật (chống sao chép)"}, []string{"Chưa kiểm tra"}},
		{"faults/clone-own-keys", []string{"Xác thực thất bại", "Chống sao chép: chưa khẳng định được"}, []string{"Chip thật (chống sao chép)"}},
		{"faults/mrz-dg13-mismatch", []string{"Xác thực thất bại", "không khớp ở: giới tính"}, []string{"Đã xác thực bằng chip"}},
		{"faults/repeated-dg13-field", []string{"Đã xác thực bằng chip", `Không đọc được trường "tôn giáo"`}, nil},
		{"faults/revoked-ds", []string{"Xác thực thất bại", "đã bị thu hồi"}, []string{"Chip thật (chống sao chép)"}},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			k := newKit(t, kitOpts{mode: session.SelfService, fixture: tc.fixture})
			a := k.app
			tap(t, a, "Bắt đầu")
			waitFor(t, a, session.StateIdentity)
			text := allText(a)
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("no %q on the identity panel:\n%s", w, text)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(text, w) {
					t.Errorf("%q shown:\n%s", w, text)
				}
			}
		})
	}
}

// "Not checked: no trust anchor" is its own badge, distinct from failed,
// and anti-clone is then not shown as passed.
func TestNoTrustAnchorBadge(t *testing.T) {
	r := &cardreader.Reading{Source: cardreader.SourceChip, Verification: cardreader.Verification{
		Passive: cardreader.Check{Status: cardreader.StatusNotChecked, Code: pki.CodeNoTrustAnchor},
		Active:  cardreader.Check{Status: cardreader.StatusPassed},
		Chip:    cardreader.Check{Status: cardreader.StatusUnsupported},
		MRZ:     cardreader.Check{Status: cardreader.StatusPassed},
	}}
	k := newKit(t, kitOpts{mode: session.SelfService})
	_, title, detail := k.app.Badge(r)
	if title != "Chưa kiểm tra: máy chưa có chứng thư gốc" || !strings.Contains(detail, "không phải lỗi của thẻ") {
		t.Fatalf("badge %q: %q", title, detail)
	}
	lines := ui.IdentityLines(r)
	if len(lines) != 1 || lines[0].Key != "cards.badge.anticlone.notchecked" {
		t.Fatalf("lines %+v", lines)
	}
	r.Verification.Passive = cardreader.Check{Status: cardreader.StatusFailed, Code: pki.CodeHashMismatch}
	if _, title, _ := k.app.Badge(r); title != "Xác thực thất bại" {
		t.Fatalf("failed passive shows %q", title)
	}
}

// Every key the identity lines can produce has a sentence in both languages.
func TestBadgeKeysTranslated(t *testing.T) {
	b := i18n.Default()
	for _, k := range []string{"cards.badge.notrust", "cards.badge.notrust.detail", "cards.badge.anticlone.notchecked",
		"cards.badge.anticlone.failed", "cards.badge.mrzmismatch", "check.ds-revoked", "check.mrz-dg13-mismatch"} {
		if !b.Has(k) {
			t.Errorf("no sentence for %q", k)
		}
	}
	for _, w := range []string{"id-sex-digit", "id-year-digits", "dg13-unparsed", "dg13-unknown-field", "dg13-odd", "read-resumed", "qr-repaired"} {
		if !b.Has("cards.warning." + w) {
			t.Errorf("no sentence for warning %q", w)
		}
	}
}

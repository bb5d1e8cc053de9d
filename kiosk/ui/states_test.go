package ui_test

import (
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"motcua/cardreader/chipauth"
	"motcua/cardreader/emrtd"
	"motcua/cardreader/pki"
	"motcua/kiosk/i18n"
	"motcua/kiosk/session"
	"motcua/kiosk/session/sessiontest"
	"motcua/kiosk/ui"
	"motcua/offline/audit"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// The self-service kiosk warns, then wipes the screen and the memory when
// the citizen walks away mid-form.
func TestSelfServiceIdleWipe(t *testing.T) {
	c := &clock{t: time.Now()}
	k := newKit(t, kitOpts{mode: session.SelfService, idle: 90 * time.Second, now: c.Now})
	a := k.app
	contains(t, a, "Chạm vào màn hình hoặc đặt thẻ căn cước để bắt đầu")
	tap(t, a, "Bắt đầu")
	waitFor(t, a, session.StateIdentity)
	photo := a.Session().Requester().Photo.Data
	if len(photo) == 0 {
		t.Fatal("no photo read")
	}
	tap(t, a, "Tiếp tục")
	waitFor(t, a, session.StateChooseProcedure)
	p, _ := k.catalog.Lookup("tam-tru")
	tap(t, a, p.Name.VI)
	waitFor(t, a, session.StateForm)
	contains(t, a, k.first.name, k.first.id)

	// Nothing for 61 s: the warning shows with the seconds left.
	c.Add(61 * time.Second)
	a.Session().Tick(t.Context())
	waitText(t, a, "Bạn còn đó không?")
	contains(t, a, "29 giây")
	tap(t, a, "Tôi vẫn đang dùng")
	if w, _ := a.Session().Idle(); w {
		t.Fatal("the warning stayed after a tap")
	}
	// Then really gone.
	c.Add(91 * time.Second)
	a.Session().Tick(t.Context())
	waitFor(t, a, session.StateWelcome)
	k.noPersonalData(t)
	for _, b := range photo {
		if b != 0 {
			t.Fatal("photo bytes survived the wipe")
		}
	}
	if strings.Contains(allText(a), "Bạn còn đó không?") {
		t.Error("the idle warning is still on screen")
	}
}

// Touch targets are at least 48 units in self-service mode.
func TestSelfServiceTouchTargets(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.SelfService})
	a := k.app
	tap(t, a, "Bắt đầu")
	waitFor(t, a, session.StateIdentity)
	tap(t, a, "Tiếp tục")
	waitFor(t, a, session.StateChooseProcedure)
	n := 0
	a.Inspect(func(c fyne.Canvas) {
		for _, o := range objects(c) {
			if b, ok := o.(*widget.Button); ok && b.Visible() {
				n++
				if s := b.Size(); s.Height < ui.MinTouch || s.Width < ui.MinTouch {
					t.Errorf("button %q is %v", b.Text, s)
				}
			}
		}
	})
	if n < 20 {
		t.Errorf("only %d buttons checked", n)
	}
}

// The on-screen keyboard types Vietnamese through Telex into the focused field.
func TestSelfServiceKeyboardTelex(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.SelfService})
	a := k.app
	tap(t, a, "Bắt đầu")
	waitFor(t, a, session.StateIdentity)
	tap(t, a, "Tiếp tục")
	waitFor(t, a, session.StateChooseProcedure)
	// The search box takes keyboard taps too.
	for _, key := range []string{"t", "a", "m", "Dấu cách", "t", "r", "u", "s"} {
		tap(t, a, key)
	}
	contains(t, a, "tam trú")
	p, _ := k.catalog.Lookup("tam-tru")
	tap(t, a, p.Name.VI)
	waitFor(t, a, session.StateForm)
	f := fields(a)["residenceAddress"]
	if f == nil {
		t.Fatalf("no residenceAddress field: %v", fields(a))
	}
	a.Inspect(func(fyne.Canvas) {
		f.FocusGained()
		a.Keyboard().Type("Soos 5 phoos Hanf Thuyeen")
	})
	if got := f.Text; got != "Số 5 phố Hàn Thuyên" {
		t.Errorf("typed %q", got)
	}
	for _, fd := range a.Session().Form().Fields("vi") {
		if fd.Path == "residenceAddress" && fd.Value != "Số 5 phố Hàn Thuyên" {
			t.Errorf("form holds %q", fd.Value)
		}
	}
}

// High contrast swaps the theme; English swaps every text.
func TestContrastAndLanguage(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.SelfService})
	a := k.app
	tap(t, a, "Tương phản cao")
	if !a.HighContrast() {
		t.Fatal("high contrast not on")
	}
	tap(t, a, "English")
	contains(t, a, "Welcome!", "Touch the screen or place your identity card to start")
	if strings.Contains(allText(a), "Xin chào!") {
		t.Error("Vietnamese left after switching to English")
	}
	tap(t, a, "Tiếng Việt")
	contains(t, a, "Xin chào!")
}

// Error states: a wrong card, a forged chip, a card pulled mid-read, and a
// portal that is down.
func TestErrorStates(t *testing.T) {
	t.Run("failed passive authentication", func(t *testing.T) {
		k := newKit(t, kitOpts{mode: session.SelfService, fixture: "faults/tamper-dg13"})
		tap(t, k.app, "Bắt đầu")
		waitFor(t, k.app, session.StateIdentity)
		contains(t, k.app, "Xác thực thất bại", "dữ liệu trên chip đã bị thay đổi so với bản được ký",
			"Không thể dùng dữ liệu của thẻ này")
		for _, o := range texts(k.w.Canvas()) {
			if o == "Tiếp tục" {
				t.Error("a forged card can continue at a self-service kiosk")
			}
		}
	})
	t.Run("cloned chip", func(t *testing.T) {
		k := newKit(t, kitOpts{mode: session.SelfService, fixture: "faults/cloned-chip"})
		tap(t, k.app, "Bắt đầu")
		waitFor(t, k.app, session.StateIdentity)
		contains(t, k.app, "Xác thực thất bại", "có thể là bản sao")
	})
	t.Run("unknown CSCA, English", func(t *testing.T) {
		k := newKit(t, kitOpts{mode: session.SelfService, fixture: "faults/unknown-csca"})
		tap(t, k.app, "English")
		tap(t, k.app, "Start")
		waitFor(t, k.app, session.StateIdentity)
		contains(t, k.app, "Verification failed", "the issuing authority's root certificate is not installed")
	})
	t.Run("card pulled mid-read", func(t *testing.T) {
		k := newKit(t, kitOpts{mode: session.SelfService, fixture: "test:removed-mid-read"})
		tap(t, k.app, "Bắt đầu")
		waitFor(t, k.app, session.StateReadFailed)
		contains(t, k.app, "Không đọc được thẻ", "Thẻ đã được lấy ra trước khi đọc xong")
		k.rig.Card.Put(sessiontest.Fixture("nguyen-van-an"))
		tap(t, k.app, "Đọc lại thẻ")
		waitFor(t, k.app, session.StateIdentity)
		contains(t, k.app, k.first.name)
	})
	t.Run("wrong card for the QR", func(t *testing.T) {
		k := newKit(t, kitOpts{mode: session.SelfService})
		var qr *ui.TextField
		k.app.Inspect(func(c fyne.Canvas) {
			for _, o := range objects(c) {
				if e, ok := o.(*ui.TextField); ok && e.PlaceHolder == "QR …" {
					qr = e
				}
			}
		})
		// The scanner types the QR of another person's card, then Enter.
		k.app.Inspect(func(fyne.Canvas) {
			test.Type(qr, "001301007733||Trần Thị Bình|05112001|Nữ|Hà Nội|15082024")
			qr.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		})
		waitFor(t, k.app, session.StateReadFailed)
		contains(t, k.app, "Đây không phải thẻ căn cước gắn chip của Việt Nam, hoặc khóa mở chip không đúng.")
	})
	t.Run("portal down gives a queued receipt", func(t *testing.T) {
		k := newKit(t, kitOpts{mode: session.Counter, portalDown: true})
		a := k.app
		k.signIn(t)
		a.Key(fyne.KeyF2)
		waitFor(t, a, session.StateIdentity)
		k.fileFromIdentity(t, "tam-vang")
		rc := a.Session().Receipt()
		if !rc.Local || !strings.HasPrefix(rc.Code, "KIOSK-T-") {
			t.Fatalf("receipt %+v", rc)
		}
		contains(t, a, "Mã tạm (ngoại tuyến)", rc.Code, "Máy đang mất kết nối")
		a.Poll()
		waitText(t, a, "Chờ gửi: 1")
		contains(t, a, "Mất kết nối", "Chờ gửi")
		if len(a.Entries()) != 1 || a.Entries()[0].State != session.SyncQueued {
			t.Errorf("today's list %+v", a.Entries())
		}
		// The portal comes back: the queued dossier goes out by itself.
		k.rig.PortalDown(false)
		k.rig.Worker.Wake()
		deadline := time.Now().Add(10 * time.Second)
		for k.rig.Store.OutboxLen() > 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if n := k.rig.Store.OutboxLen(); n != 0 {
			t.Errorf("outbox still %d after the portal came back", n)
		}
	})
}

// The counter shows today's dossiers and the indicators; reprint writes a PDF.
func TestCounterPanelAndIndicators(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.Counter})
	a := k.app
	k.signIn(t)
	a.Key(fyne.KeyF2)
	waitFor(t, a, session.StateIdentity)
	a.Key(fyne.KeyEscape) // Esc at the identity panel ends the visit, once confirmed
	tap(t, a, "Có, hủy và xóa")
	waitFor(t, a, session.StateWelcome)
	k.noPersonalData(t)
	a.Key(fyne.KeyF2)
	waitFor(t, a, session.StateIdentity)
	tap(t, a, "Tiếp tục")
	waitFor(t, a, session.StateChooseProcedure)
	p, _ := k.catalog.Lookup("xac-nhan-hon-nhan")
	tap(t, a, p.Name.VI)
	waitFor(t, a, session.StateForm)
	fillForm(t, a, time.Now())
	tap(t, a, "Tiếp theo")
	waitFor(t, a, session.StateAttachments)
	tap(t, a, "Tiếp theo")
	waitFor(t, a, session.StateReview)
	a.Key(fyne.KeyEscape) // back to attachments, then on again
	waitFor(t, a, session.StateAttachments)
	tap(t, a, "Tiếp theo")
	waitFor(t, a, session.StateReview)
	tap(t, a, "Nộp hồ sơ")
	waitFor(t, a, session.StateReceipt)
	code := a.Session().Receipt().Code
	tap(t, a, "Xong")
	waitFor(t, a, session.StateWelcome)
	a.Poll()
	waitText(t, a, code)
	contains(t, a, "Hồ sơ hôm nay", p.Name.VI, "Trực tuyến", "Chờ gửi: 0")
	tap(t, a, "In lại")
	deadline := time.Now().Add(5 * time.Second)
	for a.LastSaved() == "" && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	k.checkPDF(t, a.LastSaved())
	a.Key(fyne.KeyF9)
	waitText(t, a, "Chỉ số Đề án 06")
	contains(t, a, "Hồ sơ có danh tính xác thực bằng chip", "1/1 (100%)", "Hồ sơ không yêu cầu giấy tờ tùy thân")
	tap(t, a, "Đóng")

	// The next citizen's picker puts today's procedure first.
	a.Key(fyne.KeyF2)
	waitFor(t, a, session.StateIdentity)
	tap(t, a, "Tiếp tục")
	waitFor(t, a, session.StateChooseProcedure)
	var order []string
	a.Inspect(func(c fyne.Canvas) {
		for _, o := range objects(c) {
			if l, ok := o.(*widget.Label); ok && l.Visible() {
				order = append(order, l.Text)
			}
		}
	})
	head := strings.Join(order, "\n")
	if i, j := strings.Index(head, "Hay dùng"), strings.Index(head, "Hộ tịch"); i < 0 || j < 0 || i > j {
		t.Errorf("no most-used group before the domains:\n%s", head)
	}
}

// Every reason code the reader can give has a sentence in both languages.
func TestCheckCodesTranslated(t *testing.T) {
	codes := []string{pki.CodeHashMismatch, pki.CodeBadSignature, pki.CodeUnknownCSCA, pki.CodeDSExpired,
		pki.CodeDSNotYetValid, pki.CodeUnsupportedAlgorithm, pki.CodeMalformedSOD, pki.CodeNoTrustAnchor,
		emrtd.CodeAAFailed, emrtd.CodeAANoKey, emrtd.CodeAABadKey, emrtd.CodeAARefused, emrtd.CodeAAUnsupported,
		emrtd.CodeNoSOD, chipauth.CodeUnsupported, chipauth.CodeMalformed, chipauth.CodeRefused,
		chipauth.CodeKeyMismatch, chipauth.CodeError, "qr-only", "no-trust-store", "ca-no-dg14"}
	b := i18n.Default()
	for _, c := range codes {
		if !b.Has("check." + c) {
			t.Errorf("no sentence for check code %q", c)
		}
	}
}

// Staff leave self-service mode with the admin PIN, typed on the on-screen
// keypad; a wrong PIN does nothing.
func TestAdminPINExit(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.SelfService})
	a := k.app
	tap(t, a, "Bắt đầu")
	waitFor(t, a, session.StateIdentity)
	var gear *widget.Button
	a.Inspect(func(c fyne.Canvas) {
		for _, o := range objects(c) {
			if b, ok := o.(*widget.Button); ok && b.Text == "" && b.Icon != nil && b.Icon.Name() == theme.SettingsIcon().Name() {
				gear = b
			}
		}
	})
	if gear == nil {
		t.Fatal("no admin button")
	}
	a.Inspect(func(fyne.Canvas) { test.Tap(gear) })
	for _, d := range "1111" {
		tap(t, a, string(d))
	}
	tap(t, a, "Thoát")
	contains(t, a, "Mã PIN không đúng")
	if k.exits.Load() != 0 {
		t.Fatal("left with a wrong PIN")
	}
	for _, d := range "2468" {
		tap(t, a, string(d))
	}
	tap(t, a, "Thoát")
	if k.exits.Load() != 1 {
		t.Fatal("the right PIN did not leave")
	}
	waitFor(t, a, session.StateWelcome)
	k.noPersonalData(t)
}

// The signed-in clerk's ID is in the audit trail with the dossier.
func TestClerkInAuditTrail(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.Counter})
	a := k.app
	k.signIn(t)
	a.Key(fyne.KeyF2)
	waitFor(t, a, session.StateIdentity)
	tap(t, a, "Tiếp tục")
	p, _ := k.catalog.Lookup("tam-vang")
	tap(t, a, p.Name.VI)
	waitFor(t, a, session.StateForm)
	fillForm(t, a, time.Now())
	a.Key(fyne.KeyEnter) // plain Enter does nothing special
	tap(t, a, "Tiếp theo")
	waitFor(t, a, session.StateAttachments)
	for _, at := range a.Session().Form().Attachments("vi") {
		a.Session().SetAttachment(at.Key, true)
	}
	tap(t, a, "Tiếp theo")
	waitFor(t, a, session.StateReview)
	tap(t, a, "Nộp hồ sơ")
	waitFor(t, a, session.StateReceipt)
	id := a.Session().Filed().DossierID
	a.Session().FlushAudit()
	actions := map[string]string{}
	k.rig.Store.Audit().Each(func(e audit.Entry) error {
		if e.Clerk == "CB-01" {
			actions[string(e.Action)] = e.Dossier
		}
		return nil
	})
	if _, ok := actions["clerk.signin"]; !ok {
		t.Errorf("sign-in not audited: %v", actions)
	}
	if _, ok := actions["read-card"]; !ok {
		t.Errorf("card read not audited with the clerk: %v", actions)
	}
	if actions["enqueue"] != id {
		t.Errorf("enqueue not audited with the clerk and dossier: %v", actions)
	}
	if rec, err := k.rig.Store.Get(id); err != nil || rec.ClerkID != "CB-01" {
		t.Errorf("record %+v, %v", rec, err)
	}
}

// A self-service kiosk prints the slip and keeps no copy once the citizen
// has gone.
func TestSelfServiceKeepsNoSlip(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.SelfService})
	a := k.app
	tap(t, a, "Bắt đầu")
	waitFor(t, a, session.StateIdentity)
	k.fileFromIdentity(t, "tam-vang")
	k.printSlip(t)
	tap(t, a, "Xong")
	waitFor(t, a, session.StateRating)
	tap(t, a, "Bỏ qua")
	waitFor(t, a, session.StateWelcome)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(a.LastSaved()); os.IsNotExist(err) {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Errorf("the slip %s is still on disk after the visit", a.LastSaved())
}

// The citizen's one-tap rating at a self-service kiosk lands in the store
// on the store's 1..5 scale ("Rất hài lòng" is 5).
func TestSelfServiceRating(t *testing.T) {
	k := newKit(t, kitOpts{mode: session.SelfService})
	a := k.app
	tap(t, a, "Bắt đầu")
	waitFor(t, a, session.StateIdentity)
	k.fileFromIdentity(t, "tam-vang")
	tap(t, a, "Xong")
	waitFor(t, a, session.StateRating)
	tap(t, a, "Rất hài lòng")
	k.checkRating(t, 5)
}

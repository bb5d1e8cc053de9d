package ui_test

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"motcua/kiosk/catalog"
	"motcua/kiosk/session"
	"motcua/kiosk/session/demofill"
	"motcua/kiosk/session/sessiontest"
	"motcua/kiosk/ui"
)

// fillForm types every required value the card did not give: text fields
// through the window (test.Type), choices through the session.
func fillForm(t *testing.T, a *ui.App, now time.Time) {
	t.Helper()
	f := a.Session().Form()
	onScreen := fields(a)
	for _, fd := range f.Fields("vi") {
		if fd.Locked || fd.Value != "" || !fd.Required || !fd.Type.Leaf() {
			continue // a table's rows are added by demofill.Fill below
		}
		v := demofill.TypedValue(fd.Spec, now)
		if e, ok := onScreen[fd.Path]; ok {
			a.Inspect(func(fyne.Canvas) { test.Type(e, v) })
			continue
		}
		if err := a.Session().Set(fd.Path, v); err != nil {
			t.Fatalf("set %s: %v", fd.Path, err)
		}
	}
	// Values that became required on the way (RequiredIf) go in directly.
	if err := demofill.Fill(a.Session(), now); err != nil {
		t.Fatal(err)
	}
}

func TestJourneys(t *testing.T) {
	tests := []struct {
		slug    string
		second  bool // a second person taps their card
		checkID bool // the requester's values are locked chip values
	}{
		{"tam-tru", false, true},
		{"ly-lich-tu-phap", false, true},
		{"ket-hon", true, true},
		{"lien-thong-khai-tu", true, true}, // a bundle: death registration, then the funeral allowance
	}
	for _, tt := range tests {
		t.Run(tt.slug, func(t *testing.T) {
			k := newKit(t, kitOpts{mode: session.Counter})
			a := k.app
			// Clerk sign-in first.
			contains(t, a, "Đăng nhập cán bộ")
			ids := fields(a)
			_ = ids
			k.signIn(t)
			contains(t, a, "Xin chào!")

			// F2 reads the card; the identity panel shows chip verification.
			a.Key(fyne.KeyF2)
			waitFor(t, a, session.StateIdentity)
			contains(t, a, k.first.name, k.first.id, "Đã xác thực bằng chip")
			tap(t, a, "Tiếp tục")
			waitFor(t, a, session.StateChooseProcedure)

			// Search the procedure and choose it.
			p, _ := k.catalog.Lookup(tt.slug)
			name := p.Name.VI
			tap(t, a, name)
			waitFor(t, a, session.StateForm)
			contains(t, a, "Lấy từ chip — không sửa được", k.first.name)

			if tt.second {
				k.rig.Card.Put(sessiontest.Fixture(secondCard))
				a.Key(fyne.KeyF2) // F2 on the form reads the next person's card
				waitText(t, a, k.second.name)
				contains(t, a, "Đã thêm")
			}

			// Next with empty typed fields shows inline errors.
			tap(t, a, "Tiếp theo")
			if a.Session().State() != session.StateForm {
				t.Fatalf("moved on with an incomplete form")
			}
			contains(t, a, "ô cần sửa")
			fillForm(t, a, k.now())
			tap(t, a, "Tiếp theo")
			if a.Session().State() == session.StateForm {
				for _, f := range a.Session().Form().Fields("en") {
					if f.Error != "" {
						t.Errorf("%s: %q: %s", f.Path, f.Value, f.Error)
					}
				}
			}
			waitFor(t, a, session.StateAttachments)
			contains(t, a, "Không cần nộp bản sao căn cước")
			a.Inspect(func(c fyne.Canvas) {
				for _, o := range objects(c) {
					if ch, ok := o.(*widget.Check); ok && strings.Contains(ch.Text, "bắt buộc") {
						defer test.Tap(ch)
					}
				}
			})
			tap(t, a, "Tiếp theo")
			waitFor(t, a, session.StateReview)
			contains(t, a, name, k.first.name)

			// Ctrl+Enter submits (F2 does nothing here).
			a.Key(fyne.KeyF2)
			button(t, a, "Nộp hồ sơ")
			a.Inspect(func(c fyne.Canvas) {
				c.(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierControl})
			})
			waitFor(t, a, session.StateReceipt)
			rc := a.Session().Receipt()
			if rc == nil || rc.Local || rc.Code == "" {
				t.Fatalf("receipt %+v", rc)
			}
			contains(t, a, rc.Code, k.first.id)
			if p.Kind == catalog.KindBundle {
				// The slip wraps the long bundle name; it lists each dossier.
				contains(t, a, "Các hồ sơ liên thông")
				for _, l := range rc.Linked {
					contains(t, a, l.Code)
				}
			} else {
				contains(t, a, name)
			}
			k.printSlip(t)

			// The rating is the citizen's: the clerk's screen goes straight
			// back to the start and records none (17.11).
			tap(t, a, "Xong")
			waitFor(t, a, session.StateWelcome)
			if strings.Contains(allText(a), "Bạn có hài lòng") || strings.Contains(allText(a), "Rất hài lòng") {
				t.Error("the counter shows the rating")
			}
			k.noPersonalData(t)
			if rs, _ := k.rig.Store.Ratings(time.Time{}); len(rs) != 0 {
				t.Errorf("the counter recorded %d ratings", len(rs))
			}
		})
	}
}

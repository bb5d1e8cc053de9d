package ui_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"motcua/kiosk/catalog"
	"motcua/kiosk/i18n"
	"motcua/kiosk/session"
	"motcua/kiosk/session/sessiontest"
)

// foreign returns the texts that exist only in the other language: UI
// messages and every catalog text (procedure, field, option, step, help)
// whose two versions differ.
func foreign(t *testing.T, k *kit, lang i18n.Lang) map[string]bool {
	t.Helper()
	other := i18n.EN
	if lang == i18n.EN {
		other = i18n.VI
	}
	out := map[string]bool{}
	b := i18n.Default()
	for _, key := range b.Keys(other) {
		mine, theirs := b.In(lang, key), b.In(other, key)
		if mine != theirs && !strings.Contains(theirs, "{") {
			out[theirs] = true
		}
	}
	var walk func(v reflect.Value)
	seen := map[uintptr]bool{}
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() || seen[v.Pointer()] {
				return
			}
			seen[v.Pointer()] = true
			walk(v.Elem())
		case reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			if tx, ok := v.Interface().(catalog.Text); ok {
				if tx.EN != "" && tx.EN != tx.VI {
					if lang == i18n.VI {
						out[tx.EN] = true
					} else {
						out[tx.VI] = true
					}
				}
				return
			}
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.Slice, reflect.Array:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i))
			}
		case reflect.Map:
			for _, key := range v.MapKeys() {
				walk(v.MapIndex(key))
			}
		}
	}
	for _, p := range k.catalog.All() {
		walk(reflect.ValueOf(p))
	}
	for _, w := range []string{"male", "female", "Male", "Female", "(Select one)"} {
		if lang == i18n.VI {
			out[w] = true
		}
	}
	for _, w := range []string{"Nam", "Nữ"} {
		if lang == i18n.EN {
			out[w] = true
		}
	}
	return out
}

// oneLanguage fails on any text on screen that belongs to the other
// language: a whole line equal to one of its texts, or holding one of its
// longer texts.
func oneLanguage(t *testing.T, k *kit, bad map[string]bool, where string) {
	t.Helper()
	quiet(k.app)
	for _, line := range strings.Split(allText(k.app), "\n") {
		l := strings.TrimSuffix(strings.TrimSpace(line), " *")
		if l == "" {
			continue
		}
		if bad[l] {
			t.Errorf("%s: %q is the other language", where, l)
			continue
		}
		for b := range bad {
			if len([]rune(b)) >= 16 && strings.Contains(l, b) {
				t.Errorf("%s: %q holds %q of the other language", where, l, b)
				break
			}
		}
	}
}

// 17.5: every screen of a visit in one language, both modes, for a
// two-party form with choices, for a bundle and for a form with a table.
func TestOneLanguagePerScreen(t *testing.T) {
	for _, lang := range []i18n.Lang{i18n.VI, i18n.EN} {
		for _, mode := range []session.Mode{session.Counter, session.SelfService} {
			for _, slug := range []string{"ket-hon", "lien-thong-khai-tu", "ly-lich-tu-phap"} {
				t.Run(string(lang)+"/"+string(mode)+"/"+slug, func(t *testing.T) {
					walkScreens(t, lang, mode, slug)
				})
			}
		}
	}
}

func walkScreens(t *testing.T, lang i18n.Lang, mode session.Mode, slug string) {
	k := newKit(t, kitOpts{mode: mode})
	a := k.app
	bad := foreign(t, k, lang)
	a.SetLang(lang)
	check := func(where string) { t.Helper(); oneLanguage(t, k, bad, where) }
	if mode == session.Counter {
		check("sign-in")
		a.Session().SignIn(t.Context(), "CB-01")
	}
	quiet(a)
	check("welcome")
	a.Key(fyne.KeyF2)
	if mode == session.SelfService {
		a.Session().StartRead(t.Context(), session.ReadRequest{})
	}
	waitFor(t, a, session.StateIdentity)
	check("identity")
	a.Session().Continue()
	waitFor(t, a, session.StateChooseProcedure)
	check("picker")
	p, _ := k.catalog.Lookup(slug)
	a.Session().Choose(p)
	waitFor(t, a, session.StateForm)
	check("form")
	tr := func(key string) string { return i18n.Default().In(lang, key) }
	tap(t, a, tr("nav.cancel"))
	check("confirm cancel")
	tap(t, a, tr("confirm.keep"))
	k.rig.Card.Put(sessiontest.Fixture(secondCard))
	a.Session().AddPerson(t.Context(), "")
	deadline := time.Now().Add(10 * time.Second)
	for a.Session().Adding() && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	a.Session().Next() // shows the errors
	quiet(a)
	check("form with errors")
	fillForm(t, a, time.Now())
	if err := a.Session().Next(); err != nil {
		t.Fatalf("next: %v", err)
	}
	waitFor(t, a, session.StateAttachments)
	check("attachments")
	for _, at := range a.Session().Form().Attachments(string(lang)) {
		a.Session().SetAttachment(at.Key, true)
	}
	a.Session().Next()
	waitFor(t, a, session.StateReview)
	check("review")
	a.Session().Submit(t.Context())
	waitFor(t, a, session.StateReceipt)
	check("receipt")
	a.Session().Finish()
	quiet(a)
	check("after the receipt")
}

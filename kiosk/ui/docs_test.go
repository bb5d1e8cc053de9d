package ui_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"motcua/internal/sanetest"
	"motcua/kiosk/docpart"
	"motcua/kiosk/scanner"
	"motcua/kiosk/session"
	"motcua/kiosk/session/sessiontest"
	"motcua/kiosk/ui"
)

// toAttachments fills the marriage form and goes on to the documents.
func toAttachments(t *testing.T, k *kit) session.Attachment {
	t.Helper()
	a := k.app
	toForm(t, k, "ket-hon")
	k.rig.Card.Put(sessiontest.Fixture(secondCard))
	a.Key(fyne.KeyF2)
	waitText(t, a, k.second.name)
	fillForm(t, a, time.Now())
	tap(t, a, "Tiếp theo")
	waitFor(t, a, session.StateAttachments)
	return a.Session().Form().Attachments("vi")[0]
}

// settledDoc waits until the document of key has n pages and no work under
// way, and returns its part.
func settledDoc(t *testing.T, a *ui.App, key string, n int) docpart.Part {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		pages, part, busy := a.Document(key)
		if pages == n && !busy {
			return part
		}
		if time.Now().After(deadline) {
			t.Fatalf("document %s: %d pages (busy %t), want %d; screen:\n%s", key, pages, busy, n, allText(a))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

var pdfPage = regexp.MustCompile(`/Type /Page\b[^s]`)

// filed returns the PDF the session holds for the checklist line key.
func filed(t *testing.T, a *ui.App, key string) []byte {
	t.Helper()
	var pdfs [][]byte
	for _, b := range a.Session().Form().Files() {
		if bytes.HasPrefix(b, []byte("%PDF-")) {
			pdfs = append(pdfs, b)
		}
	}
	if len(pdfs) != 1 {
		t.Fatalf("the session holds %d PDFs, want 1", len(pdfs))
	}
	return pdfs[0]
}

// iconButtons returns the visible icon-only buttons in screen order.
func iconButtons(a *ui.App) []*widget.Button {
	var out []*widget.Button
	a.Inspect(func(c fyne.Canvas) {
		for _, o := range objects(c) {
			if b, ok := o.(*widget.Button); ok && b.Text == "" && b.Visible() {
				out = append(out, b)
			}
		}
	})
	return out
}

func writePNG(t *testing.T, path string, w, h int, shade uint8) {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetGray(x, y, color.Gray{Y: shade + uint8((x/40+y/40)%2)*60})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// 15.4: scan through SANE's test device, add a photo and a file, reorder
// and delete pages; each change makes one A4 PDF the session files.
func TestAttachmentsScanned(t *testing.T) {
	dir := t.TempDir()
	var next string // the file the "dialog" returns
	src := ui.Sources{
		Scanner: &scanner.SANE{Env: sanetest.Env(t)},
		Scan: scanner.Options{Device: "test", DPI: 100, WidthMM: 200, HeightMM: 200,
			Backend: []string{"--test-picture", "Grid"}},
		ChooseFile: func(kind string, done func(string)) { done(next) },
	}
	k := newKit(t, kitOpts{mode: session.Counter, sources: src})
	a := k.app
	at := toAttachments(t, k)
	contains(t, a, "Quét", "Chụp", "Chọn tệp", "Nhớ trả bản gốc cho công dân.")

	tap(t, a, "Quét")
	p1 := settledDoc(t, a, at.Key, 1)
	tap(t, a, "Quét")
	p2 := settledDoc(t, a, at.Key, 2)
	if p1.Pages != 1 || p2.Pages != 2 || p2.SHA256 == p1.SHA256 {
		t.Fatalf("parts %+v then %+v", p1, p2)
	}
	pdf := filed(t, a, at.Key)
	if n := len(pdfPage.FindAll(pdf, -1)); n != 2 {
		t.Errorf("the filed PDF has %d pages, want 2", n)
	}
	contains(t, a, "2 trang · ", "Trang 1", "Trang 2")

	// A photo (an image file) adds a third page.
	next = filepath.Join(dir, "photo.png")
	writePNG(t, next, 600, 800, 120)
	tap(t, a, "Chụp")
	p3 := settledDoc(t, a, at.Key, 3)

	// The pages survive a trip to the review and back.
	tap(t, a, "Tiếp theo")
	if a.Session().State() != session.StateReview {
		t.Fatalf("state %s", a.Session().State())
	}
	press(a, fyne.KeyEscape)
	waitFor(t, a, session.StateAttachments)
	if n, _, _ := a.Document(at.Key); n != 3 {
		t.Fatalf("going back lost pages: %d", n)
	}
	// Move the photo (page 3) before page 2: another order, another hash.
	// Icons per page: page 1 next, delete, re-scan; page 2 back, next,
	// delete, re-scan; page 3 back, delete, re-scan.
	b := iconButtons(a)
	if len(b) != 10 {
		t.Fatalf("%d page buttons, want 10", len(b))
	}
	a.Inspect(func(fyne.Canvas) { test.Tap(b[7]) }) // page 3 → left
	p4 := settledDoc(t, a, at.Key, 3)
	if p4.SHA256 == p3.SHA256 {
		t.Error("reordering did not change the document")
	}
	b = iconButtons(a)
	a.Inspect(func(fyne.Canvas) { test.Tap(b[1]) }) // delete page 1
	p5 := settledDoc(t, a, at.Key, 2)
	if p5.Pages != 2 {
		t.Errorf("after a delete: %+v", p5)
	}

	// A file too large to be a document is refused; nothing is lost.
	big := filepath.Join(dir, "huge.jpg")
	f, _ := os.Create(big)
	f.Truncate(docpart.MaxInputBytes + 1)
	f.Close()
	next = big
	tap(t, a, "Chọn tệp")
	waitText(t, a, "Tài liệu quá lớn")
	if p := settledDoc(t, a, at.Key, 2); p.SHA256 != p5.SHA256 {
		t.Error("a refused file changed the document")
	}

	// An existing PDF is kept as it is.
	pdfPath := filepath.Join(dir, "doc.pdf")
	os.WriteFile(pdfPath, filed(t, a, at.Key), 0o600)
	next = pdfPath
	tap(t, a, "Chọn tệp")
	p6 := settledDoc(t, a, at.Key, 2)
	if p6.SHA256 != p5.SHA256 {
		t.Error("an imported PDF was not kept as it is")
	}
	contains(t, a, "Tệp PDF, 2 trang")

	// Ending the visit drops every page.
	tap(t, a, "Hủy và xóa dữ liệu")
	tap(t, a, "Có, hủy và xóa")
	waitFor(t, a, session.StateWelcome)
	if n, _, _ := a.Document(at.Key); n != 0 {
		t.Errorf("%d pages outlived the visit", n)
	}
}

// 15.4: no scanner is a message that says what to do.
func TestAttachmentsNoScanner(t *testing.T) {
	src := ui.Sources{Scanner: &scanner.SANE{Env: sanetest.EmptyEnv(t)}}
	k := newKit(t, kitOpts{mode: session.Counter, sources: src})
	a := k.app
	at := toAttachments(t, k)
	tap(t, a, "Quét")
	waitText(t, a, "Không thấy máy quét")
	if n, _, _ := a.Document(at.Key); n != 0 {
		t.Errorf("%d pages from no scanner", n)
	}
}

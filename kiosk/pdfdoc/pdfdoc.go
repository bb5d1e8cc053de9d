package pdfdoc

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2/theme"
	"github.com/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"
)

// Font is the family name the documents use.
const Font = "notosans"

// Paper names a page format.
type Paper string

// Paper formats: A4 and A5 sheets, and an 80 mm roll (72 mm printable) as
// kiosk receipt printers take.
const (
	A4     Paper = "A4"
	A5     Paper = "A5"
	Roll80 Paper = "roll80"
)

// ErrPaper reports a paper name that is not one of the formats above.
var ErrPaper = errors.New("pdfdoc: unknown paper (A4, A5 or roll80)")

// ParsePaper reads a paper name as the command line and config give it.
func ParsePaper(s string) (Paper, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "a4", "":
		return A4, nil
	case "a5":
		return A5, nil
	case "roll80", "80mm", "roll":
		return Roll80, nil
	}
	return "", fmt.Errorf("%w: %q", ErrPaper, s)
}

// Size returns the page size in millimetres; a roll's height is given by
// the caller (the content's length).
func (p Paper) Size(rollHeight float64) (w, h float64) {
	switch p {
	case A5:
		return 148, 210
	case Roll80:
		return 80, rollHeight
	}
	return 210, 297
}

// Producer names the kiosk in the PDF's metadata.
const Producer = "motcua-kiosk"

// New returns a portrait document of the given page size (mm) with Noto
// Sans regular, bold and italic registered, margins m, automatic page breaks
// and fixed metadata (creation time at, so equal inputs give equal files).
func New(w, h, m float64, title string, at time.Time) (*fpdf.Fpdf, error) {
	p := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", Size: fpdf.SizeType{Wd: w, Ht: h}})
	p.AddUTF8FontFromBytes(Font, "", theme.DefaultTextFont().Content())
	p.AddUTF8FontFromBytes(Font, "B", theme.DefaultTextBoldFont().Content())
	p.AddUTF8FontFromBytes(Font, "I", theme.DefaultTextItalicFont().Content())
	if err := p.Error(); err != nil {
		return nil, fmt.Errorf("pdfdoc: font: %w", err)
	}
	p.SetMargins(m, m, m)
	p.SetAutoPageBreak(true, m)
	p.SetTitle(NFC(title), true)
	p.SetCatalogSort(true) // map order must not change the bytes
	p.SetProducer(Producer, true)
	p.SetCreator(Producer, true)
	p.SetCreationDate(at)
	p.SetModificationDate(at)
	p.SetFont(Font, "", 11)
	p.SetTextColor(0, 0, 0)
	p.SetDrawColor(0, 0, 0)
	return p, nil
}

// AddPage starts a page. It sets an opaque "Normal" graphics state, which
// draws nothing different but declares the file PDF 1.4 (fpdf's default
// is 1.3), the version the kiosk's tools expect.
func AddPage(p *fpdf.Fpdf) {
	p.AddPage()
	p.SetAlpha(1, "Normal")
}

// Bytes finishes the document.
func Bytes(p *fpdf.Fpdf) ([]byte, error) {
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		return nil, fmt.Errorf("pdfdoc: %w", err)
	}
	return buf.Bytes(), nil
}

var reMediaBox = regexp.MustCompile(`/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]`)

// PageSize reads the first page size (mm) of a PDF this package wrote (the
// roll's length is only known from the document).
func PageSize(pdf []byte) (w, h float64, ok bool) {
	m := reMediaBox.FindSubmatch(pdf)
	if m == nil {
		return 0, 0, false
	}
	pw, err1 := strconv.ParseFloat(string(m[1]), 64)
	ph, err2 := strconv.ParseFloat(string(m[2]), 64)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return pw * 25.4 / 72, ph * 25.4 / 72, true
}

// NFC returns s in Unicode normalisation form C (precomposed Vietnamese),
// the form TCVN 6909 and the text search of a PDF expect.
func NFC(s string) string { return norm.NFC.String(s) }

// Motto lines of every Vietnamese administrative document.
const (
	Motto1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
	Motto2 = "Độc lập - Tự do - Hạnh phúc"
)

// Centered writes s centred on the current line with the given style and
// size, wrapping if it is too long, and moves below it.
func Centered(p *fpdf.Fpdf, s, style string, size, lineH float64) {
	p.SetFont(Font, style, size)
	p.MultiCell(0, lineH, NFC(s), "", "C", false)
}

// MottoBlock writes the national motto with the short rule under it.
func MottoBlock(p *fpdf.Fpdf, size float64) {
	lh := size * 0.5
	Centered(p, Motto1, "B", size, lh)
	Centered(p, Motto2, "B", size, lh)
	l, _, r, _ := p.GetMargins()
	w, _ := p.GetPageSize()
	mid := l + (w-l-r)/2
	p.SetFont(Font, "B", size)
	half := p.GetStringWidth(Motto2) / 2
	y := p.GetY() + 0.5
	p.Line(mid-half, y, mid+half, y)
	p.SetY(y + 2)
}

// Label writes "label: value" as one paragraph: the label regular, the
// value bold, wrapped to the text width.
func Label(p *fpdf.Fpdf, label, value string, size, lineH float64) {
	p.SetFont(Font, "", size)
	p.Write(lineH, NFC(label))
	if value != "" {
		p.Write(lineH, " ")
		p.SetFont(Font, "B", size)
		p.Write(lineH, NFC(value))
	}
	p.SetFont(Font, "", size)
	p.Ln(lineH)
}

// Mark writes the chip mark "(*)" as a small superscript at the current
// position and leaves the position after it, on the same line.
func Mark(p *fpdf.Fpdf, size, lineH float64) {
	x, y := p.GetXY()
	p.SetFont(Font, "", size*0.6)
	p.SetXY(x+0.3, y-lineH*0.25)
	p.Write(lineH, "(*)")
	p.SetXY(p.GetX(), y)
	p.SetFont(Font, "", size)
}

// Dots is the dotted leader a blank form line shows when there is no value.
const Dots = "………………………"

// DateLine is "…, ngày DD tháng MM năm YYYY" for t in Vietnam time.
func DateLine(place string, t time.Time, zone *time.Location) string {
	t = t.In(zone)
	s := fmt.Sprintf("ngày %02d tháng %02d năm %d", t.Day(), int(t.Month()), t.Year())
	if place != "" {
		return place + ", " + s
	}
	return s
}

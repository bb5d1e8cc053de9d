package declaration

import (
	"errors"
	"fmt"
	"motcua/internal/vntime"
	"strings"

	"github.com/go-pdf/fpdf"

	"motcua/kiosk/catalog"
	"motcua/kiosk/pdfdoc"
	"motcua/offline/dossier"
)

// ErrMismatch reports a dossier that is not for the layout's procedure.
var ErrMismatch = errors.New("declaration: the dossier is for another procedure")

// Options tune a render.
type Options struct {
	// Recipient is printed after "Kính gửi" when the dossier has no value
	// for the layout's recipient path (the receiving agency's name).
	Recipient string
	// Place starts the date line ("Phường X, ngày …"); empty prints the
	// date alone.
	Place string
}

// Title is the PDF document title for a dossier's declaration (no
// personal data: the procedure and the dossier ID).
func Title(p *catalog.Procedure, d *dossier.Dossier) string {
	return "Tờ khai – " + p.Name.VI + " – " + d.ID
}

// Render prints the declaration of dossier d for procedure p with layout l
// as an A4 text PDF. Equal inputs give equal bytes.
func Render(d *dossier.Dossier, p *catalog.Procedure, l *Layout, o Options) ([]byte, error) {
	if d == nil || p == nil || l == nil || l.Procedure != p.Slug || (d.ProcedureCode != p.Ref() && d.ProcedureCode != p.Slug) {
		return nil, ErrMismatch
	}
	r := &renderer{d: d, p: p, l: l, o: o}
	return r.run()
}

const (
	pageW, pageH = 210.0, 297.0
	mLeft        = 25.0 // official documents keep a wider binding margin
	mRight       = 15.0
	mTop         = 15.0
	size         = 11.5
	small        = 9.5
	lh           = 5.6
)

type renderer struct {
	d      *dossier.Dossier
	p      *catalog.Procedure
	l      *Layout
	o      Options
	pdf    *fpdf.Fpdf
	marked bool // a chip mark was printed: add the footnote
}

func (r *renderer) run() ([]byte, error) {
	pdf, err := pdfdoc.New(pageW, pageH, mTop, Title(r.p, r.d), r.d.CreatedAt)
	if err != nil {
		return nil, err
	}
	r.pdf = pdf
	pdf.SetMargins(mLeft, mTop, mRight)
	pdf.SetAutoPageBreak(true, 15)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-11)
		pdf.SetFont(pdfdoc.Font, "I", 7.5)
		pdf.CellFormat(0, 4, pdfdoc.NFC(fmt.Sprintf("%s · hồ sơ %s · trang %d/{nb}", r.p.Name.VI, r.d.ID, pdf.PageNo())), "", 0, "R", false, 0, "")
	})
	pdfdoc.AddPage(pdf)
	r.header()
	for _, b := range r.l.Blocks {
		r.block(b)
	}
	r.closing()
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("declaration: %w", err)
	}
	return pdfdoc.Bytes(pdf)
}

func (r *renderer) width() float64 { return pageW - mLeft - mRight }

func (r *renderer) header() {
	pdf := r.pdf
	if r.l.Form != "" || r.l.IssuedBy != "" {
		x := mLeft + r.width()*0.55
		pdf.SetXY(x, mTop-4)
		pdf.SetFont(pdfdoc.Font, "B", small)
		pdf.MultiCell(0, 4.2, pdfdoc.NFC(r.l.Form), "", "R", false)
		if r.l.IssuedBy != "" {
			pdf.SetX(x)
			pdf.SetFont(pdfdoc.Font, "I", small-1)
			pdf.MultiCell(0, 3.8, pdfdoc.NFC(r.l.IssuedBy), "", "R", false)
		}
		pdf.Ln(3)
	}
	pdfdoc.MottoBlock(pdf, 12)
	pdf.Ln(3)
	pdfdoc.Centered(pdf, r.l.Title, "B", 14, 7)
	if r.l.Subtitle != "" {
		pdfdoc.Centered(pdf, r.l.Subtitle, "I", small, 5)
	}
	pdf.Ln(3)
	if r.l.Recipient != "" {
		v, mark := r.value(r.l.Recipient)
		if v == "" {
			v = r.o.Recipient
		}
		pdf.SetX(mLeft + r.width()*0.2)
		r.write("Kính gửi: ", "", size)
		r.writeValue(v, mark)
		pdf.Ln(lh)
		pdf.Ln(2)
	}
}

// write writes s at the current position in the given style.
func (r *renderer) write(s, style string, sz float64) {
	r.pdf.SetFont(pdfdoc.Font, style, sz)
	r.pdf.Write(lh, pdfdoc.NFC(s))
}

// writeValue writes a value in bold, or a dotted leader when empty, and
// the chip mark.
func (r *renderer) writeValue(v string, mark bool) {
	if v == "" {
		r.write(pdfdoc.Dots, "", size)
		return
	}
	r.write(v, "B", size)
	if mark {
		pdfdoc.Mark(r.pdf, size, lh)
		r.marked = true
	}
}

func (r *renderer) block(b Block) {
	pdf := r.pdf
	switch b.Type {
	case KindHeading:
		pdf.Ln(1)
		r.write(b.Text, "B", size)
		pdf.Ln(lh)
	case KindText:
		pdf.SetFont(pdfdoc.Font, "", size)
		pdf.MultiCell(0, lh, pdfdoc.NFC(b.Text), "", "J", false)
	case KindItem:
		r.item(b)
		pdf.Ln(lh)
	case KindRow:
		// Items share the line, each starting at an equal share of the
		// width; one that would not fit moves to the next line.
		share := r.width() / float64(len(b.Items))
		for i, it := range b.Items {
			if i > 0 {
				next := mLeft + share*float64(i)
				if pdf.GetX() > next-2 {
					pdf.Ln(lh)
				} else {
					pdf.SetX(next)
				}
			}
			r.item(it)
		}
		pdf.Ln(lh)
	case KindParties:
		r.parties(b)
	case KindTable:
		r.table(b)
	}
}

func (r *renderer) item(b Block) {
	if b.Label != "" {
		r.write(b.Label+" ", "", size)
	}
	if b.Template != "" {
		v, mark := r.template(b.Template)
		r.writeValue(v, mark)
		return
	}
	v, mark := r.value(b.Value)
	r.writeValue(v, mark)
}

// template fills {path} placeholders; it is empty when every placeholder
// is, so the form shows a blank line rather than stray fixed words.
func (r *renderer) template(t string) (string, bool) {
	if !rePlaceholder.MatchString(t) {
		return pdfdoc.NFC(t), false // fixed text, e.g. the addressee of a national form
	}
	any, mark := false, false
	out := rePlaceholder.ReplaceAllStringFunc(t, func(m string) string {
		v, mk := r.value(m[1 : len(m)-1])
		if v != "" {
			any = true
		}
		mark = mark || mk
		if v == "" {
			return "……"
		}
		return v
	})
	if !any {
		return "", false
	}
	return out, mark
}

// value returns the printed value of a path and whether it carries the
// chip mark.
func (r *renderer) value(path string) (string, bool) {
	// "path|words": a date written in words (civil-status forms).
	if p, mod, ok := strings.Cut(path, "|"); ok {
		raw, mark := r.raw(p)
		if mod == "words" && raw != "" {
			return dateWords(raw), mark
		}
		v, mark := r.value(p)
		return v, mark
	}
	blk, sub, ok := strings.Cut(path, ".")
	if !ok {
		f, _ := r.p.Field(path)
		v := r.d.Values[path]
		return r.format(f, v.Value), v.Provenance == dossier.FromChip
	}
	bf, ok := r.p.Field(blk)
	if !ok {
		return "", false
	}
	a := r.applicants(bf)
	if len(a) == 0 {
		return "", false
	}
	return r.sub(bf, a[0], sub)
}

// raw is a path's stored value, unformatted.
func (r *renderer) raw(path string) (string, bool) {
	blk, sub, ok := strings.Cut(path, ".")
	if !ok {
		v := r.d.Values[path]
		return v.Value, v.Provenance == dossier.FromChip
	}
	bf, ok := r.p.Field(blk)
	if !ok {
		return "", false
	}
	if a := r.applicants(bf); len(a) > 0 {
		v := a[0].Values[sub]
		return v.Value, v.Provenance == dossier.FromChip
	}
	return "", false
}

func (r *renderer) sub(bf *catalog.Field, a dossier.Applicant, key string) (string, bool) {
	f, _ := bf.Sub(key)
	v := a.Values[key]
	return r.format(f, v.Value), v.Provenance == dossier.FromChip
}

// rows returns a table's rows as the dossier keeps them: its people by
// role, or for a table of typed rows the values "key[i].col", each row as
// an applicant with those values so both print alike.
func (r *renderer) rows(tf *catalog.Field) []dossier.Applicant {
	if tf.Type != catalog.TypeTable {
		return r.applicants(tf)
	}
	var out []dossier.Applicant
	for i := 0; ; i++ {
		row := dossier.Applicant{Values: map[string]dossier.Value{}}
		for _, col := range tf.Fields {
			if v, ok := r.d.Values[catalog.CellPath(tf.Key, i, col.Key)]; ok {
				row.Values[col.Key] = v
			}
		}
		if len(row.Values) == 0 {
			return out
		}
		out = append(out, row)
	}
}

// applicants returns the dossier's people of a block's role, in order.
func (r *renderer) applicants(bf *catalog.Field) []dossier.Applicant {
	var out []dossier.Applicant
	for _, a := range r.d.Applicants {
		if a.Role == bf.Role {
			out = append(out, a)
		}
	}
	return out
}

func (r *renderer) format(f *catalog.Field, v string) string {
	if v == "" || f == nil {
		return pdfdoc.NFC(v)
	}
	switch f.Type {
	case catalog.TypeDate:
		if len(v) == 10 && v[4] == '-' && v[7] == '-' {
			return v[8:10] + "/" + v[5:7] + "/" + v[0:4]
		}
	case catalog.TypeChoice:
		for _, o := range f.Options {
			if o.Value == v {
				return pdfdoc.NFC(o.Label.VI)
			}
		}
	case catalog.TypeBool:
		if v == "true" {
			return "Có"
		}
		return "Không"
	}
	return pdfdoc.NFC(v)
}

// parties prints a two-party form as a table: the item, then one column
// per party (Bên nữ | Bên nam), as the civil-status forms do.
func (r *renderer) parties(b Block) {
	lf, _ := r.p.Field(b.Left)
	rf, _ := r.p.Field(b.Right)
	var la, ra *dossier.Applicant
	if xs := r.applicants(lf); len(xs) > 0 {
		la = &xs[0]
	}
	if xs := r.applicants(rf); len(xs) > 0 {
		ra = &xs[0]
	}
	w := r.width()
	widths := []float64{w * 0.3, w * 0.35, w * 0.35}
	r.row(widths, []cell{{text: ""}, {text: b.LeftTitle, bold: true, center: true}, {text: b.RightTitle, bold: true, center: true}})
	for _, row := range b.Rows {
		cells := []cell{{text: row.Label}}
		for _, pair := range []struct {
			f *catalog.Field
			a *dossier.Applicant
		}{{lf, la}, {rf, ra}} {
			c := cell{bold: true}
			if pair.a != nil {
				c.text, c.mark = r.partyValue(pair.f, *pair.a, row)
			}
			cells = append(cells, c)
		}
		r.row(widths, cells)
	}
	r.pdf.Ln(2)
}

// partyValue is a parties row's value for one party: a sub-field, or a
// template over the party's sub-fields.
func (r *renderer) partyValue(f *catalog.Field, a dossier.Applicant, row Block) (string, bool) {
	if row.Template == "" {
		return r.sub(f, a, row.Value)
	}
	filled, mark := false, false
	out := rePlaceholder.ReplaceAllStringFunc(row.Template, func(m string) string {
		v, mk := r.sub(f, a, m[1:len(m)-1])
		filled, mark = filled || v != "", mark || mk
		if v == "" {
			return "……"
		}
		return v
	})
	if !filled {
		return "", false
	}
	return out, mark
}

// table prints one row per person of a table (or the one person of a
// block), with MinRows blank rows at least.
func (r *renderer) table(b Block) {
	pdf := r.pdf
	if b.Label != "" {
		pdf.SetFont(pdfdoc.Font, "", size)
		pdf.MultiCell(0, lh, pdfdoc.NFC(b.Label), "", "L", false)
	}
	tf, _ := r.p.Field(b.Table)
	people := r.rows(tf)
	var total float64
	for _, c := range b.Columns {
		total += c.Width
	}
	widths := make([]float64, len(b.Columns))
	head := make([]cell, len(b.Columns))
	for i, c := range b.Columns {
		widths[i] = r.width() * c.Width / total
		head[i] = cell{text: c.Header, bold: true, center: true, small: true}
	}
	r.row(widths, head)
	n := max(len(people), b.MinRows)
	for i := 0; i < n; i++ {
		cells := make([]cell, len(b.Columns))
		for j, c := range b.Columns {
			switch {
			case c.Number:
				cells[j] = cell{text: fmt.Sprintf("%d", i+1), center: true, small: true}
			case i < len(people):
				v, mark := r.sub(tf, people[i], c.Value)
				cells[j] = cell{text: v, mark: mark, small: true}
			}
		}
		r.row(widths, cells)
	}
	pdf.Ln(2)
}

type cell struct {
	text               string
	bold, center, mark bool
	small              bool
}

// font is the cell's font style ("" or bold "B") and size.
func (c cell) font() (style string, sz float64) {
	sz = size
	if c.small {
		sz = small
	}
	if c.bold {
		style = "B"
	}
	return style, sz
}

// row draws one bordered table row whose height fits its longest cell,
// starting a new page first when it would not fit.
func (r *renderer) row(widths []float64, cells []cell) {
	pdf := r.pdf
	const pad = 1.2
	rowLH := lh * 0.9
	lines := 1
	for i, c := range cells {
		style, sz := c.font()
		pdf.SetFont(pdfdoc.Font, style, sz)
		t := pdfdoc.NFC(c.text)
		if c.mark {
			t += " (*)"
		}
		lines = max(lines, len(pdf.SplitText(t, widths[i]-2*pad)))
	}
	h := float64(lines)*rowLH + 2*pad
	_, ph := pdf.GetPageSize()
	_, _, _, bottom := pdf.GetMargins()
	if pdf.GetY()+h > ph-bottom-5 {
		pdfdoc.AddPage(pdf)
	}
	x0, y0 := pdf.GetX(), pdf.GetY()
	x := mLeft
	for i, c := range cells {
		pdf.Rect(x, y0, widths[i], h, "D")
		style, sz := c.font()
		pdf.SetFont(pdfdoc.Font, style, sz)
		align := "L"
		if c.center {
			align = "C"
		}
		pdf.SetXY(x+pad, y0+pad)
		pdf.MultiCell(widths[i]-2*pad, rowLH, pdfdoc.NFC(c.text), "", align, false)
		if c.mark && c.text != "" {
			// The mark goes after the last line of the value.
			last := pdf.SplitText(pdfdoc.NFC(c.text), widths[i]-2*pad)
			pdf.SetFont(pdfdoc.Font, style, sz)
			mx := x + pad + pdf.GetStringWidth(last[len(last)-1])
			if align == "C" {
				mx = x + widths[i]/2 + pdf.GetStringWidth(last[len(last)-1])/2
			}
			pdf.SetXY(mx, pdf.GetY()-rowLH)
			pdfdoc.Mark(pdf, sz, rowLH)
			r.marked = true
		}
		x += widths[i]
	}
	_ = x0
	pdf.SetXY(mLeft, y0+h)
}

// closing prints the pledge, the date line, the signature boxes and the
// footnotes.
func (r *renderer) closing() {
	pdf := r.pdf
	if r.l.Pledge != "" {
		pdf.Ln(1)
		pdf.SetFont(pdfdoc.Font, "", size)
		pdf.MultiCell(0, lh, pdfdoc.NFC(r.l.Pledge), "", "J", false)
	}
	// Keep the date line and the signatures together on one page.
	_, ph := pdf.GetPageSize()
	if pdf.GetY()+48 > ph-20 {
		pdfdoc.AddPage(pdf)
	}
	pdf.Ln(3)
	pdf.SetFont(pdfdoc.Font, "I", size)
	x := mLeft + r.width()*0.45
	pdf.SetX(x)
	pdf.MultiCell(0, lh, pdfdoc.NFC(pdfdoc.DateLine(r.o.Place, r.d.CreatedAt, vntime.Zone)), "", "C", false)
	sigs := r.l.Signatures
	// Up to three boxes share a row; four go two by two.
	per := len(sigs)
	if per > 3 {
		per = 2
	}
	w := r.width() / float64(max(per, 1))
	for start := 0; start < len(sigs); start += per {
		y := pdf.GetY() + 1
		bottom := y
		end := min(start+per, len(sigs))
		// A single box sits on the right, under the date line.
		offset := 0.0
		if end-start == 1 && per == 1 {
			offset = r.width() * 0.45
			w = r.width() * 0.55
		}
		for i := start; i < end; i++ {
			s := sigs[i]
			bx := mLeft + offset + w*float64(i-start)
			pdf.SetXY(bx, y)
			pdf.SetFont(pdfdoc.Font, "B", size)
			pdf.MultiCell(w, lh, pdfdoc.NFC(s.Title), "", "C", false)
			if s.Hint != "" {
				pdf.SetX(bx)
				pdf.SetFont(pdfdoc.Font, "I", small)
				pdf.MultiCell(w, lh*0.85, pdfdoc.NFC(s.Hint), "", "C", false)
			}
			pdf.SetXY(bx, pdf.GetY()+lh*3.5)
			name := ""
			if s.Name != "" {
				name, _ = r.value(s.Name)
			}
			pdf.SetFont(pdfdoc.Font, "B", size)
			pdf.MultiCell(w, lh, name, "", "C", false)
			bottom = max(bottom, pdf.GetY())
		}
		pdf.SetY(bottom + 3)
	}
	notes := r.l.Notes
	if r.marked {
		notes = append([]string{"(*) Thông tin được đọc từ chip của thẻ căn cước và đã xác thực chữ ký số của cơ quan cấp thẻ."}, notes...)
	}
	if len(notes) > 0 {
		pdf.Ln(2)
		pdf.SetFont(pdfdoc.Font, "I", small-1)
		for _, n := range notes {
			pdf.MultiCell(0, 4, pdfdoc.NFC(n), "", "J", false)
		}
	}
}

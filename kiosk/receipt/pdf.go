package receipt

import (
	"bytes"
	"errors"
	"fmt"
	"motcua/internal/vntime"
	"strings"

	"github.com/go-pdf/fpdf"

	"motcua/kiosk/pdfdoc"
)

// ErrEmpty reports a receipt without the code or the procedure it is for.
var ErrEmpty = errors.New("receipt: no dossier code or procedure")

// Wording of Mẫu 01 (TT 03/2025/TT-VPCP Phụ lục I, as TT 01/2018 Mẫu 01).
const (
	unitLine     = "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"
	titleLine    = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
	formLine     = "Mẫu số 01 – Thông tư 03/2025/TT-VPCP"
	localNote    = "Mã tạm của kiosk: hồ sơ đang chờ gửi lên hệ thống một cửa; mã chính thức được thông báo khi hồ sơ được tiếp nhận."
	lookupNote   = "Tra cứu tình trạng hồ sơ: quét mã QR hoặc nhập mã hồ sơ tại Cổng Dịch vụ công quốc gia (dichvucong.gov.vn) hoặc tại Bộ phận tiếp nhận và trả kết quả."
	copiesNote   = "Giấy này lập thành 02 liên: 01 liên giao người nộp hồ sơ, 01 liên lưu tại Bộ phận tiếp nhận và trả kết quả. Trường hợp hồ sơ được giải quyết xong trước thời hạn, người nộp được thông báo để nhận kết quả sớm."
	deletedNote  = "Bản in lại: họ tên người nộp không còn lưu tại kiosk (dữ liệu cá nhân được xóa sau khi hệ thống một cửa tiếp nhận hồ sơ); người nộp được xác định theo số định danh đã che."
	signSubmit   = "NGƯỜI NỘP HỒ SƠ"
	signReceive  = "NGƯỜI TIẾP NHẬN HỒ SƠ"
	signHint     = "(Ký và ghi rõ họ tên)"
	defaultPlace = "Bộ phận tiếp nhận và trả kết quả"
)

// geometry is one paper's layout.
type geometry struct {
	w, h, margin float64
	size, small  float64 // body and note font sizes (pt)
	line         float64 // body line height (mm)
	qr           float64 // QR side (mm)
	roll         bool
}

func geometryOf(p pdfdoc.Paper, rollH float64) geometry {
	w, h := p.Size(rollH)
	switch p {
	case pdfdoc.A5:
		return geometry{w: w, h: h, margin: 10, size: 9.5, small: 8, line: 4.6, qr: 24}
	case pdfdoc.Roll80:
		return geometry{w: w, h: h, margin: 4, size: 8.5, small: 7, line: 4, qr: 30, roll: true}
	}
	return geometry{w: w, h: h, margin: 18, size: 12, small: 10, line: 6.2, qr: 30}
}

// PDF renders the slip as a one-page text PDF on the given paper. The roll
// layout is one column whose length follows the content.
func (r Receipt) PDF(paper pdfdoc.Paper) ([]byte, error) {
	if r.Code == "" || r.ProcedureName == "" {
		return nil, ErrEmpty
	}
	if paper != pdfdoc.A4 && paper != pdfdoc.A5 && paper != pdfdoc.Roll80 {
		return nil, fmt.Errorf("%w: %q", pdfdoc.ErrPaper, paper)
	}
	if paper != pdfdoc.Roll80 {
		return r.render(geometryOf(paper, 0))
	}
	// A roll is cut after the content: lay it out on a long page first to
	// learn its length, then again on a page that long.
	long := geometryOf(paper, 1000)
	p, err := r.layout(long)
	if err != nil {
		return nil, err
	}
	return r.render(geometryOf(paper, p.GetY()+long.margin))
}

func (r Receipt) render(g geometry) ([]byte, error) {
	p, err := r.layout(g)
	if err != nil {
		return nil, err
	}
	return pdfdoc.Bytes(p)
}

func (r Receipt) place() string {
	if r.ResultAt != "" {
		return r.ResultAt
	}
	if r.AgencyName != "" {
		return defaultPlace + " – " + r.AgencyName
	}
	return defaultPlace
}

func (r Receipt) parts() []Part {
	if len(r.Parts) > 0 {
		return r.Parts
	}
	out := make([]Part, 0, len(r.Components))
	for _, c := range r.Components {
		out = append(out, Part{Name: c, Count: 1})
	}
	return out
}

func (r Receipt) layout(g geometry) (*fpdf.Fpdf, error) {
	p, err := pdfdoc.New(g.w, g.h, g.margin, DocumentName, r.ReceivedAt)
	if err != nil {
		return nil, err
	}
	if g.roll {
		p.SetAutoPageBreak(false, 0)
	}
	pdfdoc.AddPage(p)
	qr, err := r.QRPNG(512)
	if err != nil {
		return nil, fmt.Errorf("receipt: QR: %w", err)
	}
	p.RegisterImageOptionsReader("qr", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(qr))
	textW := g.w - 2*g.margin
	agency := strings.ToUpper(pdfdoc.NFC(r.AgencyName))
	received := r.ReceivedAt.In(vntime.Zone)

	if g.roll {
		if agency != "" {
			pdfdoc.Centered(p, agency, "B", g.size, g.line)
		}
		pdfdoc.Centered(p, unitLine, "B", g.size, g.line)
		p.Ln(1)
		pdfdoc.MottoBlock(p, g.small)
		pdfdoc.Centered(p, titleLine, "B", g.size, g.line)
		p.ImageOptions("qr", (g.w-g.qr)/2, p.GetY()+1, g.qr, g.qr, false, fpdf.ImageOptions{}, 0, "")
		p.SetY(p.GetY() + g.qr + 2)
	} else {
		// Header: the office on the left, the motto on the right.
		top := p.GetY()
		leftW := textW * 0.42
		p.SetFont(pdfdoc.Font, "", g.small)
		if agency != "" {
			p.MultiCell(leftW, g.line*0.85, agency, "", "C", false)
		}
		p.SetFont(pdfdoc.Font, "B", g.small)
		p.MultiCell(leftW, g.line*0.85, unitLine, "", "C", false)
		leftBottom := p.GetY()
		p.SetXY(g.margin+leftW, top)
		p.SetFont(pdfdoc.Font, "B", g.small)
		p.MultiCell(textW-leftW, g.line*0.85, pdfdoc.Motto1, "", "C", false)
		p.SetX(g.margin + leftW)
		p.MultiCell(textW-leftW, g.line*0.85, pdfdoc.Motto2, "", "C", false)
		mid := g.margin + leftW + (textW-leftW)/2
		half := p.GetStringWidth(pdfdoc.Motto2) / 2
		p.Line(mid-half, p.GetY()+0.3, mid+half, p.GetY()+0.3)
		p.SetY(max(leftBottom, p.GetY()) + 2)
		p.SetFont(pdfdoc.Font, "I", g.small)
		p.SetX(g.margin + leftW)
		p.MultiCell(textW-leftW, g.line, pdfdoc.DateLine("", received, vntime.Zone), "", "C", false)
		p.Ln(2)
		// The QR goes top left (TT 01/2023/TT-VPCP); the title beside it.
		y := p.GetY()
		p.ImageOptions("qr", g.margin, y, g.qr, g.qr, false, fpdf.ImageOptions{}, 0, "")
		p.SetLeftMargin(g.margin + g.qr + 4)
		p.SetXY(g.margin+g.qr+4, y+g.qr/2-g.line*1.5)
		pdfdoc.Centered(p, titleLine, "B", g.size+2, g.line*1.1)
		p.SetFont(pdfdoc.Font, "I", g.small)
		p.MultiCell(0, g.line, formLine, "", "C", false)
		p.SetLeftMargin(g.margin)
		p.SetY(max(p.GetY(), y+g.qr) + 3)
	}

	kv := func(label, value string) { pdfdoc.Label(p, label, value, g.size, g.line) }
	codeLabel := "Mã hồ sơ:"
	if r.Local {
		codeLabel = "Mã tạm (chờ đồng bộ):"
	}
	kv(codeLabel, r.Code)
	if r.AgencyName != "" {
		kv("Bộ phận tiếp nhận và trả kết quả:", r.AgencyName)
	}
	who := r.ApplicantName
	if r.ApplicantID != "" {
		who = strings.TrimSpace(who + " – Số định danh cá nhân: " + r.ApplicantID)
	}
	kv("Tiếp nhận hồ sơ của:", who)
	if r.NameDeleted {
		p.SetFont(pdfdoc.Font, "I", g.small)
		p.MultiCell(0, g.line*0.85, deletedNote, "", "L", false)
	}
	if r.ApplicantAddress != "" {
		addr := r.ApplicantAddress
		if r.AddressOnCard != "" {
			// Mẫu 01 has the submitter's address; the converted one is the
			// one the office works with, the card's text is kept beside it.
			addr += " (trên thẻ: " + r.AddressOnCard + ")"
		}
		kv("Địa chỉ:", addr)
	}
	proc := r.ProcedureName
	if r.ProcedureCode != "" {
		proc += " (mã TTHC " + r.ProcedureCode + ")"
	}
	kv("Nội dung yêu cầu giải quyết:", proc)
	if len(r.Linked) > 0 {
		kv("Hồ sơ liên thông:", "")
		for i, l := range r.Linked {
			p.SetFont(pdfdoc.Font, "", g.size)
			p.MultiCell(0, g.line, pdfdoc.NFC(fmt.Sprintf("   %d. %s – %s", i+1, l.Code, l.ProcedureName)), "", "L", false)
		}
	}
	kv("1. Thành phần hồ sơ nộp gồm:", "")
	parts := r.parts()
	if len(parts) == 0 {
		p.SetFont(pdfdoc.Font, "I", g.size)
		p.MultiCell(0, g.line, "   (Tờ khai điện tử; không có giấy tờ kèm theo)", "", "L", false)
	}
	for i, pt := range parts {
		kind := "bản sao"
		if pt.Original {
			kind = "bản chính"
		}
		n := pt.Count
		if n <= 0 {
			n = 1
		}
		line := fmt.Sprintf("   %d. %s – %s, số lượng: %02d", i+1, pt.Name, kind, n)
		if pt.Pages > 0 {
			// Since 1 October 2025 the scan is the part; its page count is
			// what the office received (the original went back).
			line += fmt.Sprintf(" (bản quét %d trang)", pt.Pages)
		}
		p.SetFont(pdfdoc.Font, "", g.size)
		p.MultiCell(0, g.line, pdfdoc.NFC(line), "", "L", false)
	}
	kv("2. Số lượng hồ sơ:", "01 (bộ)")
	days := "theo quy định"
	if r.ProcessingDays > 0 {
		days = fmt.Sprintf("%d ngày làm việc", r.ProcessingDays)
	}
	kv("3. Thời gian giải quyết hồ sơ theo quy định:", days)
	kv("4. Thời gian nhận hồ sơ:", received.Format("15 giờ 04 phút, ")+pdfdoc.DateLine("", received, vntime.Zone))
	due := "sẽ thông báo sau"
	if !r.Due.IsZero() {
		due = fmt.Sprintf("ngày %02d tháng %02d năm %d", r.Due.Day, r.Due.Month, r.Due.Year)
	}
	kv("5. Thời gian trả kết quả giải quyết hồ sơ:", due)
	kv("6. Đăng ký nhận kết quả tại:", r.place())
	p.SetFont(pdfdoc.Font, "", g.size)
	p.MultiCell(0, g.line, "Vào Sổ theo dõi hồ sơ, Quyển số: ……… Số thứ tự: ………", "", "L", false)
	if r.Local {
		p.SetFont(pdfdoc.Font, "B", g.small)
		p.MultiCell(0, g.line*0.85, localNote, "", "L", false)
	}
	p.SetFont(pdfdoc.Font, "I", g.small)
	p.MultiCell(0, g.line*0.85, lookupNote, "", "L", false)
	p.Ln(2)

	// Signatures: side by side on sheets, one under the other on a roll.
	receiver := pdfdoc.NFC(r.Receiver)
	sign := func(x, w float64, title, name string) float64 {
		y := p.GetY()
		p.SetXY(x, y)
		p.SetFont(pdfdoc.Font, "B", g.size)
		p.MultiCell(w, g.line, title, "", "C", false)
		p.SetX(x)
		p.SetFont(pdfdoc.Font, "I", g.small)
		p.MultiCell(w, g.line, signHint, "", "C", false)
		p.SetY(p.GetY() + g.line*3)
		p.SetX(x)
		p.SetFont(pdfdoc.Font, "B", g.size)
		p.MultiCell(w, g.line, pdfdoc.NFC(name), "", "C", false)
		return p.GetY()
	}
	if g.roll {
		sign(g.margin, textW, signSubmit, r.ApplicantName)
		p.Ln(1)
		sign(g.margin, textW, signReceive, receiver)
	} else {
		y := p.GetY()
		b1 := sign(g.margin, textW/2, signSubmit, r.ApplicantName)
		p.SetY(y)
		b2 := sign(g.margin+textW/2, textW/2, signReceive, receiver)
		p.SetY(max(b1, b2))
	}
	p.Ln(2)
	p.SetFont(pdfdoc.Font, "I", g.small*0.9)
	p.MultiCell(0, g.line*0.8, copiesNote, "", "L", false)
	if err := p.Error(); err != nil {
		return nil, fmt.Errorf("receipt: %w", err)
	}
	return p, nil
}

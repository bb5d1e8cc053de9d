package receipt

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/skip2/go-qrcode"

	"motcua/cardreader/cccd"
	"motcua/internal/vntime"
)

// DocumentName is the slip's title, carried in its QR code.
const DocumentName = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"

// System names the system that issued the slip, carried in its QR code.
const System = "motcua-kiosk"

// Receipt is one slip. It holds the applicant's name and ID: it is the
// citizen's own paper, and the kiosk drops it when the session is wiped.
type Receipt struct {
	DossierID     string // the kiosk's UUID for the dossier
	Code          string // the portal's dossier code, or the local code when Local
	Local         bool   // not synced yet: Code is the kiosk's reference
	ProcedureCode string // mã TTHC (or the catalog slug)
	ProcedureName string
	Agency        string // receiving unit code
	ApplicantName string
	ApplicantID   string // 12-digit personal ID
	// NameDeleted marks a later copy of the slip made after the kiosk
	// deleted the citizen's personal data (delete-on-receipt, once the
	// portal confirmed the dossier): it names the masked ID only, by
	// design, and says so.
	NameDeleted bool
	// ApplicantAddress is the applicant's residence as filed, in the units
	// after 1 July 2025; AddressOnCard is the card's text when the kiosk
	// converted it (empty otherwise).
	ApplicantAddress string
	AddressOnCard    string
	Components       []string
	// Parts are the documents received ("Thành phần hồ sơ") with bản
	// chính/bản sao and counts; when empty, Components are listed, one each.
	Parts []Part
	// AgencyName is the receiving office as people read it.
	AgencyName string
	// Receiver is who received the dossier: the clerk's name or ID, or the
	// kiosk in self-service.
	Receiver string
	// ProcessingDays is the legal processing time in working days (0:
	// not fixed).
	ProcessingDays int
	// ResultAt is where and how the result is handed over; empty means at
	// the receiving office's counter.
	ResultAt string
	// Linked lists every dossier of a bundle (liên thông), in order; empty
	// for a single procedure.
	Linked     []Linked
	ReceivedAt time.Time
	Due        cccd.Date // zero when the procedure has no fixed time
}

// Part is one document of the dossier as the receipt lists it.
type Part struct {
	Name     string
	Original bool // bản chính (else bản sao or electronic copy)
	Count    int
	Pages    int // pages scanned into the dossier part; 0 when not scanned
}

// Linked is one dossier of a bundle.
type Linked struct {
	DossierID     string // the kiosk's ID of this dossier (its declaration is printed with the slip)
	Code          string // portal code, or the local code while queued
	ProcedureName string
	Local         bool
}

// ErrBadQR reports a QR payload that is not a receipt's.
var ErrBadQR = errors.New("receipt: not a receipt QR payload")

const qrVersion = "MC1"

// QRPayload is the text in the slip's QR code: fields separated by "|":
// MC1|code|procedure|ID|document|system|issued yyyyMMddHHmmss|due yyyyMMdd.
// The fields never contain "|" (codes, digits and fixed names).
func (r Receipt) QRPayload() string {
	due := ""
	if !r.Due.IsZero() {
		due = strings.ReplaceAll(r.Due.ISO(), "-", "")
	}
	return strings.Join([]string{
		qrVersion, r.Code, r.ProcedureCode, r.ApplicantID, DocumentName, System,
		r.ReceivedAt.In(vntime.Zone).Format("20060102150405"), due,
	}, "|")
}

// QRFields is a parsed QR payload.
type QRFields struct {
	Code, ProcedureCode, ApplicantID, Document, System string
	Issued                                             time.Time
	Due                                                cccd.Date
}

// ParseQR reads a payload written by QRPayload.
func ParseQR(s string) (QRFields, error) {
	p := strings.Split(s, "|")
	if len(p) != 8 || p[0] != qrVersion {
		return QRFields{}, ErrBadQR
	}
	f := QRFields{Code: p[1], ProcedureCode: p[2], ApplicantID: p[3], Document: p[4], System: p[5]}
	t, err := time.ParseInLocation("20060102150405", p[6], vntime.Zone)
	if err != nil {
		return QRFields{}, fmt.Errorf("%w: issue time", ErrBadQR)
	}
	f.Issued = t
	if p[7] != "" {
		if len(p[7]) != 8 {
			return QRFields{}, fmt.Errorf("%w: due date", ErrBadQR)
		}
		d, err := cccd.ParseISO(p[7][:4] + "-" + p[7][4:6] + "-" + p[7][6:])
		if err != nil || d.Partial() { // an appointment is a full date
			return QRFields{}, fmt.Errorf("%w: due date", ErrBadQR)
		}
		f.Due = d
	}
	return f, nil
}

// QRPNG returns the QR code as a PNG of size×size pixels, medium error
// correction (a slip may be creased).
func (r Receipt) QRPNG(size int) ([]byte, error) {
	return qrcode.Encode(r.QRPayload(), qrcode.Medium, size)
}

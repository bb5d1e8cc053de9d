package printout

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"motcua/kiosk/catalog"
	"motcua/kiosk/declaration"
	"motcua/kiosk/pdfdoc"
	"motcua/kiosk/printing"
	"motcua/kiosk/receipt"
	"motcua/offline/dossier"
	"motcua/offline/store"
)

// PartKey is the attachment key of the declaration part.
const PartKey = "to-khai"

// What names a document.
type What string

// The documents a dossier prints.
const (
	Receipt     What = "receipt"
	Declaration What = "declaration"
)

// ErrWhat reports a document name that is neither.
var ErrWhat = errors.New("printout: --what is receipt or declaration")

// ErrNoLayout reports a procedure whose declaration layout is missing.
var ErrNoLayout = errors.New("printout: the procedure has no declaration layout")

// ParseWhat reads "receipt", "declaration" or "both".
func ParseWhat(s string) ([]What, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "receipt", "bien-nhan":
		return []What{Receipt}, nil
	case "declaration", "to-khai":
		return []What{Declaration}, nil
	case "both", "all":
		return []What{Declaration, Receipt}, nil
	}
	return nil, fmt.Errorf("%w: %q", ErrWhat, s)
}

// Source renders a stored dossier's papers.
type Source struct {
	Store   *store.Store
	Catalog *catalog.Catalog
	Layouts *declaration.Layouts
	// AgencyName is the receiving office ("Kính gửi" fallback, receipt
	// header); Receiver signs the receipt (clerk ID or "Kiosk tự phục vụ
	// KIOSK-01").
	AgencyName, Receiver string
	// Paper is the receipt's paper (A4 default).
	Paper pdfdoc.Paper
	// Kept holds declarations rendered at filing time, for the print that
	// follows (nil: the store's copy only).
	Kept *Kept
}

// Kept keeps each new dossier's declaration in memory until it is printed
// or TTL passes. Under delete-on-receipt the store deletes the part as
// soon as the portal confirms the dossier, often while the citizen is
// still at the counter waiting for the paper; nothing is written to disk.
type Kept struct {
	TTL time.Duration // default 15 minutes
	Now func() time.Time

	mu sync.Mutex
	m  map[string]kept
}

type kept struct {
	pdf []byte
	at  time.Time
}

func (k *Kept) now() time.Time {
	if k.Now != nil {
		return k.Now()
	}
	return time.Now()
}

// Put keeps pdf for dossier id, and drops what has expired.
func (k *Kept) Put(id string, pdf []byte) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = map[string]kept{}
	}
	k.expire()
	k.m[id] = kept{pdf: pdf, at: k.now()}
}

// Take returns and forgets the declaration kept for id.
func (k *Kept) Take(id string) ([]byte, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.expire()
	e, ok := k.m[id]
	delete(k.m, id)
	return e.pdf, ok
}

// Len is how many declarations are kept.
func (k *Kept) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.expire()
	return len(k.m)
}

func (k *Kept) expire() {
	ttl := k.TTL
	if ttl <= 0 {
		ttl = 15 * time.Minute
	}
	for id, e := range k.m {
		if k.now().Sub(e.at) > ttl {
			delete(k.m, id)
		}
	}
}

// Part returns the declaration part Declare added to d, if any.
func Part(d *dossier.Dossier, files map[string][]byte) ([]byte, bool) {
	if a, ok := partEntry(d); ok {
		b, ok := files[a.SHA256]
		return b, ok
	}
	return nil, false
}

// partEntry is d's attachment entry of the declaration part, if any.
func partEntry(d *dossier.Dossier) (dossier.Attachment, bool) {
	for _, a := range d.Attachments {
		if a.Key == PartKey {
			return a, true
		}
	}
	return dossier.Attachment{}, false
}

// Declare renders the declaration of a dossier that is about to be filed
// and adds it as a part: an attachment entry in d and its bytes in files
// (keyed by SHA-256), as store.Enqueue takes them. A dossier that already
// has the part is left alone.
func Declare(d *dossier.Dossier, files map[string][]byte, c *catalog.Catalog, ls *declaration.Layouts, agency string) error {
	if _, ok := partEntry(d); ok {
		return nil
	}
	pdf, err := renderDeclaration(d, c, ls, agency)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(pdf)
	sha := hex.EncodeToString(sum[:])
	d.Attachments = append(d.Attachments, dossier.Attachment{Key: PartKey, Name: "to-khai.pdf", Type: "application/pdf", SHA256: sha, Size: int64(len(pdf))})
	files[sha] = pdf
	return nil
}

func renderDeclaration(d *dossier.Dossier, c *catalog.Catalog, ls *declaration.Layouts, agency string) ([]byte, error) {
	p, ok := c.Lookup(d.ProcedureCode)
	if !ok {
		return nil, fmt.Errorf("printout: procedure %s is not in the catalog", d.ProcedureCode)
	}
	l, ok := ls.Get(p.Slug)
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNoLayout, p.Slug)
	}
	return declaration.Render(d, p, l, declaration.Options{Recipient: agency})
}

// DeclarationPDF returns the dossier's declaration: the stored part when
// there is one (the very paper that was filed), else a fresh render. After
// retention has deleted the personal data it is store.ErrPurged.
func (s *Source) DeclarationPDF(id string, who store.Actor) ([]byte, error) {
	if s.Kept != nil {
		if b, ok := s.Kept.Take(id); ok {
			return b, nil
		}
	}
	d, err := s.Store.Dossier(id, who)
	if err != nil {
		return nil, err
	}
	if a, ok := partEntry(d); ok {
		if b, err := s.Store.Attachment(a.SHA256); err == nil {
			return b, nil
		}
	}
	return renderDeclaration(d, s.Catalog, s.Layouts, s.AgencyName)
}

// Receipt builds the receipt of a stored dossier from the store's receipt
// data (the portal's once filed) and the catalog's parts list.
func (s *Source) Receipt(id string, who store.Actor) (receipt.Receipt, error) {
	return s.receipt(id, nil, who)
}

func (s *Source) receipt(id string, hint *receipt.Receipt, who store.Actor) (receipt.Receipt, error) {
	rec, err := s.Store.Get(id)
	if err != nil {
		return receipt.Receipt{}, err
	}
	rc, err := s.Store.Receipt(id, who)
	if err != nil {
		return receipt.Receipt{}, err
	}
	r := receipt.Receipt{DossierID: id, Code: rc.Code, ProcedureCode: rc.ProcedureCode, ProcedureName: rc.ProcedureName,
		Agency: rc.Agency, AgencyName: s.AgencyName, ApplicantName: rc.Applicant, ReceivedAt: rc.ReceivedAt,
		Due: rc.AppointmentDate, ProcessingDays: rc.ProcessingDays, Receiver: s.Receiver}
	if r.Code == "" {
		r.Code, r.Local = rec.Code, rec.Code == ""
	}
	if r.Code == "" {
		// The code the session showed on screen (the store is opened
		// for the same kiosk as the session's queue).
		r.Code = store.LocalCode(s.Store.KioskID(), rec.ID, rec.CreatedAt)
	}
	if r.Receiver == "" {
		r.Receiver = rec.ClerkID
	}
	if rec.PersonalData {
		if d, err := s.Store.Dossier(id, who); err == nil {
			for _, a := range d.Applicants {
				if a.FullName == rc.Applicant && a.ID != "" {
					r.ApplicantID = a.ID
					break
				}
			}
		}
	}
	if r.ApplicantName == "" || !rec.PersonalData {
		// Personal data gone from the store: the session's own slip still
		// names the citizen at the counter; a later reprint shows the
		// masked ID only.
		r.ApplicantName, r.ApplicantID, r.NameDeleted = "", rec.MaskedID, !rec.PersonalData
		if hint != nil && hint.DossierID == id && hint.ApplicantName != "" {
			r.ApplicantName, r.ApplicantID, r.NameDeleted = hint.ApplicantName, hint.ApplicantID, false
		}
	}
	var proc *catalog.Procedure
	if s.Catalog != nil {
		proc, _ = s.Catalog.Lookup(rc.ProcedureCode)
	}
	for _, doc := range rc.Documents {
		pt := part(proc, doc.Key, doc.Name)
		pt.Pages = doc.Pages
		r.Parts = append(r.Parts, pt)
	}
	return r, nil
}

// part names a received document as the catalog does, with bản chính/bản
// sao and the count it asks for.
func part(p *catalog.Procedure, key, file string) receipt.Part {
	if key == PartKey {
		name := "Tờ khai"
		if p != nil && p.Form.VI != "" {
			name = p.Form.VI
		}
		return receipt.Part{Name: name, Original: true, Count: 1}
	}
	if p != nil {
		if a, ok := p.Attachment(key); ok {
			return receipt.Part{Name: a.Name.VI, Original: a.Original, Count: a.Count}
		}
	}
	return receipt.Part{Name: file, Count: 1}
}

// ReceiptPDF renders the receipt on the Source's paper.
func (s *Source) ReceiptPDF(id string, who store.Actor) ([]byte, error) {
	return s.receiptPDF(id, nil, who)
}

func (s *Source) receiptPDF(id string, hint *receipt.Receipt, who store.Actor) ([]byte, error) {
	r, err := s.receipt(id, hint, who)
	if err != nil {
		return nil, err
	}
	paper := s.Paper
	if paper == "" {
		paper = pdfdoc.A4
	}
	return r.PDF(paper)
}

// Docs returns the papers to print, in order, as print jobs titled
// without personal data (document kind and dossier ID).
func (s *Source) Docs(id string, what []What, who store.Actor) ([]printing.Doc, error) {
	return s.DocsFor(id, nil, what, who)
}

// DocsFor is Docs for the dossier the session just filed: hint, the
// session's own slip, names the citizen when the store has already
// deleted the personal data (delete-on-receipt).
func (s *Source) DocsFor(id string, hint *receipt.Receipt, what []What, who store.Actor) ([]printing.Doc, error) {
	var out []printing.Doc
	add := func(w What, docID string, b []byte, err error) error {
		if err != nil {
			return fmt.Errorf("printout: %s: %w", w, err)
		}
		out = append(out, printing.Doc{Title: string(w) + "-" + docID, PDF: b, Media: media(w, s.Paper, b)})
		return nil
	}
	for _, w := range what {
		switch w {
		case Declaration:
			// A bundle (liên thông) is one slip but one declaration per
			// dossier: the citizen signs each.
			for _, docID := range bundleIDs(id, hint) {
				b, err := s.DeclarationPDF(docID, who)
				if err := add(w, docID, b, err); err != nil {
					return nil, err
				}
			}
		case Receipt:
			b, err := s.receiptPDF(id, hint, who)
			if err := add(w, id, b, err); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("printout: %s: %w", w, ErrWhat)
		}
	}
	return out, nil
}

// bundleIDs is every dossier the slip hint lists (a bundle), else id alone.
func bundleIDs(id string, hint *receipt.Receipt) []string {
	var ids []string
	if hint != nil && hint.DossierID == id {
		for _, l := range hint.Linked {
			if l.DossierID != "" {
				ids = append(ids, l.DossierID)
			}
		}
	}
	if len(ids) == 0 {
		return []string{id}
	}
	return ids
}

func media(w What, paper pdfdoc.Paper, pdf []byte) string {
	if w == Declaration || paper == "" || paper == pdfdoc.A4 {
		return "A4"
	}
	if paper == pdfdoc.A5 {
		return "A5"
	}
	if w, h, ok := pdfdoc.PageSize(pdf); ok {
		return printing.Media(w, h)
	}
	return ""
}

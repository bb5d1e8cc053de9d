package session

import (
	"motcua/cardreader"
	"motcua/kiosk/catalog"
	"motcua/kiosk/receipt"
	"motcua/offline/dossier"
)

// buildReceipt writes the slip for what the queue filed: filed[i] answers
// ds[i], and there is at least one. A bundle (more than one dossier) names
// the bundle p and lists every dossier, due on the latest date. The slip
// names who handed the dossier in: the first card read (requester), else
// the first applicant.
func buildReceipt(p *catalog.Procedure, ds []dossier.Dossier, filed []Filed, components []string, requester *cardreader.Reading) *receipt.Receipt {
	f, d := filed[0], ds[0]
	r := &receipt.Receipt{
		DossierID: f.DossierID, Code: f.shownCode(), Local: !f.Synced || f.Code == "",
		ProcedureCode: d.ProcedureCode, ProcedureName: d.ProcedureName,
		Components: components, ReceivedAt: f.ReceivedAt, Due: f.Due,
	}
	if p != nil && len(ds) > 1 {
		r.ProcedureCode, r.ProcedureName = p.Ref(), p.Name.VI
		for i, lf := range filed {
			r.Linked = append(r.Linked, receipt.Linked{DossierID: lf.DossierID, Code: lf.shownCode(), ProcedureName: ds[i].ProcedureName, Local: !lf.Synced})
			r.Local = r.Local || !lf.Synced
			if r.Due.Before(lf.Due) {
				r.Due = lf.Due
			}
		}
	}
	if requester != nil {
		r.ApplicantName, r.ApplicantID = requester.Citizen.FullName, requester.Citizen.ID
	} else if len(d.Applicants) > 0 {
		r.ApplicantName, r.ApplicantID = d.Applicants[0].FullName, d.Applicants[0].ID
	}
	r.ApplicantAddress, r.AddressOnCard = receiptAddress(d, r.ApplicantID)
	return r
}

// shownCode is the code the slip prints: the portal's once it has the
// dossier, else the kiosk's local one.
func (f Filed) shownCode() string {
	if f.Synced && f.Code != "" {
		return f.Code
	}
	return f.LocalCode
}

// RefreshReceipt puts the portal's codes on a receipt made offline: once
// the sync worker has filed a dossier the slip showed with the kiosk's local
// code, the store record has the portal's code, and the receipt (and
// Filed) switch to it. It reports whether anything changed, and tells the
// listeners when it did. The screens call it from their refresh tick while
// the receipt is shown; it reads the store only while a code is missing.
func (s *Session) RefreshReceipt() bool {
	s.mu.Lock()
	r := s.receipt
	q := s.cfg.Queue
	s.mu.Unlock()
	if r == nil || !r.Local || q == nil || q.Store == nil {
		return false
	}
	codes := map[string]string{}
	look := func(id string) {
		if rec, err := q.Store.Get(id); err == nil && rec.Code != "" {
			codes[id] = rec.Code
		}
	}
	look(r.DossierID)
	for _, l := range r.Linked {
		if l.Local {
			look(l.DossierID)
		}
	}
	if len(codes) == 0 {
		return false
	}
	s.mu.Lock()
	if s.receipt != r { // the visit moved on meanwhile
		s.mu.Unlock()
		return false
	}
	c := *r
	c.Linked = append(c.Linked[:0:0], r.Linked...)
	if code, ok := codes[c.DossierID]; ok {
		c.Code = code
		s.filed.Code, s.filed.Synced = code, true
	}
	local := !s.filed.Synced
	for i := range c.Linked {
		l := &c.Linked[i]
		if code, ok := codes[l.DossierID]; ok && l.Local {
			l.Code, l.Local = code, false
		}
		local = local || l.Local
	}
	c.Local = local
	s.receipt = &c
	s.mu.Unlock()
	s.changed()
	return true
}

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

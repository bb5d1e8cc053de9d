package main

import (
	"context"
	"flag"
	"sync"

	kapp "motcua/kiosk/app"
	"motcua/kiosk/config"
	"motcua/kiosk/declaration"
	"motcua/kiosk/pdfdoc"
	"motcua/kiosk/printing"
	"motcua/kiosk/printout"
	"motcua/kiosk/receipt"
	"motcua/offline/store"
)

// printSource is the printout.Source of the configured kiosk: the store,
// the built-in catalog and form layouts (or SeedsDir's when asked), the
// receiving office and the receipt paper.
func printSource(cfg config.Config, st *store.Store, receiver, paper string) (*printout.Source, error) {
	cat, err := loadCatalog("")
	if err != nil {
		return nil, err
	}
	ls, err := declaration.EmbeddedLayouts(cat)
	if err != nil {
		return nil, err
	}
	if paper == "" {
		paper = cfg.ReceiptPaper
	}
	p, err := pdfdoc.ParsePaper(paper)
	if err != nil {
		return nil, err
	}
	return &printout.Source{Store: st, Catalog: cat, Layouts: ls, AgencyName: cfg.AgencyName, Receiver: receiver, Paper: p}, nil
}

// docFlags are the flags of the commands that write out a dossier's
// papers (print, render): which dossier, the receipt's paper and the clerk.
type docFlags struct {
	id, paper, clerk *string
}

func bindDocFlags(fs *flag.FlagSet) docFlags {
	return docFlags{
		id:    fs.String("dossier", "", "dossier ID (see 'kiosk queue list')"),
		paper: fs.String("paper", "", "receipt paper: A4, A5 or roll80 (default: the config's)"),
		clerk: clerkFlag(fs),
	}
}

// docs renders the papers ws of the dossier; purpose is what the store's
// access log records the clerk reading it for.
func (f docFlags) docs(cfg config.Config, st *store.Store, ws []printout.What, purpose string) ([]printing.Doc, error) {
	src, err := printSource(cfg, st, *f.clerk, *f.paper)
	if err != nil {
		return nil, err
	}
	return src.Docs(*f.id, ws, store.Actor{Clerk: *f.clerk, Purpose: purpose})
}

// kioskPrinter prints the app's papers. The form layouts are loaded and
// checked on the first print and reused by every later one (the catalog
// and the embedded layouts do not change while the app runs).
type kioskPrinter struct {
	ctx     context.Context
	k       *kapp.Kiosk
	layouts func() (*declaration.Layouts, error)
}

func newKioskPrinter(ctx context.Context, k *kapp.Kiosk) *kioskPrinter {
	return &kioskPrinter{ctx: ctx, k: k, layouts: sync.OnceValues(func() (*declaration.Layouts, error) {
		return declaration.EmbeddedLayouts(k.Catalog)
	})}
}

// printAction is the receipt screen's "In": it renders the papers of the
// dossier and spools them to the configured printer in the background.
// Counter mode prints the declaration and the receipt; self-service, the
// receipt.
func (p *kioskPrinter) printAction(slip receipt.Receipt, counter bool, update func(printing.Update)) {
	what := []printout.What{printout.Receipt}
	receiver := "Kiosk tự phục vụ " + p.k.Config.KioskID
	if counter {
		what = []printout.What{printout.Declaration, printout.Receipt}
		receiver = p.k.Session.Clerk()
	}
	go p.spoolDocs(slip, what, receiver, "in giấy tờ tại quầy", update)
}

// reprintAction is the counter panel's "In lại": the full receipt of a
// past dossier, rendered from the store like printAction's (code, parts,
// appointment, signature lines), signed by the clerk at the counter. The
// slip only carries the dossier ID and what the panel shows: once the
// store has deleted the personal data (delete-on-receipt) the receipt
// names the masked ID and says why.
func (p *kioskPrinter) reprintAction(slip receipt.Receipt, update func(printing.Update)) {
	go p.spoolDocs(slip, []printout.What{printout.Receipt}, p.k.Session.Clerk(), "in lại giấy tiếp nhận tại quầy", update)
}

// spoolDocs renders the papers what of the slip's dossier from the store
// and sends them to the configured printer, reporting to update.
func (p *kioskPrinter) spoolDocs(slip receipt.Receipt, what []printout.What, receiver, purpose string, update func(printing.Update)) {
	k := p.k
	c := k.Config
	ls, err := p.layouts()
	var docs []printing.Doc
	if err == nil {
		src := &printout.Source{Store: k.Store, Catalog: k.Catalog, Layouts: ls, AgencyName: c.AgencyName,
			Receiver: receiver, Paper: c.ReceiptPaper, Kept: k.Kept}
		docs, err = src.DocsFor(slip.DossierID, &slip, what, store.Actor{Clerk: k.Session.Clerk(), Purpose: purpose})
	}
	if err != nil {
		update(printing.Update{Title: string(what[0]) + "-" + slip.DossierID, Err: err, Done: true})
		return
	}
	(&printing.Spooler{Printer: c.Printer}).Print(p.ctx, docs, update)
}

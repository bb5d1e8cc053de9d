package main

import (
	"context"
	"log/slog"

	"motcua/kiosk/catalog"
	"motcua/kiosk/config"
	"motcua/kiosk/declaration"
	"motcua/kiosk/pdfdoc"
	"motcua/kiosk/printing"
	"motcua/kiosk/printout"
	"motcua/kiosk/receipt"
	"motcua/kiosk/session"
	"motcua/offline/dossier"
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

// declarePart is the queue's Prepare hook: it attaches the filled
// declaration to each dossier filed from the app, and keeps a copy in
// memory (kept) for the print that follows. Nil (no hook) when the
// layouts do not load, which the tests of kiosk/declaration rule out.
func declarePart(cat *catalog.Catalog, cfg config.Config, kept *printout.Kept) func(*dossier.Dossier, map[string][]byte) error {
	ls, err := declaration.EmbeddedLayouts(cat)
	if err != nil {
		slog.Error("declaration layouts", "err", err)
		return nil
	}
	return func(d *dossier.Dossier, files map[string][]byte) error {
		if err := printout.Declare(d, files, cat, ls, cfg.AgencyName); err != nil {
			return err
		}
		if b, ok := printout.Part(d, files); ok {
			kept.Put(d.ID, b)
		}
		return nil
	}
}

// printAction is the receipt screen's "In": it renders the papers of the
// dossier and spools them to the configured printer in the background.
// Counter mode prints the declaration and the receipt; self-service, the
// receipt.
func printAction(ctx context.Context, cfg config.Config, st *store.Store, s *session.Session, kept *printout.Kept) func(receipt.Receipt, bool, func(printing.Update)) {
	return func(slip receipt.Receipt, counter bool, update func(printing.Update)) {
		what := []printout.What{printout.Receipt}
		receiver := "Kiosk tự phục vụ " + cfg.KioskID
		if counter {
			what = []printout.What{printout.Declaration, printout.Receipt}
			receiver = s.Clerk()
		}
		go func() {
			src, err := printSource(cfg, st, receiver, "")
			var docs []printing.Doc
			if err == nil {
				src.Kept = kept
				docs, err = src.DocsFor(slip.DossierID, &slip, what, store.Actor{Clerk: s.Clerk(), Purpose: "in giấy tờ tại quầy"})
			}
			if err != nil {
				update(printing.Update{Title: string(what[0]) + "-" + slip.DossierID, Err: err, Done: true})
				return
			}
			(&printing.Spooler{Printer: cfg.Printer}).Print(ctx, docs, update)
		}()
	}
}

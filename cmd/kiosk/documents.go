package main

import (
	"motcua/kiosk/config"
	"motcua/kiosk/declaration"
	"motcua/kiosk/pdfdoc"
	"motcua/kiosk/printout"
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

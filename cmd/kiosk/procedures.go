package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"

	"motcua/kiosk/catalog"
	"motcua/kiosk/form"
)

// proceduresCommand is "kiosk procedures"; main.go lists it.
var proceduresCommand = &command{name: "procedures", summary: "list the procedure catalog (--json for machines)", run: runProcedures}

// procedureInfo is one line of `kiosk procedures --json`.
type procedureInfo struct {
	Slug           string       `json:"slug"`
	Code           string       `json:"code"` // "" when no national code is known
	CodeStatus     string       `json:"codeStatus"`
	Kind           string       `json:"kind"`
	Name           catalog.Text `json:"name"`
	Domain         string       `json:"domain"`
	DomainName     catalog.Text `json:"domainName"`
	Level          string       `json:"level"`
	Fields         int          `json:"fields"`     // value fields (bundles: all steps)
	CardFields     int          `json:"cardFields"` // of which a card can fill
	Attachments    int          `json:"attachments"`
	ProcessingDays int          `json:"processingDays"`
	FeeVND         int          `json:"feeVND"`
	Steps          []string     `json:"steps,omitempty"`
	Form           catalog.Text `json:"form,omitempty"`
}

func runProcedures(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("procedures", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	dir := fs.String("catalog", "", "load the catalog from this directory instead of the built-in one")
	lang := fs.String("lang", "vi", "language of the table: vi or en")
	query := fs.String("search", "", "only procedures matching these words (diacritics optional)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	cat, err := loadCatalog(*dir)
	if err != nil {
		return err
	}
	list := cat.Search(*query)
	infos := make([]procedureInfo, 0, len(list))
	for _, p := range list {
		infos = append(infos, describe(cat, p))
	}
	if *asJSON {
		return writeJSON(e.stdout, infos)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tSLUG\tDOMAIN\tFIELDS\tCARD\tDAYS\tNAME")
	for _, in := range infos {
		code := in.Code
		if code == "" {
			code = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\n", code, in.Slug, in.DomainName.In(*lang), in.Fields, in.CardFields, in.ProcessingDays, in.Name.In(*lang))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d entries\n", len(infos))
	return nil
}

// loadCatalog loads the catalog from dir, or the embedded one when dir is "".
func loadCatalog(dir string) (*catalog.Catalog, error) {
	if dir == "" {
		return catalog.Embedded(form.Types)
	}
	return catalog.LoadDir(dir, form.Types)
}

// findProcedure loads the catalog (the built-in one when dir is "") and looks
// up a procedure by slug or national code.
func findProcedure(dir, ref string) (*catalog.Catalog, *catalog.Procedure, error) {
	cat, err := loadCatalog(dir)
	if err != nil {
		return nil, nil, err
	}
	p, ok := cat.Lookup(ref)
	if !ok {
		return nil, nil, fmt.Errorf("no procedure %q (see 'kiosk procedures')", ref)
	}
	return cat, p, nil
}

func describe(cat *catalog.Catalog, p *catalog.Procedure) procedureInfo {
	in := procedureInfo{
		Slug: p.Slug, Code: p.Code, CodeStatus: string(p.CodeStatus), Kind: string(p.Kind), Name: p.Name,
		Domain: string(p.Domain), DomainName: catalog.DomainNames[p.Domain], Level: string(p.Level),
		Attachments: len(p.Attachments), ProcessingDays: p.Days, FeeVND: p.Fee.AmountVND, Form: p.Form,
	}
	n := p.Count()
	for _, s := range p.Steps {
		in.Steps = append(in.Steps, s.Procedure)
		if sp, ok := cat.Lookup(s.Procedure); ok {
			c := sp.Count()
			n.Fields += c.Fields
			n.Card += c.Card
			in.Attachments += len(sp.Attachments)
		}
	}
	in.Fields, in.CardFields = n.Fields, n.Card
	return in
}

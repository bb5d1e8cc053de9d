package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"motcua/cardreader"
	"motcua/cardreader/simreader"
	"motcua/kiosk/address"
	"motcua/kiosk/catalog"
	"motcua/kiosk/config"
	"motcua/kiosk/form"
	"motcua/offline/dossier"
)

// prefillCommand is "kiosk prefill"; main.go lists it.
var prefillCommand = &command{name: "prefill", summary: "prefill a procedure's form from card fixtures and show what is missing", run: runPrefill}

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

// prefillOutput is what `kiosk prefill --json` prints.
type prefillOutput struct {
	Procedure procedureRef   `json:"procedure"`
	Cards     []cardOut      `json:"cards"`
	Values    []valueOut     `json:"values"`
	Missing   []form.Missing `json:"missing"`
	Metrics   form.Metrics   `json:"metrics"`
	Steps     []stepOut      `json:"steps,omitempty"` // bundles: one per step
}

type procedureRef struct {
	Slug string       `json:"slug"`
	Code string       `json:"code,omitempty"`
	Name catalog.Text `json:"name"`
}

type stepOut struct {
	Procedure procedureRef   `json:"procedure"`
	Values    []valueOut     `json:"values"`
	Missing   []form.Missing `json:"missing"`
	Metrics   form.Metrics   `json:"metrics"`
}

type cardOut struct {
	Path         string               `json:"path"` // the person block or row the card filled
	Source       string               `json:"source"`
	Verified     bool                 `json:"verified"`
	Verification dossier.Verification `json:"verification"`
}

type valueOut struct {
	Path       string          `json:"path"`
	Value      string          `json:"value"`
	Provenance string          `json:"provenance"`
	Locked     form.LockReason `json:"locked,omitempty"`
	Carried    bool            `json:"carried,omitempty"`
	// Address says how a card address was converted to the units after
	// 1 July 2025 (the card's text, the rule, the candidates).
	Address *address.Result `json:"address,omitempty"`
}

func runPrefill(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("prefill", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	proc := fs.String("procedure", "", "procedure or bundle: national code (1.004222) or slug (thuong-tru)")
	var sims, readings listFlag
	fs.Var(&sims, "sim", "virtual card fixture (seeds/cards/NAME.json); repeat for more people; BLOCK=FILE picks the block")
	fs.Var(&readings, "reading", "a saved cardreader.Reading JSON (e.g. from 'kiosk read --json'); repeatable; BLOCK=FILE allowed")
	asJSON := fs.Bool("json", false, "print JSON")
	lang := fs.String("lang", "vi", "language of labels: vi or en")
	dir := fs.String("catalog", "", "load the catalog from this directory instead of the built-in one")
	agency := fs.String("agency", config.Default().AgencyName, "receiving agency written into the form (Kính gửi)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *proc == "" || fs.NArg() > 0 {
		fmt.Fprintln(e.stderr, "usage: kiosk prefill --procedure CODE --sim seeds/cards/NAME.json [--sim SECOND.json] [--json]")
		return errUsage
	}
	cat, p, err := findProcedure(*dir, *proc)
	if err != nil {
		return err
	}
	type placed struct {
		block string
		rd    *cardreader.Reading
	}
	var cards []placed
	for _, s := range sims {
		block, file := splitTarget(s)
		rd, err := prefillSim(ctx, file)
		if err != nil {
			return err
		}
		cards = append(cards, placed{block, rd})
	}
	for _, s := range readings {
		block, file := splitTarget(s)
		rd, err := readReadingFile(file)
		if err != nil {
			return err
		}
		cards = append(cards, placed{block, rd})
	}
	opts := form.Options{Agency: *agency}

	var out prefillOutput
	out.Procedure = refOf(p)
	// A procedure is an intake of one step; the cards go to the first.
	in, err := form.NewIntake(cat, p, opts)
	if err != nil {
		return err
	}
	first := in.Steps()[0]
	for i, c := range cards {
		var at string
		var err error
		if c.block != "" {
			at, err = first.ApplyCard(c.block, c.rd)
		} else {
			at, err = first.PlaceCard(c.rd)
		}
		if err != nil {
			return fmt.Errorf("card %d: %w", i+1, err)
		}
		info, _ := first.Card(at)
		out.Cards = append(out.Cards, cardOut{Path: at, Source: string(info.Source), Verified: info.Verified, Verification: info.Verification})
	}
	if !in.Bundled() {
		out.Values, out.Missing, out.Metrics = values(first), nonNil(first.Missing()), first.Metrics()
	} else {
		in.Flow()
		for _, f := range in.Steps() {
			st := stepOut{Procedure: refOf(f.Procedure()), Values: values(f), Missing: nonNil(f.Missing()), Metrics: f.Metrics()}
			out.Steps = append(out.Steps, st)
			out.Metrics = out.Metrics.Add(st.Metrics)
			for _, v := range st.Values {
				v.Path = in.Path(f, v.Path)
				out.Values = append(out.Values, v)
			}
		}
		out.Missing = nonNil(in.Missing())
	}
	if out.Cards == nil {
		out.Cards = []cardOut{}
	}
	if *asJSON {
		return writeJSON(e.stdout, out)
	}
	return printPrefill(e.stdout, &out, *lang)
}

// splitTarget reads "BLOCK=FILE"; a plain FILE has no block.
func splitTarget(s string) (block, file string) {
	if b, f, ok := strings.Cut(s, "="); ok && b != "" && !strings.ContainsAny(b, "/.") {
		return b, f
	}
	return "", s
}

func readReadingFile(path string) (*cardreader.Reading, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rd cardreader.Reading
	dec := json.NewDecoder(io.LimitReader(f, 1<<20))
	if err := dec.Decode(&rd); err != nil {
		return nil, fmt.Errorf("%s: not a Reading: %w", path, errors.Unwrap(err))
	}
	rd.Citizen.Normalize()
	return &rd, nil
}

func refOf(p *catalog.Procedure) procedureRef {
	return procedureRef{Slug: p.Slug, Code: p.Code, Name: p.Name}
}

func values(f *form.Form) []valueOut {
	out := []valueOut{}
	for _, s := range f.Fields() {
		if s.Value.Value == "" {
			continue
		}
		out = append(out, valueOut{Path: s.Path, Value: s.Value.Value, Provenance: string(s.Value.Provenance), Locked: s.Value.Locked, Carried: s.Value.Carried, Address: s.Value.Address})
	}
	return out
}

func nonNil(m []form.Missing) []form.Missing {
	if m == nil {
		return []form.Missing{}
	}
	return m
}

func printPrefill(w io.Writer, out *prefillOutput, lang string) error {
	fmt.Fprintf(w, "%s  %s\n", orDash(out.Procedure.Code), out.Procedure.Name.In(lang))
	for _, c := range out.Cards {
		fmt.Fprintf(w, "card → %s (%s, verified=%v, passive=%s)\n", c.Path, c.Source, c.Verified, c.Verification.Passive)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nFIELD\tPROVENANCE\tLOCK\tVALUE")
	for _, v := range out.Values {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", v.Path, v.Provenance, v.Locked, v.Value)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nMissing (%d):\n", len(out.Missing))
	for _, m := range out.Missing {
		fmt.Fprintf(w, "  %s — %s\n", m.Path, m.Label.In(lang))
	}
	m := out.Metrics
	fmt.Fprintf(w, "\nfieldsTotal=%d prefilled=%d (%.0f%%) typed=%d identityTyped=%d missing=%d\n",
		m.FieldsTotal, m.Prefilled, 100*m.Share(), m.Typed, m.IdentityTyped, m.Missing)
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// prefillSim reads a virtual card fixture through the in-process virtual chip,
// with passive authentication against the test PKI found beside it.
func prefillSim(ctx context.Context, path string) (*cardreader.Reading, error) {
	rd, err := simreader.ReadFile(ctx, path, simreader.Options{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rd, nil
}

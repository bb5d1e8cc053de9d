package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"motcua/kiosk/address"
)

// addressCommand is "kiosk address convert"; main.go lists it.
var addressCommand = &command{name: "address", summary: "convert an address to the units after 1 July 2025 ('address convert TEXT --json', '--stdin')", run: runAddress}

func runAddress(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "convert" {
		fmt.Fprintln(e.stderr, "Usage: kiosk address convert [--json] [--stdin] [TEXT]")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			return flag.ErrHelp
		}
		return errUsage
	}
	fs := flag.NewFlagSet("address convert", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	asJSON := fs.Bool("json", false, "print the parse, the result, the candidates and the provenance as JSON")
	stdin := fs.Bool("stdin", false, "read one address per line from standard input; print one result per line, in order")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: kiosk address convert [--json] [--stdin] [TEXT]")
		fs.PrintDefaults()
	}
	// Flags may come before or after the text.
	var texts []string
	rest := args[1:]
	for {
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		texts = append(texts, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if *stdin == (len(texts) > 0) || len(texts) > 1 {
		fs.Usage()
		return errUsage
	}
	tb, err := address.Default()
	if err != nil {
		return err
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	emit := func(r address.Result) error {
		if *asJSON {
			return enc.Encode(r)
		}
		return printAddress(e.stdout, r)
	}
	if !*stdin {
		return emit(tb.Convert(texts[0]))
	}
	in := e.stdin
	if in == nil {
		in = os.Stdin
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := emit(tb.Convert(strings.TrimRight(sc.Text(), "\r"))); err != nil {
			return err
		}
	}
	return sc.Err()
}

// printAddress writes one result for people: the address to use, then how.
func printAddress(w io.Writer, r address.Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\t[%s, %s]\n", r.Text, r.Status, r.Rule)
	if r.Status == address.Converted {
		fmt.Fprintf(&b, "  trên thẻ / on the card: %s\n", r.Card)
	}
	for i, c := range r.Candidates {
		fmt.Fprintf(&b, "  %d. %s, %s (%s)\n", i+1, c.Name, c.Province.Name, c.ID)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

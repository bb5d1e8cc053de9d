package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"

	"motcua/cardreader/pcsc"
)

// readersCommand is "kiosk readers"; main.go lists it.
var readersCommand = &command{name: "readers", summary: "list PC/SC card readers and whether a card is in each (--watch for events)", run: runReaders}

func runReaders(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("readers", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	asJSON := fs.Bool("json", false, "print the list as JSON")
	watch := fs.Bool("watch", false, "after the list, print card and reader events until interrupted")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "kiosk readers: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	c, err := pcsc.NewClient()
	if err != nil {
		return readerHint(err)
	}
	readers, err := c.Readers()
	c.Close()
	if err != nil {
		return readerHint(err)
	}
	if *asJSON {
		if readers == nil {
			readers = []pcsc.Reader{}
		}
		if err := writeJSON(e.stdout, readers); err != nil {
			return err
		}
	} else {
		if len(readers) == 0 {
			fmt.Fprintln(e.stdout, "no card reader found")
		}
		for _, r := range readers {
			state := "empty"
			switch {
			case r.Mute:
				state = "card not responding"
			case r.CardPresent && r.InUse:
				state = "card (in use by another program)"
			case r.CardPresent:
				state = "card present, ATR " + r.ATR.String()
			}
			kind := "contact"
			if r.Contactless {
				kind = "contactless"
			}
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", r.Name, kind, state)
		}
	}
	if !*watch {
		return nil
	}
	for ev := range pcsc.Watch(ctx) {
		line := ev.Kind.String()
		if ev.Reader != "" {
			line = ev.Reader + "\t" + line
		}
		if len(ev.ATR) > 0 {
			line += "\tATR " + hex.EncodeToString(ev.ATR)
		}
		fmt.Fprintln(e.stdout, line)
	}
	return nil
}

// readerHint adds what to do to a PC/SC failure.
func readerHint(err error) error {
	switch {
	case errors.Is(err, pcsc.ErrServiceNotRunning):
		return fmt.Errorf("%w; start it with: sudo pcscd -f &  (Debian: apt-get install pcscd)", err)
	case errors.Is(err, pcsc.ErrNoReader):
		return fmt.Errorf("%w; plug in a reader (ACR122U, ACR1252U or any CCID reader), or run cardsim for the virtual one", err)
	case errors.Is(err, pcsc.ErrSharingViolation):
		return fmt.Errorf("%w; close the other program that is reading the card", err)
	}
	return err
}

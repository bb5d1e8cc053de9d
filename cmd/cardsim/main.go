// Command cardsim serves a virtual CCCD chip to pcscd through the
// vsmartcard vpcd driver, so any PC/SC program (the kiosk included) reads it
// as if it were a card on a real reader.
//
//	cardsim --card seeds/cards/nguyen-van-an.json [--vpcd 127.0.0.1:35963]
//
// It keeps dialing until pcscd is there and redials when pcscd restarts.
// Commands on standard input script insert → read → remove cycles:
//
//	insert FILE   put the fixture FILE in the reader (replacing any card)
//	remove        take the card out
//	status        print "inserted NAME" or "empty"
//	quit          stop
//
// Each command answers with one line ("inserted NAME", "removed", "error:
// …"). The end of standard input is not a quit: `cardsim --card X &` keeps
// serving until interrupted. Ctrl-C (or SIGTERM) stops cleanly.
//
// With --write-qr DIR it instead writes, for every fixture given with --card
// or found in --cards, the card's printed QR code as DIR/NAME.png.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"motcua/cardreader/vpcd"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return // --help asked for the usage, which is printed: success
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cardsim:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cardsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	card := fs.String("card", "", "fixture `FILE` to insert at start (seeds/cards/NAME.json); none: start empty")
	addr := fs.String("vpcd", vpcd.DefaultAddr, "vpcd `address` of the virtual reader (35963: \"Virtual PCD 00 00\", 35964: \"00 01\")")
	pkiDir := fs.String("pki", "", "test PKI `DIR` that signs the fixtures (default: seeds/pki next to the fixture's seeds/cards)")
	writeQR := fs.String("write-qr", "", "write each fixture's QR code PNG into `DIR` and exit")
	cards := fs.String("cards", "seeds/cards", "fixture `DIR` for --write-qr when no --card is given")
	verbose := fs.Bool("v", false, "log connection events to stderr")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *writeQR != "" {
		files := []string{*card}
		if *card == "" {
			var err error
			if files, err = filepath.Glob(filepath.Join(*cards, "*.json")); err != nil {
				return err
			}
		}
		return writeQRs(files, *writeQR, stdout)
	}

	cl := vpcd.New(*addr)
	if *verbose {
		cl.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	}
	sim := &sim{client: cl, pki: *pkiDir, out: stdout}
	if *card != "" {
		if err := sim.insert(*card); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go sim.commands(stdin, cancel)
	fmt.Fprintf(stdout, "serving on %s\n", cl.Addr())
	return cl.Run(ctx)
}

// sim is the scriptable state: which fixture is in the reader.
type sim struct {
	client *vpcd.Client
	pki    string
	out    io.Writer

	mu   sync.Mutex
	name string
}

func (s *sim) say(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.out, format+"\n", args...)
}

func (s *sim) insert(path string) error {
	card, name, err := loadCard(path, s.pki)
	if err != nil {
		return err
	}
	s.client.Swap(card)
	s.mu.Lock()
	s.name = name
	s.mu.Unlock()
	s.say("inserted %s", name)
	return nil
}

// commands reads the script on stdin until quit; EOF just stops reading.
func (s *sim) commands(in io.Reader, quit func()) {
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		cmd, arg, _ := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		arg = strings.TrimSpace(arg)
		switch cmd {
		case "":
		case "insert", "swap":
			if arg == "" {
				s.say("error: insert needs a fixture file")
				continue
			}
			if err := s.insert(arg); err != nil {
				s.say("error: %v", err)
			}
		case "remove":
			s.client.Remove()
			s.mu.Lock()
			s.name = ""
			s.mu.Unlock()
			s.say("removed")
		case "status":
			if s.client.Card() == nil {
				s.say("empty")
			} else {
				s.mu.Lock()
				name := s.name
				s.mu.Unlock()
				s.say("inserted %s", name)
			}
		case "quit", "exit":
			s.say("bye")
			quit()
			return
		default:
			s.say("error: unknown command %q (insert FILE, remove, status, quit)", cmd)
		}
	}
}

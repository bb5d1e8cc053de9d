// Command kiosk is the one-stop-shop counter kiosk: with no subcommand it
// opens the Fyne app; subcommands read cards, list procedures, manage the
// offline queue and sync it to the portal.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // Asia/Ho_Chi_Minh even on a machine without a zone database
)

// command is one subcommand. Each lives in its own file as a variable and
// is listed in commands below: the list is the whole command set, read in
// one place, with no init-time registration.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what a subcommand runs with.
type env struct {
	stdout, stderr io.Writer
	stdin          io.Reader // nil means os.Stdin
}

// commands is every subcommand, in the order usage lists them. Add a new
// one here (its file defines the variable); TestCommands refuses duplicate
// names.
var commands = []*command{
	guiCommand,
	sessionCommand,
	readCommand,
	readersCommand,
	trustCommand,
	proceduresCommand,
	prefillCommand,
	submitCommand,
	queueCommand,
	syncCommand,
	auditCommand,
	initCommand,
	backupCommand,
	restoreCommand,
	printCommand,
	scanCommand,
	renderCommand,
	addressCommand,
	screenshotsCommand,
	soakCommand,
	versionCommand,
}

// lookup finds a subcommand by name.
func lookup(name string) (*command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return nil, false
}

// errUsage makes main exit 2 after the subcommand printed its usage.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], &env{stdout: os.Stdout, stderr: os.Stderr})
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, e *env) int {
	name, named := "gui", false
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		name, args, named = args[0], args[1:], true
	}
	// "kiosk --help" lists the commands; "kiosk gui --help" shows the app's flags.
	if name == "help" || (!named && len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help")) {
		usage(e.stdout)
		return 0
	}
	c, ok := lookup(name)
	if !ok {
		fmt.Fprintf(e.stderr, "kiosk: unknown command %q\n\n", name)
		usage(e.stderr)
		return 2
	}
	err := c.run(ctx, e, args)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintf(e.stderr, "kiosk %s: %v\n", name, err)
	var ec interface{ ExitCode() int }
	if errors.As(err, &ec) {
		return ec.ExitCode()
	}
	return 1
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: kiosk [command] [flags]")
	fmt.Fprintln(w, "\nWith no command the kiosk app opens (same as 'kiosk gui').\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'kiosk COMMAND --help' for a command's flags.")
}

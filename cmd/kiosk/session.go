package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// systemConfig is the config file the Debian package installs (a conffile,
// mode 0600, owned by the kiosk account).
const systemConfig = "/etc/motcua/config.json"

// sessionCommand is "kiosk session"; main.go lists it.
var sessionCommand = &command{name: "session", summary: "open the app with the installed config " + systemConfig + " (the menu entry and login autostart use it)", run: runSession}

// runSession opens the app on the installed config. The package's XDG
// autostart entry runs "kiosk session --autostart" for every user who logs
// in; only the kiosk account, the owner of the config file, gets the app, and
// everyone else (an administrator at the same PC) gets their desktop.
func runSession(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("session", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	path := fs.String("config", systemConfig, "config file")
	autostart := fs.Bool("autostart", false, "started at login: do nothing unless this user owns the config file")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: kiosk session [--autostart] [--config FILE] [-- GUI FLAGS]\n\nOpens the kiosk app on the installed config. Flags after -- go to 'kiosk gui'.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *autostart {
		if ok, why := sessionOwner(*path, os.Getuid()); !ok {
			fmt.Fprintf(e.stderr, "kiosk session: %s; not starting the kiosk for this user\n", why)
			return nil
		}
	}
	return runGUI(ctx, e, append([]string{"--config", *path}, fs.Args()...))
}

// sessionOwner reports whether uid is the kiosk account for the config at
// path (its owner), and if not, why.
func sessionOwner(path string, uid int) (bool, string) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, path + " does not exist"
	}
	if err != nil {
		return false, err.Error()
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return false, "cannot tell the owner of " + path
	}
	if int(sys.Uid) != uid {
		return false, fmt.Sprintf("%s belongs to uid %d, this is uid %d", path, sys.Uid, uid)
	}
	return true, ""
}

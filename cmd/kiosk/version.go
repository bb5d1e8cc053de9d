package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
)

// Set at link time by the Makefile:
//
//	-ldflags "-X main.version=1.2.0 -X main.commit=abc123 -X main.buildDate=2026-12-02T12:00:00Z"
//
// A plain `go build` leaves them empty; buildInfo then falls back to what the
// Go toolchain recorded (module version, VCS revision and time).
var version, commit, buildDate string

// versionInfo is what `kiosk version --json` prints.
type versionInfo struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	BuildDate string `json:"buildDate"`
	Go        string `json:"go"`
	Modified  bool   `json:"modified,omitempty"` // built from a tree with uncommitted changes
}

func buildInfo() versionInfo {
	v := versionInfo{Version: version, Commit: commit, BuildDate: buildDate, Go: runtime.Version()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if v.Commit == "" {
					v.Commit = s.Value
				}
			case "vcs.time":
				if v.BuildDate == "" {
					v.BuildDate = s.Value
				}
			case "vcs.modified":
				v.Modified = s.Value == "true"
			}
		}
	}
	if v.Version == "" {
		v.Version = "devel"
	}
	return v
}

// versionCommand is "kiosk version"; main.go lists it.
var versionCommand = &command{name: "version", summary: "print the build version (--json: version, commit, build date)", run: runVersion}

func runVersion(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	asJSON := fs.Bool("json", false, "print version, commit and build date as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "kiosk version: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	v := buildInfo()
	if *asJSON {
		return writeJSON(e.stdout, v)
	}
	line := "kiosk " + v.Version
	if v.Commit != "" {
		line += " (" + shortCommit(v.Commit)
		if v.Modified {
			line += "+changes"
		}
		line += ")"
	}
	if v.BuildDate != "" {
		line += " built " + v.BuildDate
	}
	fmt.Fprintln(e.stdout, line, v.Go)
	return nil
}

func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

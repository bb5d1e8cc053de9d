package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

// versionCommand is "kiosk version"; main.go lists it.
var versionCommand = &command{name: "version", summary: "print the build version", run: func(ctx context.Context, e *env, args []string) error {
	v := "devel"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		v = bi.Main.Version
	}
	fmt.Fprintln(e.stdout, "kiosk", v)
	return nil
}}

package main

import (
	"strings"

	"motcua/kiosk/config"
	"motcua/kiosk/i18n"
)

// windowTitle is the app's title, saying which reader the app uses when it
// is not the production one: a development kiosk must never pass for a
// real counter.
func windowTitle(text *i18n.Bundle, cfg config.Config) string {
	title := text.T("app.title")
	switch {
	case cfg.UsesSimulatedReader():
		return title + " — " + text.T("profile.sim-reader")
	case cfg.Profile != config.Production:
		return title + " — " + text.T("profile.pcsc-reader") + " " + pcscName(cfg.Reader) + " (" + text.T("profile.development") + ")"
	}
	return title
}

// readerLabel names the reader for the log: "sim (virtual card)" or
// "pcsc:NAME" / "pcsc (first contactless reader)".
func readerLabel(cfg config.Config) string {
	if cfg.UsesSimulatedReader() {
		return "sim (virtual card, development)"
	}
	if n := pcscName(cfg.Reader); n != "" {
		return "pcsc:" + n
	}
	return "pcsc (first contactless reader)"
}

func pcscName(reader string) string {
	return strings.TrimPrefix(strings.TrimPrefix(reader, "pcsc"), ":")
}

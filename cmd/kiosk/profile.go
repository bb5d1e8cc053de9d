package main

import (
	kapp "motcua/kiosk/app"
	"motcua/kiosk/config"
	"motcua/kiosk/i18n"
)

// windowTitle is the app's title, saying which reader the app uses when it
// is not the production one: a development kiosk must never pass for a
// real counter.
func windowTitle(text *i18n.Bundle, cfg kapp.Config) string {
	title := text.T("app.title")
	switch {
	case cfg.Reader.Kind == kapp.ReaderSim:
		return title + " — " + text.T("profile.sim-reader")
	case cfg.Profile != config.Production:
		return title + " — " + text.T("profile.pcsc-reader") + " " + cfg.Reader.Name + " (" + text.T("profile.development") + ")"
	}
	return title
}

// readerLabel names the reader for the log: "sim (virtual card)" or
// "pcsc:NAME" / "pcsc (first contactless reader)".
func readerLabel(cfg kapp.Config) string {
	if cfg.Reader.Kind == kapp.ReaderSim {
		return "sim (virtual card, development)"
	}
	if cfg.Reader.Name != "" {
		return "pcsc:" + cfg.Reader.Name
	}
	return "pcsc (first contactless reader)"
}

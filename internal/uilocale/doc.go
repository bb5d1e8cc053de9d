// Package uilocale keeps Fyne quiet about the POSIX locale.
//
// Fyne's lang package reads the user's locale while it initialises, from
// LC_ALL, LC_MESSAGES or LANG, and logs three "Error parsing user locale C"
// lines to stderr for a value such as "C.UTF-8" or "POSIX.utf8", the default
// of containers, systemd services and many minimal installs. That noise
// landed before the output of every kiosk subcommand.
//
// Importing this package for its side effect (import _ "motcua/internal/uilocale")
// sets LANGUAGE=en when the locale in effect is the POSIX one and LANGUAGE is
// unset: Fyne then reads "en". LANGUAGE only orders gettext message catalogues
// and is ignored while the locale is C, so programs the kiosk starts (lp,
// scanimage) behave exactly as before. The import must sit in package main;
// Go initialises this package (it needs only os and strings) before
// fyne.io/fyne/v2/lang, which needs text/template, a package that sorts after
// "motcua" and so waits for this one.
package uilocale

// Package i18n loads the kiosk's translation files and looks messages up in
// the current language: Vietnamese by default, English on a switch. Missing
// English text falls back to Vietnamese; a missing key shows the key itself,
// so a gap is visible rather than blank.
package i18n

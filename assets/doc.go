// Package assets embeds what the kiosk ships inside its binary: the
// translation files (i18n/vi.json, i18n/en.json) and the icons.
package assets

// Package ui is the kiosk's Fyne screens: one window whose content follows a
// session.Session through the citizen's journey, in counter mode (keyboard
// first, today's dossiers, clerk sign-in) or self-service mode (touch,
// fullscreen, high contrast, idle wipe, on-screen Telex keyboard). It imports
// Fyne widgets but never fyne.io/fyne/v2/app, so its tests run headless.
package ui

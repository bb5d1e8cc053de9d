// Package app builds the kiosk from a typed, validated Config: the
// encrypted store (with its retention rule), the portal client and sync
// worker, the catalog, the card source, the queue and the session. The GUI,
// the demo, soak, screenshots and the session test rig all build through
// it, so a setting read from the config file reaches every part the same
// way. It never imports fyne.io/fyne/v2/app: cmd/kiosk opens the window.
package app

// Package kiosk turns a card Reading into a dossier: the procedure catalog and
// form engine, the UI-free session state machine for one citizen's visit, and
// the Fyne screens. Sub-packages do one job each; UI packages import Fyne
// widgets but never fyne.io/fyne/v2/app, so they test headless.
package kiosk

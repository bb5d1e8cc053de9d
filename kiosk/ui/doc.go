// Package ui is the kiosk's Fyne screens: one window whose content follows a
// session.Session through the citizen's journey, in counter mode (keyboard
// first, today's dossiers, clerk sign-in) or self-service mode (touch,
// fullscreen, high contrast, idle wipe, on-screen Telex keyboard). It imports
// Fyne widgets but never fyne.io/fyne/v2/app, so its tests run headless.
//
// Counter keys: F2 reads a card (on the form: the next person's card), Esc
// goes back (from the identity panel it asks, then ends the visit),
// Ctrl+Enter submits at the review and moves on elsewhere, F9 opens the
// Decision 06 indicators, Ctrl+L locks the screen behind the clerk's PIN;
// Tab follows the form's order and the first typed field has the focus.
// The keys work with the cursor in a field too: every input the App builds
// (TextField, the dropdowns) hands them to the App before typing, because
// Fyne gives keys to the focused widget only. In the picker the search box
// has the focus, Up/Down move the highlight and Enter chooses. A keyboard
// wedge QR scanner is read on any screen: with no field focused the canvas
// collects it; typed into a field, the field gets its text back on Enter.
// Before the form it is the requester's card, on the form the next
// person's (Session.AddPersonQR).
//
// Destructive actions ask first, with the safe answer focused: cancelling
// a visit, Esc at the identity panel, signing out (which also ends the
// visit). Submit sits in the middle of the review's bar, not where Next was.
// While nobody is signed in, or the screen is locked, no card is read and
// no dossier list, reprint or indicator is reachable.
//
// Threading: card reads, submissions and store queries run on their own
// goroutines (in package session or here); every change reaches the screen
// through one redraw loop that hands the work to the UI goroutine with
// fyne.DoAndWait, so the window never waits on a card or the network.
//
// Privacy: each discarded screen is emptied (scrub) before it is dropped,
// because Fyne keeps discarded renderers cached for a while; at the end of
// a self-service visit the receipt files it wrote are removed.
package ui

// Package session is one citizen's visit at the kiosk as a UI-free state
// machine: welcome → reading (with progress) → identity → choose procedure →
// form → attachments → review → submitting → receipt → rating → wiped (and
// back to welcome). The Fyne screens only draw its state and forward taps.
//
// What the session needs from the outside world is small interfaces (ports):
// a CardSource that reads a card, Forms that open a procedure's form, and a
// Queue that files the dossier. Adapters to the real packages live in
// package session/adapt, so this package tests in milliseconds.
//
// The session owns the wipe: on cancel, idle timeout or the end of the
// visit, every Reading is wiped and the form, dossier and receipt dropped.
package session

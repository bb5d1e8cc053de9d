// Package session is one citizen's visit at the kiosk as a UI-free state
// machine: welcome → reading (with progress) → identity → choose procedure →
// form → attachments → review → submitting → receipt → rating → wiped (and
// back to welcome). The whole machine is one table (transitions.go); the
// Fyne screens only draw its state and forward taps.
//
// The session holds the visit's form directly: an Intake over the form
// engine (kiosk/form), one step for a procedure, one per step for a bundle.
// The CardSource is a port because it has two real implementations
// (virtual cards in process, or PC/SC; session/adapt). Filing is not: the
// session files through its Queue, the encrypted store and the sync worker,
// the one implementation there is.
//
// The session owns the wipe: on cancel, idle timeout or the end of the
// visit, every Reading is wiped and the form, dossier and receipt dropped.
package session

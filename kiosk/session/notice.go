package session

// NoticeKind is what a transient note on the screen says.
type NoticeKind int

// Notices.
const (
	NoticeNone        NoticeKind = iota
	NoticeCardRemoved            // the card left the reader mid-visit; what was read is kept
	NoticePersonAdded            // another person's card filled a block; Label names it
)

// Notice is a transient note for the screen, with what it needs to say it.
type Notice struct {
	Kind  NoticeKind
	Label string // NoticePersonAdded: the block or row filled, in the visit's language
}

// Key is the message key the screens translate (with Args).
func (n Notice) Key() string {
	switch n.Kind {
	case NoticeCardRemoved:
		return "error.cardremoved.flow"
	case NoticePersonAdded:
		return "form.addperson.done"
	}
	return ""
}

// Args are the message's arguments.
func (n Notice) Args() []any {
	if n.Kind == NoticePersonAdded {
		return []any{n.Label}
	}
	return nil
}

// Action is what an audit Event records. The queue maps each to the audit
// trail's own action names.
type Action string

// Audit actions of a visit.
const (
	ActionSignIn     Action = "clerk.signin"
	ActionSignOut    Action = "clerk.signout"
	ActionCardRead   Action = "card.read" // carries the citizen's ID, hashed by the trail
	ActionReadFailed Action = "card.read-failed"
	ActionOverride   Action = "identity.override" // a clerk accepted an identity that failed verification
	ActionSubmit     Action = "dossier.submit"    // the store records the enqueue itself
	ActionWipe       Action = "session.wipe"
)

package session

// Input is what moves a visit from one state to another: a method call or
// the end of a read or a submission.
type Input int

// Inputs.
const (
	InRead         Input = iota // StartRead
	InReadDone                  // the card was read
	InReadFailed                // the read failed or the card left
	InContinue                  // Continue (or Next) from the identity panel
	InChoose                    // Choose a procedure
	InNext                      // Next with the step complete
	InInvalid                   // Next from the checklist while fields are in error
	InBack                      // Back
	InSubmit                    // Submit
	InFiled                     // the queue stored the dossier
	InSubmitFailed              // the queue stored nothing
	InFinish                    // Finish (or Next) on the receipt
	InRate                      // Rate ends the visit
	InWipe                      // Wipe, Rate, Back at the start, the idle timer
	InReset                     // listeners have seen the wipe
)

var inputNames = [...]string{"read", "read-done", "read-failed", "continue", "choose", "next", "invalid", "back",
	"submit", "filed", "submit-failed", "finish", "rate", "wipe", "reset"}

// String names the input.
func (in Input) String() string {
	if int(in) < len(inputNames) {
		return inputNames[in]
	}
	return "input?"
}

// transitions is the whole state machine of a visit: the state each input
// leads to from each state. An input missing for a state is refused with
// ErrState. Guards (a verified identity, a complete form) are checked by
// the methods before they move.
var transitions = map[State]map[Input]State{
	StateWelcome:         {InRead: StateReading},
	StateReading:         {InReadDone: StateIdentity, InReadFailed: StateReadFailed, InBack: StateWiped},
	StateReadFailed:      {InRead: StateReading, InBack: StateWiped},
	StateIdentity:        {InRead: StateReading, InContinue: StateChooseProcedure, InBack: StateWiped},
	StateChooseProcedure: {InChoose: StateForm, InBack: StateIdentity},
	StateForm:            {InChoose: StateForm, InNext: StateAttachments, InBack: StateChooseProcedure},
	StateAttachments:     {InNext: StateReview, InInvalid: StateForm, InBack: StateForm},
	StateReview:          {InSubmit: StateSubmitting, InBack: StateAttachments},
	StateSubmitting:      {InFiled: StateReceipt, InSubmitFailed: StateReview},
	StateReceipt:         {InFinish: StateRating},
	StateRating:          {InRate: StateWiped},
	StateWiped:           {InRead: StateReading, InReset: StateWelcome},
}

// next is where in leads from st; ok is false when the machine refuses it.
// A wipe is allowed from every state: the citizen may walk away anywhere.
func next(st State, in Input) (State, bool) {
	if in == InWipe {
		return StateWiped, true
	}
	to, ok := transitions[st][in]
	return to, ok
}

// moveLocked takes the transition of in from the current state and reports
// whether the machine allowed it. The caller holds s.mu.
func (s *Session) moveLocked(in Input) bool {
	to, ok := next(s.state, in)
	if ok {
		s.state = to
	}
	return ok
}

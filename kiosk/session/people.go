package session

import "fmt"

// TypePerson adds a person with no card at hand (a child, an absent guest,
// a foreigner) to the list at table, to be typed: the values are never
// locked. It returns the new row's label.
func (s *Session) TypePerson(table string) (string, error) {
	s.mu.Lock()
	if s.state != StateForm || s.form == nil {
		st := s.state
		s.mu.Unlock()
		return "", fmt.Errorf("%w: add a person in %s", ErrState, st)
	}
	label, err := s.form.TypePerson(table, s.cfg.Lang())
	s.lastTouch, s.warning = s.cfg.Now(), false
	s.mu.Unlock()
	if err == nil {
		s.changed()
	}
	return label, err
}

// RemovePerson takes a person added by mistake off the form: a row of a
// list, or a block a card filled.
func (s *Session) RemovePerson(path string) error {
	s.mu.Lock()
	if s.state != StateForm || s.form == nil {
		st := s.state
		s.mu.Unlock()
		return fmt.Errorf("%w: remove a person in %s", ErrState, st)
	}
	err := s.form.RemovePerson(path)
	s.lastTouch, s.warning = s.cfg.Now(), false
	s.mu.Unlock()
	if err == nil {
		s.changed()
	}
	return err
}

// AddRow adds an empty row to a table of typed rows (a residence history)
// and returns its label: the same as TypePerson, which is its name for a
// list of people.
func (s *Session) AddRow(table string) (string, error) { return s.TypePerson(table) }

// RemoveRow deletes a row of a table ("history[1]"); later rows move up.
func (s *Session) RemoveRow(path string) error { return s.RemovePerson(path) }

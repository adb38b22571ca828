package cgroups

import "path/filepath"

// Adopt takes over, in each hierarchy where minirun created the
// container's own directory, a higher top that another container of this
// runtime created: a parent that container made and that now also holds
// this one. Destroy then removes that parent once it is empty, whichever
// of the two goes last. Without it, a parent whose creator was deleted
// first (its sibling still inside) was left behind forever.
func (s *State) Adopt(other *State) {
	for name, top := range s.Created {
		theirs, ok := other.Created[name]
		if !ok || other.mount(name) != s.mount(name) || filepath.Clean(theirs) == filepath.Clean(top) {
			continue
		}
		// Their top must be a strict ancestor of ours, and every directory
		// between must be theirs too: on the path to their own directory.
		between := filepath.Dir(top)
		theirDir := filepath.Join(other.mount(name), other.Path)
		if within(between, theirs) && within(theirDir, between) {
			s.Created[name] = theirs
		}
	}
}

// mount is the mount point of hierarchy name ("" = unified).
func (s *State) mount(name string) string {
	if name == "" {
		return s.Layout.Unified
	}
	return s.Layout.V1[name]
}

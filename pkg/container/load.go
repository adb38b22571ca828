package container

import "github.com/minirun/minirun/pkg/state"

// loaded is a container read back from its state directory: its record
// (the cgroup record inside it) is all a command knows of it; its status
// is l.st.Status().
type loaded struct {
	st *state.Container
}

func load(root, id string) (*loaded, error) {
	st, err := state.Load(root, id)
	if err != nil {
		return nil, err
	}
	return &loaded{st: st}, nil
}

package container

import (
	"encoding/json"
	"fmt"

	"github.com/minirun/minirun/pkg/cgroups"
	"github.com/minirun/minirun/pkg/state"
)

// loaded is a container read back from its state directory.
type loaded struct {
	st *state.Container
	cg *cgroups.State // nil when it never got one
}

func load(root, id string) (*loaded, error) {
	st, err := state.Load(root, id)
	if err != nil {
		return nil, err
	}
	l := &loaded{st: st}
	if len(st.Cgroup) > 0 {
		l.cg = &cgroups.State{}
		if err := json.Unmarshal(st.Cgroup, l.cg); err != nil {
			return nil, fmt.Errorf("decode cgroup state of %q: %w", id, err)
		}
	}
	return l, nil
}

// status adds "paused" (a frozen cgroup) to the saved status.
func (l *loaded) status() string {
	s := l.st.Status()
	if (s == "running" || s == "created") && l.cg != nil && l.cg.Frozen() {
		return "paused"
	}
	return s
}

package container

import (
	"fmt"

	"github.com/minirun/minirun/pkg/explain"
	"github.com/minirun/minirun/pkg/state"
)

// Explain reads what isolation the container's init has, from the host's
// /proc and cgroupfs, beside the config it was created with.
func Explain(g Global, id string) (*explain.Report, error) {
	l, err := load(g.Root, id)
	if err != nil {
		return nil, err
	}
	if s := l.st.Status(); s == state.Stopped {
		return nil, fmt.Errorf("container %q is stopped: there is no process to explain", id)
	}
	cfg, err := l.st.Config()
	if err != nil {
		cfg = nil // explain the kernel state anyway; the config column says unknown
	}
	return explain.Explain(explain.Roots{Proc: "/proc", Cgroup: "/sys/fs/cgroup"}, id, l.st.Pid, cfg)
}

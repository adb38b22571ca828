package container

import (
	"fmt"

	"github.com/minirun/minirun/pkg/state"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Resources is the spec's linux.resources, as `update` edits it.
type Resources = specs.LinuxResources

// Update applies new resources to a running container and records them.
func Update(g Global, id string, apply func(*Resources) error) error {
	l, err := load(g.Root, id)
	if err != nil {
		return err
	}
	switch l.st.Status() {
	case state.Stopped:
		return ErrNotRunning
	case state.Creating:
		// Its init sets pids.max itself, last (setPidsLimit).
		return fmt.Errorf("container %s is being created: %w", id, ErrNotRunning)
	}
	if l.st.Cgroup == nil {
		return fmt.Errorf("container %s has no cgroup to update", id)
	}
	spec, err := l.st.Config()
	if err != nil {
		return err
	}
	r := spec.Linux.Resources
	if r == nil {
		r = &Resources{}
	}
	if err := apply(r); err != nil {
		return err
	}
	// Device rules are not rewritten: a v1 rewrite starts with a deny-all
	// that would briefly cut the running container off its devices.
	noDevices := *r
	noDevices.Devices = nil
	if g.Rootless {
		if err := l.st.Cgroup.CheckPlaced(&noDevices); err != nil {
			return err
		}
	}
	if err := l.st.Cgroup.Set(&noDevices); err != nil {
		return err
	}
	spec.Linux.Resources = r
	return l.st.SaveConfig(spec)
}

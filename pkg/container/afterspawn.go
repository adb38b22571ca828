package container

import (
	"github.com/minirun/minirun/pkg/rlimits"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// withoutPids is the resources create writes before the bootstrap runs:
// all but the pids limit, which afterSpawn writes.
func withoutPids(r *specs.LinuxResources) *specs.LinuxResources {
	if r == nil || r.Pids == nil {
		return r
	}
	rest := *r
	rest.Pids = nil
	return &rest
}

// afterSpawn is what the parent sets on the init from outside once it
// exists, before sending its config.
func (b *builder) afterSpawn(pid int) error {
	// From here, as the init may be in a user namespace (see rlimits).
	return rlimits.RaiseHard(pid, b.spec.Process.Rlimits)
}

// setPidsLimit writes the pids limit once the rootfs is mounted, where
// runc sets resources (procHooks): pids.max counts threads, and a limit of
// 0 (pids.max 1, runc 1.5) written before would fail the bootstrap's clone
// of the init and the Go runtime's first threads in it.
func (b *builder) setPidsLimit() error {
	if r := b.spec.Linux.Resources; b.st.Cgroup != nil && r != nil && r.Pids != nil {
		return b.st.Cgroup.Set(&specs.LinuxResources{Pids: r.Pids})
	}
	return nil
}

package container

import (
	"fmt"
	"slices"

	"github.com/minirun/minirun/pkg/logs"
	"github.com/minirun/minirun/pkg/state"
)

// deleteCorrupt is delete --force of a record that cannot be decoded. It
// does what the fields read before the damage allow (state.Salvage):
//   - pid and pidStart: the init is killed, once its start time matches,
//     so a recycled pid is never hit;
//   - cgroup: its processes are killed and the directories minirun made
//     removed, as for a whole record.
//
// What cannot be recovered is left and named in a warning: without the
// pid start time no process is signalled (the pid alone may be another's
// by now); without the cgroup record its ownership is unknown, so the
// cgroup (linux.cgroupsPath of the saved config) is not removed. The
// state dir always goes.
func deleteCorrupt(g Global, id string, cause error) error {
	st, lost, err := state.Salvage(g.Root, id)
	if err != nil {
		return err
	}
	logs.Warnf("delete --force %s: %v; cleaning up from what is readable", id, cause)
	l := &loaded{st: st}
	if slices.Contains(lost, "pid") || slices.Contains(lost, "pidStart") {
		logs.Warnf("delete --force %s: the init's pid is lost; a process it left running is not signalled", id)
	}
	if l.st.Cgroup == nil {
		path := "unknown"
		if spec, err := st.Config(); err == nil && spec.Linux != nil {
			path = spec.Linux.CgroupsPath
		}
		logs.Warnf("delete --force %s: the cgroup record is lost; cgroup %s is left in place", id, path)
	}
	if err := l.killAndWait(); err != nil {
		return fmt.Errorf("delete --force %s: %w", id, err)
	}
	return l.destroy()
}

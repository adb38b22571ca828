package container

import "fmt"

// Pause freezes the container; Resume thaws it.
func Pause(g Global, id string, frozen bool) error {
	l, err := load(g.Root, id)
	if err != nil {
		return err
	}
	st := l.st.Status()
	switch {
	case frozen && st != "running" && st != "created":
		return fmt.Errorf("cannot pause a container that is %s: %w", st, ErrNotRunning)
	case !frozen && st != "paused":
		return fmt.Errorf("container not paused")
	case l.st.Cgroup == nil:
		return fmt.Errorf("container has no cgroup to freeze")
	case !l.st.Cgroup.CanFreeze() && g.Rootless:
		return fmt.Errorf("container %s is in no freezer cgroup: a rootless container is placed only in cgroups the user may write (delegate a freezer cgroup, or cgroup v2 subtree, to pause it)", id)
	}
	return l.st.Cgroup.Freeze(frozen)
}

package container

import "fmt"

// Pause freezes the container; Resume thaws it.
func Pause(g Global, id string, frozen bool) error {
	l, err := load(g.Root, id)
	if err != nil {
		return err
	}
	if err := checkPause(l.st.Status(), frozen); err != nil {
		return err
	}
	switch {
	case l.st.Cgroup == nil:
		return fmt.Errorf("container has no cgroup to freeze")
	case !l.st.Cgroup.CanFreeze() && g.Rootless:
		return fmt.Errorf("container %s is in no freezer cgroup: a rootless container is placed only in cgroups the user may write (delegate a freezer cgroup, or cgroup v2 subtree, to pause it)", id)
	}
	return l.st.Cgroup.Freeze(frozen)
}

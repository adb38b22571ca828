package container

import "fmt"

// Pause freezes the container; Resume thaws it.
func Pause(g Global, id string, frozen bool) error {
	l, err := load(g.Root, id)
	if err != nil {
		return err
	}
	st := l.status()
	switch {
	case frozen && st != "running" && st != "created":
		return fmt.Errorf("cannot pause a container that is %s: %w", st, ErrNotRunning)
	case !frozen && st != "paused":
		return fmt.Errorf("container not paused")
	case l.cg == nil:
		return fmt.Errorf("container has no cgroup to freeze")
	}
	return l.cg.Freeze(frozen)
}

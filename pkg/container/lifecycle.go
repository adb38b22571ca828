package container

import (
	"fmt"

	"github.com/minirun/minirun/pkg/cgroups"
	"github.com/minirun/minirun/pkg/state"
)

// The lifecycle decisions, apart from their effects so they are unit
// tested: which command may act on a container in which status (from
// state.Container.Status), with runc's phrases, and which of its
// processes minirun may tell are the container's.

// checkStart: only a created container starts.
func checkStart(status string) error {
	switch status {
	case state.Created:
		return nil
	case state.Stopped:
		return fmt.Errorf("cannot start a container that has stopped")
	case state.Running:
		return fmt.Errorf("cannot start an already running container")
	default:
		return fmt.Errorf("cannot start a container in the %s state", status)
	}
}

// checkExec: a process joins a created or running container, a paused one
// only with --ignore-paused (it waits in the frozen cgroup).
func checkExec(status string, ignorePaused bool) error {
	switch status {
	case state.Running, state.Created:
		return nil
	case state.Paused:
		if !ignorePaused {
			return fmt.Errorf("cannot exec in a paused container (use --ignore-paused to override)")
		}
		return nil
	case state.Creating:
		return fmt.Errorf("cannot exec in a container that is being created: %w", ErrNotRunning)
	default:
		return fmt.Errorf("cannot exec in a stopped container: %w", ErrNotRunning)
	}
}

// checkPause: pause freezes a created or running container, resume thaws
// a paused one.
func checkPause(status string, freeze bool) error {
	switch {
	case freeze && status != state.Running && status != state.Created:
		return fmt.Errorf("cannot pause a container that is %s: %w", status, ErrNotRunning)
	case !freeze && status != state.Paused:
		return fmt.Errorf("container not paused")
	}
	return nil
}

// deleteKills decides whether delete kills before it removes: a created
// container is deleted without force (as runc), a running or paused one
// only with it. A half-made one whose live init is recorded (a create
// that died) is killed too: the init by its pidfd, checked against its
// start time. A stopped one, or a half-made one without a recorded init,
// is killed only where minirun made its cgroup, because what the init left
// there (children outside a pid namespace, threads of a dead leader) must
// go too, and only there is everything in it the container's.
func deleteKills(status string, initRecorded, ownsCgroup, force bool, id string) (bool, error) {
	switch {
	case status == state.Creating && initRecorded:
		return true, nil
	case status == state.Stopped || status == state.Creating:
		return ownsCgroup, nil
	}
	switch status {
	case state.Created:
		return true, nil
	default:
		if !force {
			return false, fmt.Errorf("cannot delete container %s that is not stopped: %s", id, status)
		}
		return true, nil
	}
}

// signalRoute is how signalAll finds the container's processes.
type signalRoute int

const (
	// routeOwnedCgroup: every process of the hierarchies minirun created.
	routeOwnedCgroup signalRoute = iota
	// routeNoCgroup: a rootless container placed in no cgroup; its own
	// pid namespace, or only its init.
	routeNoCgroup
	// routeForeignCgroup: a cgroup minirun did not create; only its
	// processes in the container's own pid namespace, or only the init.
	routeForeignCgroup
	// routeInit: no cgroup record at all; only the init.
	routeInit
)

// signalRouteOf reads the route from the cgroup record.
func signalRouteOf(cg *cgroups.State) signalRoute {
	switch {
	case cg == nil:
		return routeInit
	case cg.OwnsAny():
		return routeOwnedCgroup
	case cg.InNone():
		return routeNoCgroup
	default:
		return routeForeignCgroup
	}
}

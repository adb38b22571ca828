package state

// The runtime-spec statuses, as `state`, `list` and every command see them.
const (
	Creating = "creating"
	Created  = "created"
	Running  = "running"
	Paused   = "paused"
	Stopped  = "stopped"
)

// Observed is what the kernel says of a record's init and cgroup at one
// moment; StatusOf turns it, with the record, into the status.
type Observed struct {
	// Alive: a process that is not a zombie has the record's pid.
	Alive bool
	// SameStart: its start time is the record's pidStart, so it is our
	// init and not a later process that reused the pid.
	SameStart bool
	// Frozen: the container's cgroup is frozen (cgroups.State.Frozen).
	Frozen bool
}

// StatusOf is the one derivation of a container's status: creating
// until the init's pid is recorded and, with a live init, until it is
// ready (Creating cleared, see create.go); stopped once no live process
// with that pid and start time exists, paused while a live container's
// cgroup is frozen, running after start, else created.
func StatusOf(c *Container, o Observed) string {
	switch {
	case c.Pid == 0:
		return Creating
	case !o.Alive || !o.SameStart:
		return Stopped
	case c.Creating:
		return Creating
	case o.Frozen:
		return Paused
	case c.Started:
		return Running
	default:
		return Created
	}
}

// Status observes the init and the cgroup now and derives the status
// (StatusOf). Every command decides by it.
func (c *Container) Status() string {
	return StatusOf(c, c.observe())
}

// observe reads /proc and the freezer state. The freezer is read only for
// a live init: a stopped container is stopped, frozen or not, and one in
// no cgroup (rootless) is never paused.
func (c *Container) observe() Observed {
	var o Observed
	o.Alive, o.SameStart = c.initFacts()
	if o.Alive && o.SameStart && c.Cgroup != nil {
		o.Frozen = c.Cgroup.Frozen()
	}
	return o
}

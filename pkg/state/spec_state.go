package state

import (
	"encoding/json"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// SpecState renders the runtime-spec state JSON. The pid is reported only
// while our own init is alive: a stale pid could name a host process.
func (c *Container) SpecState(status string) specs.State {
	pid := 0
	if status != Stopped && c.Alive() {
		pid = c.Pid
	}
	return specs.State{
		Version:     specs.Version,
		ID:          c.ID,
		Status:      specs.ContainerState(status),
		Pid:         pid,
		Bundle:      c.Bundle,
		Annotations: c.Annotations,
	}
}

// SpecStateJSON is SpecState encoded, for hooks' stdin.
func (c *Container) SpecStateJSON(status string) []byte {
	b, _ := json.Marshal(c.SpecState(status))
	return b
}

// StartedStateJSON is the state poststart hooks get: the pid minirun just
// started, even when that process has exited already (the hook is told
// what was started, a moment ago; nothing is signalled by this pid).
func (c *Container) StartedStateJSON() []byte {
	st := c.SpecState(Running)
	st.Pid = c.Pid
	b, _ := json.Marshal(st)
	return b
}

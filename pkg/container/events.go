package container

import (
	"encoding/json"
	"io"
	"time"

	"github.com/minirun/minirun/pkg/cgroups"
)

// Event is one line of `events`, in runc's shape.
type Event struct {
	Type string         `json:"type"`
	ID   string         `json:"id"`
	Data *cgroups.Stats `json:"data,omitempty"`
}

// Events prints stats once (statsOnly) or every interval, with an "oom"
// event whenever the OOM-kill count grows, until the container stops.
func Events(g Global, id string, statsOnly bool, interval time.Duration, w io.Writer) error {
	l, err := load(g.Root, id)
	if err != nil {
		return err
	}
	if l.status() == "stopped" {
		return ErrNotRunning
	}
	enc := json.NewEncoder(w)
	if l.cg == nil {
		return enc.Encode(Event{Type: "stats", ID: id, Data: &cgroups.Stats{}})
	}
	st := l.cg.Stats()
	if statsOnly {
		return enc.Encode(Event{Type: "stats", ID: id, Data: &st})
	}
	ooms := st.Memory.OOMKills
	for l.st.Alive() {
		st = l.cg.Stats()
		if st.Memory.OOMKills > ooms {
			ooms = st.Memory.OOMKills
			if err := enc.Encode(Event{Type: "oom", ID: id}); err != nil {
				return err
			}
		}
		if err := enc.Encode(Event{Type: "stats", ID: id, Data: &st}); err != nil {
			return err
		}
		time.Sleep(interval)
	}
	return nil
}

// Update applies new resources to a running container and records them.
func Update(g Global, id string, apply func(*Resources) error) error {
	l, err := load(g.Root, id)
	if err != nil {
		return err
	}
	if l.status() == "stopped" {
		return ErrNotRunning
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
	if err := l.cg.Set(&noDevices); err != nil {
		return err
	}
	spec.Linux.Resources = r
	return l.st.SaveConfig(spec)
}

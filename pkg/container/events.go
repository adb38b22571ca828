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

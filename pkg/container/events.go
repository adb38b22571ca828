package container

import (
	"encoding/json"
	"io"
	"time"

	"github.com/minirun/minirun/pkg/cgroups"
	"github.com/minirun/minirun/pkg/state"
)

// oomPoll is how often a streaming `events` looks for new OOM kills.
const oomPoll = 200 * time.Millisecond

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
	if l.st.Status() == state.Stopped {
		return ErrNotRunning
	}
	enc := json.NewEncoder(w)
	if l.st.Cgroup == nil {
		return enc.Encode(Event{Type: "stats", ID: id, Data: &cgroups.Stats{}})
	}
	st := l.st.Cgroup.Stats()
	if statsOnly {
		return enc.Encode(Event{Type: "stats", ID: id, Data: &st})
	}
	// runc is woken by the kernel (memory.oom_control eventfd, inotify on
	// memory.events) and prints "oom" at once; Docker marks the container
	// OOMKilled from it. We poll the OOM-kill count often instead, apart
	// from the stats interval, so the event is as prompt.
	ooms := st.Memory.OOMKills
	oomTick := time.NewTicker(oomPoll)
	defer oomTick.Stop()
	next := time.Now()
	for l.st.Alive() {
		st = l.st.Cgroup.Stats()
		if st.Memory.OOMKills > ooms {
			ooms = st.Memory.OOMKills
			if err := enc.Encode(Event{Type: "oom", ID: id}); err != nil {
				return err
			}
		}
		if !time.Now().Before(next) {
			if err := enc.Encode(Event{Type: "stats", ID: id, Data: &st}); err != nil {
				return err
			}
			next = time.Now().Add(interval)
		}
		<-oomTick.C
	}
	return nil
}

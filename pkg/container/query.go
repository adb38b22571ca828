package container

import (
	"encoding/json"
	"fmt"
	"io"
	"os/user"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/minirun/minirun/pkg/state"
	"golang.org/x/sys/unix"
)

// StateJSON is runc's `state` output: the spec state plus rootfs, created, owner.
type StateJSON struct {
	OCIVersion  string            `json:"ociVersion"`
	ID          string            `json:"id"`
	Pid         int               `json:"pid"`
	Status      string            `json:"status"`
	Bundle      string            `json:"bundle"`
	Rootfs      string            `json:"rootfs"`
	Created     time.Time         `json:"created"`
	Owner       string            `json:"owner"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

func (l *loaded) stateJSON() StateJSON {
	status := l.st.Status()
	s := l.st.SpecState(status)
	return StateJSON{OCIVersion: s.Version, ID: s.ID, Pid: s.Pid, Status: status, Bundle: s.Bundle,
		Rootfs: l.st.Rootfs, Created: l.st.Created, Owner: l.st.Owner, Annotations: s.Annotations}
}

// State writes the state of id as indented JSON.
func State(g Global, id string, w io.Writer) error {
	l, err := load(g.Root, id)
	if err != nil {
		return err
	}
	b, _ := json.MarshalIndent(l.stateJSON(), "", "  ")
	_, err = fmt.Fprintln(w, string(b))
	return err
}

// List writes every container under the root as a table, JSON or ids only.
func List(g Global, format string, quiet bool, w io.Writer) error {
	ids, err := state.List(g.Root)
	if err != nil {
		return err
	}
	var all []StateJSON
	for _, id := range ids {
		l, err := load(g.Root, id)
		if err != nil {
			continue
		}
		s := l.stateJSON()
		s.Owner = dirOwner(l.st.Dir())
		all = append(all, s)
	}
	switch {
	case quiet:
		for _, s := range all {
			fmt.Fprintln(w, s.ID)
		}
	case format == "json":
		if all == nil {
			all = []StateJSON{}
		}
		return json.NewEncoder(w).Encode(all)
	case format == "table" || format == "":
		tw := tabwriter.NewWriter(w, 12, 1, 3, ' ', 0)
		fmt.Fprintln(tw, "ID\tPID\tSTATUS\tBUNDLE\tCREATED\tOWNER")
		for _, s := range all {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\n", s.ID, s.Pid, s.Status, s.Bundle, s.Created.Format(time.RFC3339Nano), s.Owner)
		}
		return tw.Flush()
	default:
		return fmt.Errorf("--format: unknown format %q (want table or json)", format)
	}
	return nil
}

// dirOwner names the owner of a state dir as runc's list does: the user
// name of its uid, or "#UID" when the name is unknown.
func dirOwner(dir string) string {
	var st unix.Stat_t
	if err := unix.Stat(dir, &st); err != nil {
		return ""
	}
	if u, err := user.LookupId(strconv.Itoa(int(st.Uid))); err == nil {
		return u.Username
	}
	return "#" + strconv.Itoa(int(st.Uid))
}

package container

import (
	"errors"
	"strings"
	"testing"

	"github.com/minirun/minirun/pkg/cgroups"
	"github.com/minirun/minirun/pkg/state"
)

// Which command may act in which status: the runtime-spec lifecycle
// (creating -> created -> running -> stopped, paused between) as runc
// enforces it, with runc's phrases where clients match them.
func TestCommandsByStatus(t *testing.T) {
	all := []string{state.Creating, state.Created, state.Running, state.Paused, state.Stopped}
	allowed := map[string]map[string]bool{
		"start":                {state.Created: true},
		"exec":                 {state.Created: true, state.Running: true},
		"exec --ignore-paused": {state.Created: true, state.Running: true, state.Paused: true},
		"pause":                {state.Created: true, state.Running: true},
		"resume":               {state.Paused: true},
		"delete":               {state.Creating: true, state.Created: true, state.Stopped: true},
		"delete --force":       {state.Creating: true, state.Created: true, state.Running: true, state.Paused: true, state.Stopped: true},
	}
	run := map[string]func(status string) error{
		"start":                checkStart,
		"exec":                 func(s string) error { return checkExec(s, false) },
		"exec --ignore-paused": func(s string) error { return checkExec(s, true) },
		"pause":                func(s string) error { return checkPause(s, true) },
		"resume":               func(s string) error { return checkPause(s, false) },
		"delete":               func(s string) error { _, err := deleteKills(s, false, false, false, "c"); return err },
		"delete --force":       func(s string) error { _, err := deleteKills(s, false, false, true, "c"); return err },
	}
	for cmd, check := range run {
		for _, s := range all {
			err := check(s)
			if (err == nil) != allowed[cmd][s] {
				t.Errorf("%s of a %s container: %v, want allowed=%v", cmd, s, err, allowed[cmd][s])
			}
		}
	}
	// The phrases clients match.
	for _, tc := range []struct {
		err  error
		want string
	}{
		{checkStart(state.Stopped), "cannot start a container that has stopped"},
		{checkStart(state.Running), "cannot start an already running container"},
		{checkStart(state.Paused), "cannot start a container in the paused state"},
		{checkExec(state.Paused, false), "cannot exec in a paused container"},
		{checkPause(state.Running, false), "container not paused"},
		{func() error { _, err := deleteKills(state.Running, true, true, false, "c"); return err }(), "cannot delete container c that is not stopped: running"},
		{checkExec(state.Creating, true), "cannot exec in a container that is being created"},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("error %v, want %q", tc.err, tc.want)
		}
	}
	if err := checkExec(state.Stopped, true); !errors.Is(err, ErrNotRunning) {
		t.Errorf("exec of a stopped container: %v, want ErrNotRunning", err)
	}
	if err := checkPause(state.Stopped, true); !errors.Is(err, ErrNotRunning) {
		t.Errorf("pause of a stopped container: %v, want ErrNotRunning", err)
	}
}

// delete kills first whenever something may live: always for created or
// (forced) running and paused containers; for a stopped or half-created
// one only where minirun made the cgroup, as only there is every process
// the container's.
func TestDeleteKills(t *testing.T) {
	for _, tc := range []struct {
		status     string
		init       bool // the init's pid is recorded
		owns       bool
		force      bool
		wantKill   bool
		wantRefuse bool
	}{
		{state.Stopped, true, false, false, false, false},
		{state.Stopped, true, true, false, true, false},
		{state.Creating, false, false, false, false, false},
		{state.Creating, false, true, false, true, false},
		{state.Creating, true, false, false, true, false}, // a create that died: its live init
		{state.Created, true, false, false, true, false},
		{state.Running, true, true, false, false, true},
		{state.Running, true, false, true, true, false},
		{state.Paused, true, true, true, true, false},
		{state.Paused, true, true, false, false, true},
	} {
		kill, err := deleteKills(tc.status, tc.init, tc.owns, tc.force, "c")
		if kill != tc.wantKill || (err != nil) != tc.wantRefuse {
			t.Errorf("%s init=%v owns=%v force=%v: kill %v err %v; want kill %v refused %v",
				tc.status, tc.init, tc.owns, tc.force, kill, err, tc.wantKill, tc.wantRefuse)
		}
	}
}

// Which processes kill --all and delete may signal, from the cgroup
// record: all of a cgroup minirun made in any hierarchy; without a
// cgroup (rootless), the pid namespace; in a pre-existing cgroup, only
// its processes in the container's pid namespace; with no record, the
// init alone.
func TestSignalRouteOf(t *testing.T) {
	v1 := cgroups.Layout{V1: map[string]string{"pids": "/cg/pids", "memory": "/cg/memory"}}
	for _, tc := range []struct {
		name string
		cg   *cgroups.State
		want signalRoute
	}{
		{"no record", nil, routeInit},
		{"made everywhere", &cgroups.State{Layout: v1, Path: "/c", Created: map[string]string{"pids": "/cg/pids/c", "memory": "/cg/memory/c"}}, routeOwnedCgroup},
		{"made in one hierarchy", &cgroups.State{Layout: v1, Path: "/c", Created: map[string]string{"pids": "/cg/pids/c"}}, routeOwnedCgroup},
		{"pre-existing", &cgroups.State{Layout: v1, Path: "/c", Created: map[string]string{}}, routeForeignCgroup},
		{"rootless in none", &cgroups.State{Path: "/c", Created: map[string]string{}}, routeNoCgroup},
		{"made only in a hierarchy it has no directory in", &cgroups.State{Layout: v1, Path: "/c", Created: map[string]string{"": "/cg/unified/c"}}, routeForeignCgroup},
	} {
		if got := signalRouteOf(tc.cg); got != tc.want {
			t.Errorf("%s: route %d, want %d", tc.name, got, tc.want)
		}
	}
}

package container

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/minirun/minirun/pkg/cgroups"
	"github.com/minirun/minirun/pkg/state"
)

// The lifecycle states as `state` and every command see them: creating
// until a pid is saved, created until start, running after it, paused
// while the cgroup is frozen, stopped once the init is gone or its pid
// belongs to another process (a recycled pid is never taken for ours).
func TestStatusTransitions(t *testing.T) {
	tree := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(tree, "c"), 0o755))
	events := filepath.Join(tree, "c", "cgroup.events")
	must(os.WriteFile(events, []byte("populated 1\nfrozen 0\n"), 0o644))
	cg := &cgroups.State{Layout: cgroups.Layout{Unified: tree}, Path: "/c"}

	child := exec.Command("sleep", "100")
	must(child.Start())
	defer func() { child.Process.Kill(); child.Wait() }()
	start, _, err := state.ProcStart(child.Process.Pid)
	must(err)

	st := &state.Container{ID: "c", Cgroup: cg}
	l := &loaded{st: st}
	check := func(want string) {
		t.Helper()
		if got := l.st.Status(); got != want {
			t.Fatalf("status %q, want %q (record %+v)", got, want, *st)
		}
	}
	check("creating")
	st.Pid, st.PidStart = child.Process.Pid, start
	check("created")
	st.Started = true
	check("running")
	must(os.WriteFile(events, []byte("populated 1\nfrozen 1\n"), 0o644))
	check("paused")
	must(os.WriteFile(events, []byte("populated 1\nfrozen 0\n"), 0o644))
	st.PidStart = start + 1 // the pid now names another process
	check("stopped")
	st.PidStart = start
	child.Process.Kill()
	child.Wait()
	check("stopped")
	st.Cgroup = nil // a container placed in no cgroup (rootless) is never paused
	check("stopped")
}

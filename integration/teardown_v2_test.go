package integration

import (
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// The teardown cases on a pure cgroup v2 host (the VM of `make vmtest`):
// a pre-existing populated or frozen cgroup is refused, a process in a
// sub-cgroup dies at delete --force (cgroup.kill) and the sub-cgroup goes,
// and kill KILL of a paused container works.
func TestV2Teardown(t *testing.T) {
	requireV2(t)
	e := newEnv(t)
	svc := filepath.Join("/sys/fs/cgroup", e.cgroup, "svc")
	handMadeCgroup(t, svc)
	f := startForeign(t)
	joinCgroup(t, svc, f.pid())
	b := e.bundle("svc", func(s *specs.Spec) { s.Process.Args = []string{"sleep", "100"} })
	if r := e.run("create", "--bundle", b, "s"); r.code == 0 || !strings.Contains(r.stderr, "container's cgroup is not empty") {
		e.run("delete", "--force", "s")
		t.Fatalf("create in a populated cgroup: exit %d %q", r.code, r.stderr)
	}
	if !f.alive() {
		t.Fatal("the foreign process was killed")
	}
	refuseFrozen(t, e, "", "cgroup.freeze", "1", "0")

	runningSleep(e, "b", func(s *specs.Spec) {
		s.Process.Args = []string{"sh", "-c", "sleep 1000 & sleep 1000"}
		s.Linux.Namespaces = s.Linux.Namespaces[1:]
	})
	initB := e.pid("b")
	moved := moveToSubCgroup(t, e, "b", "")
	if r := e.run("delete", "--force", "b"); r.code != 0 {
		t.Errorf("delete --force with a sub-cgroup: exit %d: %s", r.code, r.stderr)
	}
	checkGone(t, e, "b", initB, moved)

	runningSleep(e, "paused", nil)
	initP := e.pid("paused")
	e.ok("pause", "paused")
	e.ok("kill", "paused", "KILL")
	waitFor(t, "the paused container to die", func() bool { return e.state("paused")["status"] == "stopped" })
	e.ok("delete", "paused")
	checkGone(t, e, "paused", initP)
}

package integration

import (
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// kill -9 of the runtime at each step of create (the test-only knob of
// pkg/fault makes it SIGKILL itself there): list never shows the half
// container as running, and delete --force removes all of it.
func TestFaultCreateKilledAtEachStep(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"sleep", "1000"} })
	for _, step := range []string{"after-state-dir", "after-cgroup", "after-bootstrap", "after-ready"} {
		r := e.runFault(step, 15*time.Second, "create", "--bundle", b, "c")
		if r.code != -1 {
			t.Fatalf("%s: create exited %d (%q), want death by SIGKILL", step, r.code, r.stderr)
		}
		list := e.ok("list")
		if strings.Contains(list, "running") {
			t.Errorf("%s: list shows the half container as running:\n%s", step, list)
		}
		if r := e.run("state", "c"); r.code == 0 && strings.Contains(r.stdout, `"running"`) {
			t.Errorf("%s: state says running: %s", step, r.stdout)
		}
		if r := e.run("delete", "--force", "c"); r.code != 0 {
			t.Errorf("%s: delete --force: exit %d: %s", step, r.code, r.stderr)
		}
		e.checkHostClean("c")
		// The id is free again.
		e.ok("create", "--bundle", b, "c")
		e.ok("delete", "--force", "c")
		e.checkHostClean("c")
	}
}

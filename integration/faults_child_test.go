package integration

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// A bootstrap that dies before it answers must make create fail at once:
// the runtime keeps no copy of the child's socket end, so its read ends.
func TestFaultBootstrapKilledFailsFast(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"sleep", "1000"} })
	start := time.Now()
	r := e.runFault("kill-bootstrap", 15*time.Second, "create", "--bundle", b, "c")
	if r.code == 0 || !strings.Contains(r.stderr, "bootstrap") {
		t.Fatalf("create with a killed bootstrap: exit %d, stderr %q; want a bootstrap error", r.code, r.stderr)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("create took %v to notice the dead bootstrap", d)
	}
	e.checkHostClean("c")
}

// A frozen init (stopped, or in a frozen cgroup) must not hang create
// forever: every wait on a child has a deadline, and the init is killed.
func TestFaultInitStoppedTimesOut(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"sleep", "1000"} })
	r := e.runFault("stop-init", 15*time.Second, "create", "--bundle", b, "c")
	if r.code == 0 || !strings.Contains(r.stderr, "did not answer") {
		t.Fatalf("create with a stopped init: exit %d, stderr %q; want a timeout error", r.code, r.stderr)
	}
	e.checkHostClean("c")
}

// minirun without cgo has no namespace bootstrap; it must not build
// (its `create` used to hang forever on the bootstrap's reply).
func TestFaultNoCgoBuildRefused(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no Go toolchain (the VM run)")
	}
	cmd := exec.Command("go", "build", "-o", os.DevNull, "../cmd/minirun")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "cgo") {
		t.Fatalf("CGO_ENABLED=0 build of cmd/minirun: err %v, output %q; want a refusal naming cgo", err, out)
	}
}

// exec's wait for its process is bounded the same way, and the stopped
// process is killed: the container keeps only its init.
func TestFaultExecStoppedTimesOut(t *testing.T) {
	e := newEnv(t)
	runningSleep(e, "c", nil)
	r := e.runFault("stop-init", 15*time.Second, "exec", "c", "true")
	if r.code == 0 || !strings.Contains(r.stderr, "did not answer") {
		t.Fatalf("exec with a stopped process: exit %d, stderr %q; want a timeout error", r.code, r.stderr)
	}
	if p := e.processes(); len(p) != 1 || p[0] != e.pid("c") {
		t.Errorf("processes in the container's cgroup after the failed exec: %v, want only the init %d", p, e.pid("c"))
	}
	e.ok("delete", "--force", "c")
	e.checkHostClean("c")
}

// start of a created container whose init is stopped fails in bounded
// time instead of waiting forever for the exec.
func TestFaultStartStoppedInitTimesOut(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"sleep", "1000"} })
	e.ok("create", "--bundle", b, "c")
	must(t, syscall.Kill(e.pid("c"), syscall.SIGSTOP)) // the test's own container
	r := e.runFault("stop-init", 15*time.Second, "start", "c")
	if r.code == 0 || !strings.Contains(r.stderr, "did not answer") {
		t.Fatalf("start of a stopped init: exit %d, stderr %q; want a timeout error", r.code, r.stderr)
	}
	e.ok("delete", "--force", "c")
	e.checkHostClean("c")
}

package integration

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// withoutPidNS leaves the container in the host's pid namespace, where
// SIGKILL to the init does not take the other processes with it.
func withoutPidNS(s *specs.Spec) {
	var keep []specs.LinuxNamespace
	for _, ns := range s.Linux.Namespaces {
		if ns.Type != specs.PIDNamespace {
			keep = append(keep, ns)
		}
	}
	s.Linux.Namespaces = keep
}

// cgroupPids lists the processes of a container's pids cgroup.
func cgroupPids(t *testing.T, e *env, name string) []int {
	b, err := os.ReadFile(filepath.Join("/sys/fs/cgroup/pids", e.cgroup, name, "cgroup.procs"))
	if cgroupV2() {
		b, err = os.ReadFile(filepath.Join("/sys/fs/cgroup", e.cgroup, name, "cgroup.procs"))
	}
	must(t, err)
	var pids []int
	for _, f := range strings.Fields(string(b)) {
		p, _ := strconv.Atoi(f)
		pids = append(pids, p)
	}
	return pids
}

// runc 1.5: `kill ID KILL` of a container without its own pid namespace
// kills every process of its cgroup, not only the init.
func TestKillWithoutPidNamespaceKillsTheCgroup(t *testing.T) {
	e := newEnv(t)
	runningSleep(e, "c", withoutPidNS)
	pf := filepath.Join(e.dir, "exec.pid")
	e.ok("exec", "-d", "--pid-file", pf, "c", "sleep", "2000")
	b, err := os.ReadFile(pf)
	must(t, err)
	execPid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	e.ok("kill", "c", "KILL")
	waitFor(t, "the exec'd process to die", func() bool { return !alive(execPid) })
	waitFor(t, "stopped", func() bool { return e.state("c")["status"] == "stopped" })
}

// When the init exited and left processes behind, KILL still reaches
// them (runc 1.5 signals the cgroup); any other signal has no init to go
// to: "container not running".
func TestKillAfterInitExitedKillsLeftovers(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) {
		withoutPidNS(s)
		s.Process.Args = []string{"sh", "-c", "sleep 2000 & exit 0"}
	})
	e.ok("run", "-d", "--bundle", b, "c")
	waitFor(t, "stopped", func() bool { return e.state("c")["status"] == "stopped" })
	var left []int
	waitFor(t, "the leftover sleep", func() bool { left = cgroupPids(t, e, "c"); return len(left) == 1 })
	t.Cleanup(func() { syscall.Kill(left[0], syscall.SIGKILL) })
	if r := e.run("kill", "c", "TERM"); r.code == 0 || !strings.Contains(r.stderr, "container not running") {
		t.Errorf("kill TERM after the init exited: exit %d %q, want container not running", r.code, r.stderr)
	}
	e.ok("kill", "c", "KILL")
	waitFor(t, "the leftover to die", func() bool { return !alive(left[0]) })
	e.ok("delete", "c")
}

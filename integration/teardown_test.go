package integration

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func waitMs(n int) { time.Sleep(time.Duration(n) * time.Millisecond) }

// cgroupProcs reads the pids of one cgroup directory.
func cgroupProcs(t *testing.T, dir string) []int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
	must(t, err)
	var pids []int
	for _, f := range strings.Fields(string(b)) {
		p, _ := strconv.Atoi(f)
		pids = append(pids, p)
	}
	return pids
}

// hierarchyDir is the container's directory in a v1 hierarchy, or its
// unified one on a cgroup v2 host.
func hierarchyDir(e *env, ctrl, id string) string {
	if cgroupV2() {
		return filepath.Join("/sys/fs/cgroup", e.cgroup, id)
	}
	return filepath.Join("/sys/fs/cgroup", ctrl, e.cgroup, id)
}

// checkGone fails if a cgroup directory of id (sub-cgroups included) or
// one of the pids is left.
func checkGone(t *testing.T, e *env, id string, pids ...int) {
	t.Helper()
	for _, p := range pids {
		if alive(p) {
			t.Errorf("process %d survived", p)
			syscall.Kill(p, syscall.SIGKILL) // the test's own container process
		}
	}
	for _, d := range cgroupDirs(e.cgroup + "/" + id) {
		if _, err := os.Stat(d); err == nil {
			t.Errorf("cgroup %s left behind", d)
		}
	}
	waitMs(100)
	removeCgroupTree(e.cgroup + "/" + id)
}

// kill KILL (without --all) of a paused container: on v1 the signal
// waits for a thaw, so minirun thaws after SIGKILL, as runc does.
func TestTeardownKillPausedContainer(t *testing.T) {
	e := newEnv(t)
	runningSleep(e, "c", nil)
	initPid := e.pid("c")
	e.ok("pause", "c")
	e.ok("kill", "c", "KILL")
	waitFor(t, "the paused container to die", func() bool { return e.state("c")["status"] == "stopped" })
	e.ok("delete", "c")
	checkGone(t, e, "c", initPid)
	// delete --force of a paused container without a pid namespace.
	runningSleep(e, "d", func(s *specs.Spec) {
		s.Process.Args = []string{"sh", "-c", "sleep 1000 & sleep 1000"}
		s.Linux.Namespaces = s.Linux.Namespaces[1:]
	})
	pids := cgroupProcs(t, hierarchyDir(e, "pids", "d"))
	e.ok("pause", "d")
	e.ok("delete", "--force", "d")
	checkGone(t, e, "d", pids...)
}

// A pre-existing frozen cgroup (or one under a frozen parent) is refused
// at create instead of hanging it.
func TestTeardownRefusesFrozenCgroup(t *testing.T) {
	requireV1(t)
	e := newEnv(t)
	refuseFrozen(t, e, "freezer", "freezer.state", "FROZEN", "THAWED")
}

// refuseFrozen freezes by hand first the container's own cgroup, then the
// parent of one minirun would create, and expects create to refuse both.
func refuseFrozen(t *testing.T, e *env, ctrl, file, frozen, thawed string) {
	for _, c := range []struct{ frozen, path string }{{"/c1", "/c1"}, {"/p", "/p/c2"}} {
		dir := hierarchyDir(e, ctrl, strings.TrimPrefix(c.frozen, "/"))
		handMadeCgroup(t, dir)
		must(t, os.WriteFile(filepath.Join(dir, file), []byte(frozen), 0o644))
		t.Cleanup(func() {
			os.WriteFile(filepath.Join(dir, file), []byte(thawed), 0o644)
			e.run("delete", "--force", "c") // only if create wrongly succeeded or hung
		})
		b := e.bundle("c", func(s *specs.Spec) {
			s.Process.Args = []string{"sleep", "100"}
			s.Linux.CgroupsPath = e.cgroup + c.path
		})
		start := time.Now()
		r := e.run("create", "--bundle", b, "c")
		if r.code == 0 {
			t.Fatalf("create in %s with %s frozen succeeded", c.path, c.frozen)
		}
		if !strings.Contains(r.stderr, "container's cgroup unexpectedly frozen") || !strings.Contains(r.stderr, e.cgroup+c.path) {
			t.Fatalf("create: want an error naming the frozen cgroup, got %q", r.stderr)
		}
		t.Logf("refused: %s", r.stderr)
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("refusing took %v", d)
		}
		if out := e.ok("list", "-q"); strings.TrimSpace(out) != "" {
			t.Fatalf("a refused create left a container: %q", out)
		}
		for _, d := range cgroupDirs(e.cgroup + c.path) {
			if _, err := os.Stat(d); err == nil && d != dir {
				t.Errorf("refused create left %s", d)
			}
		}
	}
}

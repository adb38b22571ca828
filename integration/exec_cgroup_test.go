package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// `exec --cgroup SUB` runs the process in an existing sub-cgroup of the
// container's (runc 1.5); a missing one, or a path out of the container's
// cgroup, is refused, never silently ignored.
func TestExecIntoSubCgroup(t *testing.T) {
	requireV1(t)
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"sleep", "100"} })
	e.ok("run", "-d", "--bundle", b, "c")
	// The sub-cgroup exists in every hierarchy, as the container (or its
	// manager) would have made it.
	for _, d := range cgroupDirs(e.cgroup + "/c") {
		if _, err := os.Stat(d); err == nil {
			must(t, os.Mkdir(filepath.Join(d, "sub"), 0o755))
			// A v1 cpuset child starts empty: its manager fills it in.
			for _, f := range []string{"cpuset.cpus", "cpuset.mems"} {
				if v, err := os.ReadFile(filepath.Join(d, f)); err == nil {
					must(t, os.WriteFile(filepath.Join(d, "sub", f), v, 0o644))
				}
			}
		}
	}
	// Read from the host: inside, a cgroup namespace shows "/sub".
	pidFile := filepath.Join(e.dir, "exec.pid")
	e.ok("exec", "-d", "--pid-file", pidFile, "--cgroup", "sub", "c", "sleep", "100")
	pid, _ := os.ReadFile(pidFile)
	out, err := os.ReadFile("/proc/" + strings.TrimSpace(string(pid)) + "/cgroup")
	must(t, err)
	if !strings.Contains(string(out), ":pids:"+e.cgroup+"/c/sub\n") || !strings.Contains(string(out), ":memory:"+e.cgroup+"/c/sub\n") {
		t.Fatalf("exec --cgroup sub runs in\n%s", out)
	}
	for _, bad := range []string{"missing", "../c", "/abs", "sub/../../x", "pids:sub"} {
		if r := e.run("exec", "--cgroup", bad, "c", "true"); r.code == 0 || !strings.Contains(r.stderr, "--cgroup") {
			t.Errorf("exec --cgroup %q: exit %d, stderr %q (want a refusal naming --cgroup)", bad, r.code, r.stderr)
		}
	}
	e.ok("delete", "--force", "c")
}

package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Without linux.cgroupsPath runc's fs driver names the cgroup after the
// container, under the runtime's own cgroup (the pids hierarchy's here).
func TestDefaultCgroupIsRuncs(t *testing.T) {
	e := newEnv(t)
	id := fmt.Sprintf("minirun-it-default-%d", time.Now().UnixNano()%1e9)
	b := e.bundle("c", func(s *specs.Spec) {
		s.Linux.CgroupsPath = ""
		s.Process.Args = []string{"sleep", "100"}
	})
	own := ownCgroup(t, os.Getpid(), "pids")
	if cgroupV2() {
		own = ownCgroup(t, os.Getpid(), "")
	}
	want := filepath.Join(own, id)
	t.Cleanup(func() { removeEmptyParents(want) })
	e.ok("run", "-d", "--bundle", b, id)
	got := ownCgroup(t, e.pid(id), "pids")
	if cgroupV2() {
		got = ownCgroup(t, e.pid(id), "")
	}
	if got != want {
		t.Errorf("init's cgroup %s, want runc's %s", got, want)
	}
	e.ok("delete", "--force", id)
	for _, d := range cgroupDirs(want) {
		if _, err := os.Stat(d); err == nil {
			t.Errorf("%s left behind", d)
		}
	}
}

// ownCgroup is pid's path in the hierarchy named ctrl ("" = unified).
func ownCgroup(t *testing.T, pid int, ctrl string) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", pid))
	must(t, err)
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if f := strings.SplitN(l, ":", 3); len(f) == 3 && f[1] == ctrl {
			return f[2]
		}
	}
	t.Fatalf("no %q hierarchy in %s", ctrl, b)
	return ""
}

package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Every test here runs minirun as a fresh unprivileged user (issue 12).

func fields(s string) string { return strings.Join(strings.Fields(s), " ") }

// With a cgroup the user owns in every hierarchy, the self map is written
// (the bootstrap must stay dumpable until then, and deny setgroups first).
func TestRootlessSelfMapInDelegatedCgroups(t *testing.T) {
	requireV1(t)
	u := newTestUser(t)
	rel := "/minirun-rl-" + u.name
	ents, _ := os.ReadDir("/sys/fs/cgroup")
	for _, e := range ents {
		if e.Name() == "unified" || !e.IsDir() {
			continue
		}
		d := u.delegate(e.Name(), rel)
		if strings.Contains(e.Name(), "cpuset") {
			for _, f := range []string{"cpuset.cpus", "cpuset.mems"} {
				v, _ := os.ReadFile(filepath.Join(filepath.Dir(d), f))
				os.WriteFile(filepath.Join(d, f), v, 0)
			}
		}
	}
	b := u.bundle("b", func(s *specs.Spec) {
		s.Process.Terminal = false
		s.Linux.CgroupsPath = rel + "/c1"
		// The host's view of /proc/self/cgroup shows the placement.
		var ns []specs.LinuxNamespace
		for _, n := range s.Linux.Namespaces {
			if n.Type != specs.CgroupNamespace {
				ns = append(ns, n)
			}
		}
		s.Linux.Namespaces = ns
		s.Process.Args = []string{"sh", "-c", "id -u; cat /proc/self/uid_map; grep pids /proc/self/cgroup"}
	})
	out := u.ok("run", "--bundle", b, "d1")
	if !strings.HasPrefix(fields(out), fmt.Sprintf("0 0 %d 1", u.uid)) || !strings.Contains(out, rel+"/c1") {
		t.Errorf("container saw %q", out)
	}
	if _, err := os.Stat(filepath.Join("/sys/fs/cgroup/pids", rel, "c1")); err == nil {
		t.Errorf("cgroup %s/c1 left behind", rel)
	}
}

package cgroups

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// exec loads the container's State from its record and the bootstrap
// joins the unified directory with its Placement's Join: on a hybrid host whose
// container has one, an exec'd process (and one in a sub-cgroup) lands
// there too, not only in the v1 hierarchies.
func TestHybridUnifiedJoinedAfterReload(t *testing.T) {
	l := fakeV1(t, "pids", "memory")
	l.Unified = t.TempDir()
	s, err := Create(l, "/c", &specs.LinuxResources{HugepageLimits: []specs.LinuxHugepageLimit{{Pagesize: "2MB", Limit: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var loaded State
	if err := json.Unmarshal(raw, &loaded); err != nil || !loaded.HybridUnified {
		t.Fatalf("reloaded state lost hybridUnified: %v", err)
	}
	touch(t, filepath.Join(l.Unified, "c"), "cgroup.procs")
	if err := join(&loaded, 4242); err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(l.Unified, "c"), "cgroup.procs"); got != "4242" {
		t.Fatalf("unified cgroup.procs = %q", got)
	}
	mkdirs(t, filepath.Join(l.Unified, "c/sub"), filepath.Join(l.V1["pids"], "c/sub"), filepath.Join(l.V1["memory"], "c/sub"))
	touch(t, filepath.Join(l.Unified, "c/sub"), "cgroup.procs")
	sub, err := loaded.Sub("sub")
	if err != nil {
		t.Fatal(err)
	}
	if err := join(sub, 4243); err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(l.Unified, "c/sub"), "cgroup.procs"); got != "4243" {
		t.Fatalf("unified sub cgroup.procs = %q", got)
	}
}

func mkdirs(t *testing.T, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

// join places pid as spawn does on a hybrid host: by Placement's Join.
func join(s *State, pid int) error {
	p, err := s.Placement()
	if err != nil {
		return err
	}
	defer p.Close()
	return p.Join(pid)
}

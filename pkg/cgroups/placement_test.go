package cgroups

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// What a spawn is told for each kind of host: an fd for clone3 on v2,
// tasks files for the bootstrap on v1, the parent's join on a hybrid
// host's unified directory, nothing without a cgroup. Against temp trees.
func TestPlacementRoutes(t *testing.T) {
	hugepages := &specs.LinuxResources{HugepageLimits: []specs.LinuxHugepageLimit{{Pagesize: "2MB", Limit: 1}}}
	hybrid := func(t *testing.T) Layout {
		l := fakeV1(t, "pids", "memory")
		l.Unified = t.TempDir()
		return l
	}
	cases := []struct {
		name      string
		state     func(t *testing.T) *State
		v2Dir     bool     // CgroupFD names the container's unified directory
		tasks     []string // relative to the hierarchies' mounts
		joinsDir  bool     // Join writes the pid into the unified directory
		noCgroups bool
	}{
		{"v2", func(t *testing.T) *State { return mustCreate(t, fakeV2(t), nil) }, true, nil, false, false},
		{"v1", func(t *testing.T) *State { return mustCreate(t, fakeV1(t, "pids", "memory"), nil) },
			false, []string{"memory/c/tasks", "pids/c/tasks"}, false, false},
		{"hybrid, no unified directory needed", func(t *testing.T) *State { return mustCreate(t, hybrid(t), nil) },
			false, []string{"memory/c/tasks", "pids/c/tasks"}, false, false},
		{"hybrid with hugepage limits v1 cannot hold", func(t *testing.T) *State { return mustCreate(t, hybrid(t), hugepages) },
			false, []string{"memory/c/tasks", "pids/c/tasks"}, true, false},
		{"no cgroup", func(t *testing.T) *State { return nil }, false, nil, false, true},
		{"rootless placed in none", func(t *testing.T) *State { return &State{Path: "/c", Created: map[string]string{}} },
			false, nil, false, true},
		{"rootless in the writable v1 hierarchy only", func(t *testing.T) *State {
			l := fakeV1(t, "pids")
			l.Unified = t.TempDir() // a hybrid host's unified mount it may not write is dropped
			return mustCreate(t, Layout{V1: l.V1}, nil)
		}, false, []string{"pids/c/tasks"}, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.state(t)
			p, err := s.Placement()
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			fd, ok := p.CgroupFD()
			if ok != tc.v2Dir {
				t.Fatalf("CgroupFD given: %v, want %v", ok, tc.v2Dir)
			}
			if ok && !sameFile(t, fd, filepath.Join(s.Layout.Unified, "c")) {
				t.Fatalf("CgroupFD %d is not the container's directory", fd)
			}
			var tasks []string
			for _, f := range p.Tasks {
				tasks = append(tasks, relToMount(t, s, f))
			}
			if !reflect.DeepEqual(tasks, tc.tasks) {
				t.Fatalf("tasks %v, want %v", tasks, tc.tasks)
			}
			udir := ""
			if s != nil && s.Layout.Unified != "" && exists(filepath.Join(s.Layout.Unified, "c")) {
				udir = filepath.Join(s.Layout.Unified, "c")
				touch(t, udir, "cgroup.procs")
			}
			if err := p.Join(4242); err != nil {
				t.Fatal(err)
			}
			if tc.joinsDir {
				if got := read(t, udir, "cgroup.procs"); got != "4242" {
					t.Fatalf("unified cgroup.procs %q", got)
				}
			} else if udir != "" {
				if got := read(t, udir, "cgroup.procs"); got != "" {
					t.Fatalf("Join wrote %q where the bootstrap is placed otherwise", got)
				}
			}
			if tc.noCgroups && (ok || len(p.Tasks) > 0 || p.joinDir != "") {
				t.Fatalf("a container in no cgroup is placed: %+v", p)
			}
		})
	}
}

// exec --cgroup: the narrowed State is placed in the sub-cgroup by the
// same routes.
func TestPlacementOfSubCgroup(t *testing.T) {
	s := mustCreate(t, fakeV2(t), nil)
	if err := os.Mkdir(filepath.Join(s.Layout.Unified, "c", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	sub, err := s.Sub("sub")
	if err != nil {
		t.Fatal(err)
	}
	p, err := sub.Placement()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if fd, ok := p.CgroupFD(); !ok || !sameFile(t, fd, filepath.Join(s.Layout.Unified, "c", "sub")) {
		t.Fatalf("sub-cgroup placement: fd %d %v", fd, ok)
	}

	v1 := mustCreate(t, fakeV1(t, "pids"), nil)
	os.Mkdir(filepath.Join(v1.Layout.V1["pids"], "c", "sub"), 0o755)
	sub, err = v1.Sub("sub")
	if err != nil {
		t.Fatal(err)
	}
	p1, _ := sub.Placement()
	if want := []string{filepath.Join(v1.Layout.V1["pids"], "c", "sub", "tasks")}; !reflect.DeepEqual(p1.Tasks, want) {
		t.Fatalf("sub tasks %v, want %v", p1.Tasks, want)
	}
}

// A v2 directory that is gone fails the placement, naming it: the
// bootstrap must never start outside the cgroup instead.
func TestPlacementMissingV2Dir(t *testing.T) {
	l := fakeV2(t)
	s := &State{Layout: l, Path: "/gone"}
	if _, err := s.Placement(); err == nil {
		t.Fatal("placement into a missing cgroup succeeded")
	}
}

func mustCreate(t *testing.T, l Layout, r *specs.LinuxResources) *State {
	t.Helper()
	s, err := create(l, "/c", r, func(string, string) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func sameFile(t *testing.T, fd int, path string) bool {
	var a, b unix.Stat_t
	if err := unix.Fstat(fd, &a); err != nil {
		t.Fatal(err)
	}
	if err := unix.Stat(path, &b); err != nil {
		t.Fatal(err)
	}
	return a.Dev == b.Dev && a.Ino == b.Ino
}

// relToMount names a tasks file as hierarchy/path, whatever temp dir the
// hierarchy is mounted at.
func relToMount(t *testing.T, s *State, f string) string {
	for name, mnt := range s.Layout.V1 {
		if rel, err := filepath.Rel(mnt, f); err == nil && rel[0] != '.' {
			return filepath.Join(name, rel)
		}
	}
	t.Fatalf("%s is in no hierarchy", f)
	return ""
}

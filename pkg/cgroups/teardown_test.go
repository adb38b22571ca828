package cgroups

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func exists(path string) bool { _, err := os.Stat(path); return err == nil }

// A cgroup holding a process in any hierarchy (sub-cgroups included), or a
// frozen one, is refused, and what Create made is removed again.
func TestCreateRefusesNonEmptyOrFrozen(t *testing.T) {
	l := fakeV1(t, "pids", "memory", "freezer")
	write(t, filepath.Join(l.V1["pids"], "svc/cgroup.procs"), "123\n")
	_, err := Create(l, "/svc", nil)
	if err == nil || !strings.Contains(err.Error(), "linux.cgroupsPath /svc: container's cgroup is not empty: 1 process(es) found") {
		t.Fatalf("pids-only service cgroup: %v", err)
	}
	if exists(filepath.Join(l.V1["memory"], "svc")) || exists(filepath.Join(l.V1["freezer"], "svc")) {
		t.Fatal("refused create left the directories it made")
	}
	write(t, filepath.Join(l.V1["memory"], "deep/child/cgroup.procs"), "7\n8\n")
	if _, err := Create(l, "/deep", nil); err == nil || !strings.Contains(err.Error(), "2 process(es)") {
		t.Fatalf("process in a sub-cgroup: %v", err)
	}
	write(t, filepath.Join(l.V1["freezer"], "fz/freezer.state"), "FROZEN\n")
	if _, err := Create(l, "/fz", nil); err == nil || !strings.Contains(err.Error(), "linux.cgroupsPath /fz: container's cgroup unexpectedly frozen") {
		t.Fatalf("frozen cgroup: %v", err)
	}
	if exists(filepath.Join(l.V1["pids"], "fz")) {
		t.Fatal("refused create left pids/fz")
	}
	v2 := fakeV2(t)
	write(t, filepath.Join(v2.Unified, "f2/cgroup.events"), "populated 0\nfrozen 1\n")
	if _, err := Create(v2, "/f2", nil); err == nil || !strings.Contains(err.Error(), "unexpectedly frozen") {
		t.Fatalf("frozen v2 cgroup: %v", err)
	}
}

// Only hierarchies where minirun made the directory list the container's
// processes; a pid there whose /proc/PID/cgroup says otherwise (a reused
// pid) is not held.
func TestOwnedPidsAndHolds(t *testing.T) {
	l := fakeV1(t, "pids", "memory", "cpu,cpuacct")
	if err := os.MkdirAll(filepath.Join(l.V1["pids"], "c"), 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := Create(l, "/c", nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Owned("pids") || !s.Owned("memory") || !s.OwnsAny() {
		t.Fatalf("ownership %v", s.Created)
	}
	write(t, filepath.Join(l.V1["pids"], "c/cgroup.procs"), "100\n200\n") // 100 is foreign
	write(t, filepath.Join(l.V1["memory"], "c/cgroup.procs"), "200\n")
	write(t, filepath.Join(l.V1["memory"], "c/child/cgroup.procs"), "300\n")
	if got, _ := s.OwnedPids(); !reflect.DeepEqual(got, []int{200, 300}) {
		t.Fatalf("OwnedPids %v", got)
	}
	if got, _ := s.Pids(); !reflect.DeepEqual(got, []int{200, 300}) {
		t.Fatalf("Pids %v", got)
	}
	procRoot = t.TempDir()
	defer func() { procRoot = "/proc" }()
	write(t, filepath.Join(procRoot, "200/cgroup"), "4:cpuacct,cpu:/c\n3:pids:/c\n")
	write(t, filepath.Join(procRoot, "300/cgroup"), "5:memory:/c/child\n3:pids:/c\n")
	write(t, filepath.Join(procRoot, "100/cgroup"), "5:memory:/\n3:pids:/c\n")
	write(t, filepath.Join(procRoot, "400/cgroup"), "5:memory:/cx\n")
	for pid, want := range map[int]bool{200: true, 300: true, 100: false, 400: false, 500: false} {
		if s.holds(pid) != want {
			t.Errorf("holds(%d) = %v", pid, !want)
		}
	}
}

// Signal reaches only processes listed in an owned hierarchy whose
// /proc/PID/cgroup still says so.
func TestSignalOnlyOwnedAndChecked(t *testing.T) {
	l := fakeV1(t, "pids", "memory")
	os.MkdirAll(filepath.Join(l.V1["pids"], "c"), 0o755)
	s, err := Create(l, "/c", nil)
	if err != nil {
		t.Fatal(err)
	}
	start := func() (*exec.Cmd, chan struct{}) {
		c := exec.Command("sleep", "100")
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { c.Wait(); close(done) }()
		t.Cleanup(func() { c.Process.Kill(); <-done })
		return c, done
	}
	mine, mineDone := start()
	foreign, foreignDone := start()
	reused, reusedDone := start()
	procRoot = t.TempDir()
	defer func() { procRoot = "/proc" }()
	pid := func(c *exec.Cmd) string { return strconv.Itoa(c.Process.Pid) }
	write(t, filepath.Join(l.V1["pids"], "c/cgroup.procs"), pid(mine)+"\n"+pid(foreign)+"\n")
	write(t, filepath.Join(l.V1["memory"], "c/child/cgroup.procs"), pid(mine)+"\n"+pid(reused)+"\n")
	write(t, filepath.Join(procRoot, pid(mine), "cgroup"), "2:memory:/c/child\n1:pids:/c\n")
	write(t, filepath.Join(procRoot, pid(foreign), "cgroup"), "2:memory:/\n1:pids:/c\n")
	write(t, filepath.Join(procRoot, pid(reused), "cgroup"), "2:memory:/elsewhere\n1:pids:/\n")
	if err := s.Signal(unix.SIGTERM, nil); err != nil {
		t.Fatal(err)
	}
	select {
	case <-mineDone:
	case <-time.After(5 * time.Second):
		t.Fatal("the container's process was not signalled")
	}
	time.Sleep(50 * time.Millisecond)
	for name, done := range map[string]chan struct{}{"foreign": foreignDone, "reused": reusedDone} {
		select {
		case <-done:
			t.Errorf("the %s process was signalled", name)
		default:
		}
	}
}

// On v2, SIGKILL goes through cgroup.kill of the owned directory.
func TestSignalV2UsesCgroupKill(t *testing.T) {
	l := fakeV2(t)
	s, err := Create(l, "/c", nil)
	if err != nil {
		t.Fatal(err)
	}
	touch(t, filepath.Join(l.Unified, "c"), "cgroup.kill")
	if err := s.Signal(unix.SIGKILL, nil); err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(l.Unified, "c"), "cgroup.kill"); got != "1" {
		t.Fatalf("cgroup.kill = %q", got)
	}
}

// Destroy removes the container's sub-cgroups deepest first, then its
// directory, then parents it made only while they are empty.
func TestDestroySubCgroupsAndBusyParent(t *testing.T) {
	v2 := fakeV2(t)
	s, err := Create(v2, "/a", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(v2.Unified, "a/child/grandchild"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := s.Destroy(); err != nil || exists(filepath.Join(v2.Unified, "a")) {
		t.Fatalf("v2 sub-cgroups: %v", err)
	}
	l := fakeV1(t, "pids")
	mnt := l.V1["pids"]
	s, err = Create(l, "/p/a", nil)
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(mnt, "p/a/child/grandchild"), 0o755)
	// A sibling: on a regular fs a non-empty dir refuses rmdir, as a
	// cgroup with children does (EBUSY).
	write(t, filepath.Join(mnt, "p/b/cgroup.procs"), "")
	if err := s.Destroy(); err != nil {
		t.Fatalf("destroy beside a sibling: %v", err)
	}
	if exists(filepath.Join(mnt, "p/a")) || !exists(filepath.Join(mnt, "p/b")) {
		t.Fatal("a or its sub-cgroups left, or the sibling removed")
	}
	s, _ = Create(l, "/q/x", nil)
	os.MkdirAll(filepath.Join(mnt, "q/x/sub"), 0o755)
	if err := s.Destroy(); err != nil || exists(filepath.Join(mnt, "q")) {
		t.Fatalf("an empty parent minirun made was kept: %v", err)
	}
}

func TestAdoptTakesOverASiblingsParent(t *testing.T) {
	l := Layout{V1: map[string]string{"pids": "/cg/pids"}}
	mine := &State{Layout: l, Path: "/p/b", Created: map[string]string{"pids": "/cg/pids/p/b"}}
	mine.Adopt(&State{Layout: l, Path: "/p/a", Created: map[string]string{"pids": "/cg/pids/p"}})
	if got := mine.Created["pids"]; got != "/cg/pids/p" {
		t.Fatalf("after Adopt the top is %q, want the sibling's /cg/pids/p", got)
	}
	for name, other := range map[string]*State{
		"unrelated":     {Layout: l, Path: "/q/a", Created: map[string]string{"pids": "/cg/pids/q"}},
		"other mount":   {Layout: Layout{V1: map[string]string{"pids": "/elsewhere"}}, Path: "/p/a", Created: map[string]string{"pids": "/cg/pids/p"}},
		"not ours here": {Layout: l, Path: "/p/a", Created: map[string]string{}},
		"below ours":    {Layout: l, Path: "/p/b/x", Created: map[string]string{"pids": "/cg/pids/p/b/x"}},
		// /p/x existed before b, made by someone else after a made /p.
		"foreign between": {Layout: l, Path: "/p/a", Created: map[string]string{"pids": "/cg/pids/p"}},
	} {
		path, created := "/p/b", "/cg/pids/p/b"
		if name == "foreign between" {
			path, created = "/p/x/b", "/cg/pids/p/x/b"
		}
		s := &State{Layout: l, Path: path, Created: map[string]string{"pids": created}}
		s.Adopt(other)
		if got := s.Created["pids"]; got != created {
			t.Errorf("%s: top became %q", name, got)
		}
	}
	// A directory ours does not own stays not ours.
	s := &State{Layout: l, Path: "/p/b", Created: map[string]string{}}
	s.Adopt(&State{Layout: l, Path: "/p/a", Created: map[string]string{"pids": "/cg/pids/p"}})
	if s.Owned("pids") {
		t.Error("Adopt made a pre-existing directory owned")
	}
}

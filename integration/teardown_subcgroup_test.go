package integration

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// moveToSubCgroup does what a container with a writable cgroupfs (or v2
// delegation) may do: make <cgroup>/child and move one of its processes
// (not the init) there. It returns that process.
func moveToSubCgroup(t *testing.T, e *env, id string, ctrls ...string) int {
	t.Helper()
	initPid := e.pid(id)
	var moved int
	waitFor(t, "the container's second process", func() bool {
		for _, p := range cgroupProcs(t, hierarchyDir(e, ctrls[0], id)) {
			if p != initPid {
				moved = p
				return true
			}
		}
		return false
	})
	for _, c := range ctrls {
		child := filepath.Join(hierarchyDir(e, c, id), "child")
		must(t, os.Mkdir(child, 0o755))
		joinCgroup(t, child, moved)
	}
	return moved
}

// A sub-cgroup the container made must not make delete fail (EBUSY), and
// a process in it must not survive delete --force without a pid namespace.
func TestTeardownSubCgroups(t *testing.T) {
	requireV1(t)
	e := newEnv(t)
	twoSleeps := func(pidns bool) func(*specs.Spec) {
		return func(s *specs.Spec) {
			s.Process.Args = []string{"sh", "-c", "sleep 1000 & sleep 1000"}
			if !pidns {
				s.Linux.Namespaces = s.Linux.Namespaces[1:]
			}
		}
	}
	// With a pid namespace: the init's death kills all; delete of the
	// stopped container must remove the sub-cgroups.
	runningSleep(e, "a", twoSleeps(true))
	movedA := moveToSubCgroup(t, e, "a", "pids", "memory", "freezer")
	e.ok("kill", "a", "KILL")
	waitFor(t, "a to stop", func() bool { return e.state("a")["status"] == "stopped" })
	if r := e.run("delete", "a"); r.code != 0 {
		t.Errorf("delete of a stopped container with a sub-cgroup: exit %d: %s", r.code, r.stderr)
	}
	checkGone(t, e, "a", movedA)
	// Without one: delete --force must kill the process in the sub-cgroup.
	runningSleep(e, "b", twoSleeps(false))
	initB := e.pid("b")
	movedB := moveToSubCgroup(t, e, "b", "pids", "memory", "freezer")
	if r := e.run("delete", "--force", "b"); r.code != 0 {
		t.Errorf("delete --force with a sub-cgroup: exit %d: %s", r.code, r.stderr)
	}
	checkGone(t, e, "b", initB, movedB)
}

// A sibling container in a parent this container created must not make
// delete fail: the parent is removed only once it is empty.
func TestTeardownSiblingDoesNotBlockDelete(t *testing.T) {
	requireV1(t)
	e := newEnv(t)
	inParent := func(name string) func(*specs.Spec) {
		return func(s *specs.Spec) { s.Linux.CgroupsPath = e.cgroup + "/p/" + name }
	}
	runningSleep(e, "a", inParent("a")) // creates e.cgroup/p
	runningSleep(e, "b", inParent("b"))
	e.ok("kill", "a", "KILL")
	waitFor(t, "a to stop", func() bool { return e.state("a")["status"] == "stopped" })
	start := time.Now()
	if r := e.run("delete", "a"); r.code != 0 {
		t.Fatalf("delete beside a living sibling: exit %d: %s", r.code, r.stderr)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("delete took %v", d)
	}
	if r := e.run("state", "a"); r.code == 0 {
		t.Fatal("the state of a survived its delete")
	}
	checkGone(t, e, "p/a")
	if e.state("b")["status"] != "running" {
		t.Fatal("the sibling was disturbed")
	}
	e.ok("delete", "--force", "b")
	checkGone(t, e, "p/b")
	// a, deleted first, could not remove the parent it made (b lived in
	// it); b, born in a parent another container made, inherited it and
	// removes it once empty: it is not left behind forever.
	for _, d := range cgroupDirs(e.cgroup) {
		if _, err := os.Stat(d); err == nil {
			t.Errorf("the empty parent %s outlived both containers", d)
		}
	}
	removeCgroupTree(e.cgroup)
}

// A parent someone else made (a service manager) is never removed, even
// empty, whatever order the containers in it go.
func TestTeardownForeignParentStays(t *testing.T) {
	requireV1(t)
	e := newEnv(t)
	handMade := hierarchyDir(e, "pids", "p")
	must(t, os.MkdirAll(handMade, 0o755))
	defer removeCgroupTree(e.cgroup)
	runningSleep(e, "a", func(s *specs.Spec) { s.Linux.CgroupsPath = e.cgroup + "/p/a" })
	runningSleep(e, "b", func(s *specs.Spec) { s.Linux.CgroupsPath = e.cgroup + "/p/b" })
	e.ok("delete", "--force", "a")
	e.ok("delete", "--force", "b")
	if _, err := os.Stat(handMade); err != nil {
		t.Fatalf("the hand-made parent %s was removed: %v", handMade, err)
	}
}

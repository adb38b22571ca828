package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// foreign is a process minirun did not start, as a systemd service would
// be: the test starts it and moves it into a cgroup it made by hand.
type foreign struct {
	cmd  *exec.Cmd
	done chan struct{}
}

func startForeign(t *testing.T) *foreign {
	t.Helper()
	f := &foreign{cmd: exec.Command("sleep", "1000"), done: make(chan struct{})}
	must(t, f.cmd.Start())
	go func() { f.cmd.Wait(); close(f.done) }()
	t.Cleanup(f.stop)
	return f
}

func (f *foreign) pid() int { return f.cmd.Process.Pid }

func (f *foreign) alive() bool {
	select {
	case <-f.done:
		return false
	default:
		return true
	}
}

func (f *foreign) stop() {
	f.cmd.Process.Kill()
	<-f.done
}

// joinCgroup moves pid into dir (a cgroup directory) by hand.
func joinCgroup(t *testing.T, dir string, pid int) {
	t.Helper()
	must(t, os.WriteFile(filepath.Join(dir, "cgroup.procs"), []byte(strconv.Itoa(pid)), 0o644))
}

// handMadeCgroup makes dir and the parents it lacks, as a service manager
// would, and removes them when the test ends. Cleanups run last-registered
// first, so a foreign process started after this call is gone by then.
func handMadeCgroup(t *testing.T, dir string) {
	t.Helper()
	var made []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		}
		made = append(made, d)
	}
	must(t, os.MkdirAll(dir, 0o755))
	t.Cleanup(func() {
		for _, d := range made {
			for i := 0; i < 100; i++ {
				if err := os.Remove(d); err == nil || os.IsNotExist(err) {
					break
				}
				waitMs(10)
			}
			if _, err := os.Stat(d); err == nil {
				t.Errorf("could not remove the test's own cgroup %s", d)
			}
		}
	})
}

// A cgroup with a process in it, even in one hierarchy only (a systemd
// service's pids cgroup), is refused at create, as runc refuses it.
func TestCgroupOwnerRefusesNonEmptyCgroup(t *testing.T) {
	requireV1(t)
	e := newEnv(t)
	svc := filepath.Join("/sys/fs/cgroup/pids", e.cgroup, "svc")
	handMadeCgroup(t, svc)
	f := startForeign(t)
	joinCgroup(t, svc, f.pid())
	b := e.bundle("svc", func(s *specs.Spec) { s.Process.Args = []string{"sleep", "100"} })
	r := e.run("create", "--bundle", b, "c")
	if r.code == 0 {
		e.run("delete", "--force", "c")
		t.Fatalf("create in a cgroup holding a foreign process succeeded")
	}
	t.Logf("refused: %s", r.stderr)
	if !strings.Contains(r.stderr, "container's cgroup is not empty") || !strings.Contains(r.stderr, e.cgroup+"/svc") ||
		strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Fatalf("create: want one line naming the cgroup and \"container's cgroup is not empty\", got %q", r.stderr)
	}
	if !f.alive() {
		t.Fatal("the foreign process was killed")
	}
	if out := e.ok("list", "-q"); strings.TrimSpace(out) != "" {
		t.Fatalf("a refused create left a container: %q", out)
	}
	// minirun removed the directories it made in the other hierarchies.
	for _, d := range cgroupDirs(e.cgroup + "/svc") {
		if _, err := os.Stat(d); err == nil && d != svc {
			t.Errorf("refused create left %s", d)
		}
	}
}

// ownerTestBundle runs a container in e.cgroup/c whose pids directory the
// test made (empty at create, so it is accepted) and into which a foreign
// process is moved once the container runs.
func ownerTestBundle(t *testing.T, e *env, pidns bool) (*foreign, string) {
	t.Helper()
	pidsDir := filepath.Join("/sys/fs/cgroup/pids", e.cgroup, "c")
	handMadeCgroup(t, pidsDir)
	f := startForeign(t)
	b := e.bundle("c", func(s *specs.Spec) {
		s.Process.Args = []string{"sh", "-c", "sleep 1000 & sleep 1000"}
		if !pidns {
			s.Linux.Namespaces = s.Linux.Namespaces[1:]
		}
	})
	e.ok("run", "-d", "--bundle", b, "c")
	// Runs before the hand-made cgroups are removed, should the test fail.
	t.Cleanup(func() { e.run("delete", "--force", "c") })
	joinCgroup(t, pidsDir, f.pid())
	return f, pidsDir
}

// kill --all signals only what lives in the hierarchies minirun created,
// never the foreign process in the pids cgroup it did not.
func TestCgroupOwnerKillAllSparesForeignProcess(t *testing.T) {
	requireV1(t)
	e := newEnv(t)
	f, pidsDir := ownerTestBundle(t, e, false)
	initPid := e.pid("c")
	e.ok("kill", "--all", "c", "KILL")
	waitFor(t, "the container to stop", func() bool { return e.state("c")["status"] == "stopped" })
	waitMs(200)
	if !f.alive() {
		t.Fatal("kill --all killed a process in a cgroup minirun did not create")
	}
	e.ok("delete", "c")
	if !f.alive() {
		t.Fatal("delete killed a process in a cgroup minirun did not create")
	}
	checkOwnerTeardown(t, e, pidsDir, initPid)
}

// delete of a stopped container without a pid namespace kills what the
// init left, but only in the hierarchies minirun created.
func TestCgroupOwnerDeleteSparesForeignProcess(t *testing.T) {
	requireV1(t)
	e := newEnv(t)
	f, pidsDir := ownerTestBundle(t, e, false)
	initPid := e.pid("c")
	e.ok("kill", "c", "KILL")
	waitFor(t, "the init to die", func() bool { return e.state("c")["status"] == "stopped" })
	e.ok("delete", "c")
	waitMs(200)
	if !f.alive() {
		t.Fatal("delete killed a process in a cgroup minirun did not create")
	}
	checkOwnerTeardown(t, e, pidsDir, initPid)
}

// checkOwnerTeardown: the container's own processes are gone, so are the
// directories minirun made; the hand-made pids directory is still there.
func checkOwnerTeardown(t *testing.T, e *env, pidsDir string, initPid int) {
	t.Helper()
	if _, err := os.Stat(pidsDir); err != nil {
		t.Fatalf("minirun removed a cgroup it did not create: %v", err)
	}
	procs, _ := os.ReadFile(filepath.Join(pidsDir, "cgroup.procs"))
	if n := len(strings.Fields(string(procs))); n != 1 {
		t.Fatalf("pids cgroup holds %q: want only the foreign process (the container's orphan survived?)", procs)
	}
	for _, d := range cgroupDirs(e.cgroup + "/c") {
		if _, err := os.Stat(d); err == nil && d != pidsDir {
			t.Errorf("delete left %s", d)
		}
	}
	if alive(initPid) {
		t.Errorf("init %d survived", initPid)
	}
}

// alive reports a running (not zombie) process.
func alive(pid int) bool {
	st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	return err == nil && !strings.Contains(string(st), ") Z")
}

// In a cgroup minirun did not create (every hierarchy made by hand, empty
// at create), kill --all reaches the processes of the container's own pid
// namespace and spares a process someone else moved into the cgroup.
func TestCgroupOwnerKillAllInForeignCgroupUsesPidNS(t *testing.T) {
	requireV1(t)
	e := newEnv(t)
	ents, _ := os.ReadDir("/sys/fs/cgroup")
	for _, ent := range ents {
		if ent.Name() != "unified" {
			handMadeCgroup(t, filepath.Join("/sys/fs/cgroup", ent.Name(), e.cgroup, "c"))
		}
	}
	f := startForeign(t)
	runningSleep(e, "c", func(s *specs.Spec) { s.Process.Args = []string{"sh", "-c", "sleep 1000 & sleep 1000"} })
	t.Cleanup(func() { e.run("delete", "--force", "c") })
	pidsDir := filepath.Join("/sys/fs/cgroup/pids", e.cgroup, "c")
	initPid := e.pid("c")
	var child int
	waitFor(t, "the container's second process", func() bool {
		for _, p := range cgroupProcs(t, pidsDir) {
			if p != initPid {
				child = p
			}
		}
		return child != 0
	})
	joinCgroup(t, pidsDir, f.pid())
	// The init (pid 1 in its namespace) ignores TERM; its child does not.
	e.ok("kill", "--all", "c", "TERM")
	waitFor(t, "the container's child to die", func() bool { return !alive(child) })
	if !f.alive() {
		t.Fatal("kill --all signalled a foreign process in the container's cgroup")
	}
	e.ok("delete", "--force", "c")
	if !f.alive() || alive(initPid) {
		t.Fatalf("delete --force: foreign alive %v, init alive %v", f.alive(), alive(initPid))
	}
}

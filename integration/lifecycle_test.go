package integration

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestRunReportsExitStatus(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"sh", "-c", "exit 7"} })
	if r := e.run("run", "--bundle", b, "c"); r.code != 7 {
		t.Fatalf("exit %d, want 7 (%s)", r.code, r.stderr)
	}
	// Outside a pid namespace the shell is not an init, so SIGKILL reaches it.
	b = e.bundle("k", func(s *specs.Spec) {
		s.Process.Args = []string{"sh", "-c", "kill -9 $$"}
		s.Linux.Namespaces = s.Linux.Namespaces[1:]
	})
	if r := e.run("run", "-b", b, "k"); r.code != 137 {
		t.Fatalf("killed by SIGKILL: exit %d, want 137", r.code)
	}
	if out := e.ok("list", "-q"); strings.TrimSpace(out) != "" {
		t.Fatalf("run left containers: %q", out)
	}
}

func TestCreateStartStateKillDelete(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"sleep", "100"} })
	pidFile := filepath.Join(e.dir, "pid")
	e.ok("create", "--bundle", b, "--pid-file", pidFile, "c1")
	st := e.state("c1")
	if st["status"] != "created" || st["id"] != "c1" || st["bundle"] != b {
		t.Fatalf("after create: %v", st)
	}
	pid := e.pid("c1")
	pf, _ := os.ReadFile(pidFile)
	if strconv.Itoa(pid) != string(pf) {
		t.Fatalf("pid file %q, state pid %d", pf, pid)
	}
	if comm, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm"); strings.TrimSpace(string(comm)) == "sleep" {
		t.Fatal("created container already runs its process")
	}
	e.ok("start", "c1")
	if st := e.state("c1"); st["status"] != "running" {
		t.Fatalf("after start: %v", st)
	}
	waitFor(t, "sleep to be exec'd", func() bool {
		comm, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
		return strings.TrimSpace(string(comm)) == "sleep"
	})
	if r := e.run("start", "c1"); r.code != 1 || !strings.Contains(r.stderr, "already running") {
		t.Fatalf("second start: %d %s", r.code, r.stderr)
	}
	if r := e.run("delete", "c1"); r.code != 1 || !strings.Contains(r.stderr, "not stopped") {
		t.Fatalf("delete of running container: %d %s", r.code, r.stderr)
	}
	// Signal 0 asks "is it alive?" (runc, crun; podman uses it): no signal sent.
	e.ok("kill", "c1", "0")
	e.ok("kill", "c1", "KILL")
	waitFor(t, "stopped", func() bool { return e.state("c1")["status"] == "stopped" })
	if st := e.state("c1"); st["pid"].(float64) != 0 {
		t.Fatalf("stopped container reports pid %v", st["pid"])
	}
	if r := e.run("kill", "c1", "TERM"); r.code != 1 || !strings.Contains(r.stderr, "container not running") {
		t.Fatalf("kill of stopped container: %d %s", r.code, r.stderr)
	}
	if r := e.run("kill", "c1", "0"); r.code != 1 || !strings.Contains(r.stderr, "container not running") {
		t.Fatalf("kill 0 of stopped container: %d %s", r.code, r.stderr)
	}
	e.ok("delete", "c1")
	if r := e.run("state", "c1"); r.code != 1 || !strings.Contains(r.stderr, "does not exist") {
		t.Fatalf("state after delete: %d %s", r.code, r.stderr)
	}
}

func TestDeleteForceAndCreatedDelete(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"sleep", "100"} })
	e.ok("run", "-d", "--bundle", b, "r1")
	pid := e.pid("r1")
	e.ok("delete", "--force", "r1")
	if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err == nil {
		st, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if !strings.Contains(string(st), ") Z") {
			t.Fatalf("process %d survived delete --force", pid)
		}
	}
	e.ok("create", "--bundle", b, "c2")
	e.ok("delete", "c2")
	if out := e.ok("list", "-q"); strings.TrimSpace(out) != "" {
		t.Fatalf("left: %q", out)
	}
}

func TestListFormats(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"sleep", "100"} })
	e.ok("create", "--bundle", b, "a1")
	if out := e.ok("list"); !strings.Contains(out, "a1") || !strings.Contains(out, "created") || !strings.HasPrefix(out, "ID") {
		t.Fatalf("table: %q", out)
	}
	// OWNER is the state dir's owner by name, as runc's list shows it.
	if out := e.ok("list", "--format", "json"); !strings.Contains(out, `"id":"a1"`) || !strings.Contains(out, `"owner":"root"`) {
		t.Fatalf("json: %q", out)
	}
	if out := e.ok("--log-format", "json", "list", "-q"); strings.TrimSpace(out) != "a1" {
		t.Fatalf("quiet: %q", out)
	}
}

// When the init dies first, delete still kills what it left in the cgroup.
func TestDeleteStoppedKillsLeftovers(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) {
		// Without a pid namespace, the init's death does not kill its children.
		s.Linux.Namespaces = s.Linux.Namespaces[1:]
		s.Process.Args = []string{"sh", "-c", "sleep 1000 & sleep 1000"}
	})
	e.ok("run", "-d", "--bundle", b, "c")
	e.ok("kill", "c", "KILL")
	waitFor(t, "init to die", func() bool { return e.state("c")["status"] == "stopped" })
	e.ok("delete", "c")
	for _, d := range cgroupDirs(e.cgroup + "/c") {
		if _, err := os.Stat(d); err == nil {
			t.Fatalf("cgroup %s survived delete: the orphaned sleep was not killed", d)
		}
	}
}

// delete --force always works, even on an unreadable state record.
func TestDeleteForceCorruptState(t *testing.T) {
	e := newEnv(t)
	dir := filepath.Join(e.root, "broken")
	must(t, os.MkdirAll(dir, 0o700))
	must(t, os.WriteFile(filepath.Join(dir, "state.json"), []byte("{not json"), 0o600))
	if r := e.run("delete", "broken"); r.code != 1 || !strings.Contains(r.stderr, "decode state") {
		t.Fatalf("delete without --force: %d %q", r.code, r.stderr)
	}
	e.ok("delete", "--force", "broken")
	if _, err := os.Stat(dir); err == nil {
		t.Fatal("state dir survived delete --force")
	}
	// As runc: --force of an unknown id succeeds; without it, "does not exist".
	e.ok("delete", "--force", "never-existed")
	if r := e.run("delete", "never-existed"); r.code != 1 || !strings.Contains(r.stderr, "does not exist") {
		t.Fatalf("delete of an unknown id: %d %q", r.code, r.stderr)
	}
}

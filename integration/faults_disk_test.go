package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// tmpfsRoot mounts a small tmpfs as a state root, unmounted at cleanup.
func (e *env) tmpfsRoot(name, opts string) string {
	e.t.Helper()
	dir := filepath.Join(e.t.TempDir(), name) // not under e.dir, whose mounts must all go
	must(e.t, os.MkdirAll(dir, 0o700))
	must(e.t, syscall.Mount("tmpfs", dir, "tmpfs", 0, opts))
	e.t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

// fill writes files into dir until the filesystem refuses (bytes or inodes).
func fill(dir string) {
	big := make([]byte, 4096)
	for i := 0; ; i++ {
		f, err := os.CreateTemp(dir, "fill")
		if err != nil {
			return
		}
		_, err = f.Write(big)
		f.Close()
		if err != nil && i > 100000 {
			return
		}
		if err != nil {
			// bytes are out: keep going until inodes are too, then stop
			continue
		}
	}
}

// create with a full or read-only state root fails with the kernel's
// reason and leaves nothing: no state dir, cgroup or process.
func TestFaultStateRootFullOrReadonly(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"sleep", "1000"} })
	full := e.tmpfsRoot("full", "size=64k,nr_inodes=64")
	fill(full)
	ro := e.tmpfsRoot("ro", "size=64k")
	must(t, syscall.Mount("", ro, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""))
	for root, want := range map[string]string{full: "no space left on device", ro: "read-only file system"} {
		cmd := exec.Command(minirun, "--root", root, "create", "--bundle", b, "c")
		r := e.runCmd(cmd, []string{"create", root})
		if r.code == 0 || !strings.Contains(r.stderr, want) {
			t.Errorf("create on %s: exit %d, %q; want %q", root, r.code, r.stderr, want)
		}
		if _, err := os.Stat(filepath.Join(root, "c")); err == nil {
			t.Errorf("create on %s left a state dir", root)
		}
		e.checkHostClean("c")
	}
}

// A truncated record: state names the corruption; delete --force still
// kills the init and removes the cgroup, from the fields it can read.
func TestFaultTruncatedStateDeleteForce(t *testing.T) {
	e := newEnv(t)
	runningSleep(e, "c", nil)
	pid := e.pid("c")
	killAtCleanup(e, pid)
	rec := filepath.Join(e.root, "c", "state.json")
	b, err := os.ReadFile(rec)
	must(t, err)
	must(t, os.WriteFile(rec, b[:len(b)-1], 0o600)) // the closing brace lost
	if r := e.run("state", "c"); r.code == 0 || !strings.Contains(r.stderr, "corrupt") {
		t.Errorf("state of a truncated record: exit %d, %q; want it named corrupt", r.code, r.stderr)
	}
	if r := e.run("delete", "--force", "c"); r.code != 0 {
		t.Fatalf("delete --force of a truncated record: exit %d: %s", r.code, r.stderr)
	}
	waitFor(t, "the init to die", func() bool { return !alive(pid) })
	e.checkHostClean("c")
}

// Half a record: the pid survives, the cgroup record does not. delete
// --force kills the init (its start time checked) and removes the state
// dir; the cgroup, whose ownership is unknown, is left and named.
func TestFaultHalfStateDeleteForce(t *testing.T) {
	e := newEnv(t)
	runningSleep(e, "c", nil)
	pid := e.pid("c")
	killAtCleanup(e, pid)
	rec := filepath.Join(e.root, "c", "state.json")
	b, err := os.ReadFile(rec)
	must(t, err)
	cut := strings.Index(string(b), `"created"`)
	must(t, os.WriteFile(rec, b[:cut], 0o600))
	r := e.run("delete", "--force", "c")
	if r.code != 0 || !strings.Contains(r.stderr, "cgroup") {
		t.Fatalf("delete --force of half a record: exit %d, %q; want success and a warning about the cgroup", r.code, r.stderr)
	}
	waitFor(t, "the init to die", func() bool { return !alive(pid) })
	if _, err := os.Stat(filepath.Join(e.root, "c")); err == nil {
		t.Error("state dir left")
	}
	removeCgroupTree(e.cgroup) // documented: not minirun's to remove blind
	e.checkHostClean("c")
}

// A record with nothing readable: state names it corrupt; delete --force
// removes the state dir and warns that the init is not signalled (its pid
// is lost: what cannot be recovered). The test kills its own init.
func TestFaultGarbageStateDeleteForce(t *testing.T) {
	e := newEnv(t)
	runningSleep(e, "c", nil)
	pid := e.pid("c")
	killAtCleanup(e, pid)
	must(t, os.WriteFile(filepath.Join(e.root, "c", "state.json"), []byte("\x00garbage"), 0o600))
	if r := e.run("state", "c"); r.code == 0 || !strings.Contains(r.stderr, "corrupt state") {
		t.Errorf("state of garbage: exit %d, %q", r.code, r.stderr)
	}
	r := e.run("delete", "--force", "c")
	if r.code != 0 || !strings.Contains(r.stderr, "pid is lost") {
		t.Fatalf("delete --force of garbage: exit %d, %q; want success and a warning", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(e.root, "c")); err == nil {
		t.Error("state dir left")
	}
	if !alive(pid) {
		t.Error("an init whose pid was unreadable was killed anyway")
	}
	syscall.Kill(pid, syscall.SIGKILL) // the test's own container
	waitFor(t, "the init to die", func() bool { return !alive(pid) })
	waitMs(100)
	removeCgroupTree(e.cgroup)
	e.checkHostClean("c")
}

// killAtCleanup kills the test's own container init if a failed test
// left it, before the env's cleanup looks for leftovers.
func killAtCleanup(e *env, pid int) {
	e.t.Cleanup(func() {
		if alive(pid) {
			syscall.Kill(pid, syscall.SIGKILL)
			waitMs(100)
			removeCgroupTree(e.cgroup)
		}
	})
}

// A state root remounted read-only still lets kill and state work (no
// command can change the root then, so there is nothing to lock against);
// delete fails with the kernel's reason and works once it is writable.
func TestFaultReadonlyRootStillKills(t *testing.T) {
	e := newEnv(t)
	e.root = e.tmpfsRoot("rw", "size=1m")
	runningSleep(e, "c", nil)
	pid := e.pid("c")
	killAtCleanup(e, pid)
	must(t, syscall.Mount("", e.root, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""))
	if r := e.run("kill", "c", "KILL"); r.code != 0 {
		t.Errorf("kill on a read-only root: exit %d: %s", r.code, r.stderr)
	}
	waitFor(t, "the init to die", func() bool { return !alive(pid) })
	if st := e.state("c")["status"]; st != "stopped" {
		t.Errorf("state on a read-only root: %v", st)
	}
	if r := e.run("delete", "c"); r.code == 0 || !strings.Contains(r.stderr, "read-only file system") {
		t.Errorf("delete on a read-only root: exit %d, %q", r.code, r.stderr)
	}
	must(t, syscall.Mount("", e.root, "", syscall.MS_REMOUNT, ""))
	e.ok("delete", "c")
	e.checkHostClean("c")
}

package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// A careless caller starts minirun with descriptors it forgot to mark
// close-on-exec (CVE-2024-21626 shape). None of them, and no descriptor the
// runtime opened on the host, may reach the container: the init's execve
// resolves process.args[0] before close-on-exec takes effect, so one held
// directory fd is enough to run a host binary through /proc/self/fd/N.

// hostFixture is what the caller leaks: a host directory holding a binary
// and a canary, the host's root, and the binary itself.
type hostFixture struct {
	dir   string
	files []*os.File // become fds 3.. of minirun
}

const hostCanary = "host-canary-7f3a"

func newHostFixture(t *testing.T, e *env) *hostFixture {
	t.Helper()
	dir := filepath.Join(e.dir, "hostside")
	must(t, os.MkdirAll(dir, 0o755))
	copyFile(t, busybox, filepath.Join(dir, "busybox"), 0o755)
	must(t, os.WriteFile(filepath.Join(dir, "canary"), []byte(hostCanary), 0o644))
	h := &hostFixture{dir: dir}
	for i := 0; i < 18; i++ {
		var f *os.File
		var err error
		switch i % 3 {
		case 0:
			f, err = os.Open(dir)
		case 1:
			f, err = os.Open("/")
		default:
			f, err = os.Open(filepath.Join(dir, "busybox"))
		}
		must(t, err)
		h.files = append(h.files, f)
	}
	t.Cleanup(func() {
		for _, f := range h.files {
			f.Close()
		}
	})
	return h
}

// runLeaky runs minirun with the fixture's files as inherited fds 3..20.
func (e *env) runLeaky(h *hostFixture, args ...string) result {
	e.t.Helper()
	cmd := exec.Command(minirun, append([]string{"--root", e.root}, args...)...)
	cmd.ExtraFiles = h.files
	r := e.runCmd(cmd, args)
	r.stdout += r.stderr // the escape marker counts on either stream
	return r
}

// hostObjectFds lists the fds >= 3 of pid that name a file or directory
// (anything but a socket, pipe or anonymous inode).
func hostObjectFds(t *testing.T, pid int) []string {
	t.Helper()
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	ents, err := os.ReadDir(dir)
	must(t, err)
	var bad []string
	for _, ent := range ents {
		if ent.Name() == "0" || ent.Name() == "1" || ent.Name() == "2" {
			continue
		}
		target, err := os.Readlink(filepath.Join(dir, ent.Name()))
		if err != nil {
			continue
		}
		if !strings.HasPrefix(target, "socket:") && !strings.HasPrefix(target, "pipe:") && !strings.HasPrefix(target, "anon_inode:") {
			bad = append(bad, ent.Name()+" -> "+target)
		}
	}
	return bad
}

func TestCreatedInitHoldsNoHostFds(t *testing.T) {
	e := newEnv(t)
	h := newHostFixture(t, e)
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"sleep", "100"} })
	if r := e.runLeaky(h, "create", "--bundle", b, "c"); r.code != 0 {
		t.Fatalf("create: exit %d: %s", r.code, r.stdout)
	}
	if bad := hostObjectFds(t, e.pid("c")); len(bad) > 0 {
		t.Fatalf("the created init holds host files or directories: %v", bad)
	}
	e.ok("start", "c")
	if bad := hostObjectFds(t, e.pid("c")); len(bad) > 0 {
		t.Fatalf("the container process holds host files or directories: %v", bad)
	}
	// An exec'd process sees its own fds, none of them leaked.
	r := e.runLeaky(h, "exec", "c", "ls", "/proc/self/fd")
	if r.code != 0 || strings.Fields(r.stdout)[0] != "0" || len(strings.Fields(r.stdout)) > 4 {
		t.Fatalf("exec ls /proc/self/fd: exit %d, fds %q (want 0 1 2 and ls's own)", r.code, r.stdout)
	}
}

// escapeArgs is a process that prints the marker only if it runs the host's
// busybox through fd n.
func escapeArgs(n int) []string {
	return []string{fmt.Sprintf("/proc/self/fd/%d/busybox", n), "echo", "ESCAPED"}
}

func checkNoEscape(t *testing.T, what string, r result) {
	t.Helper()
	if strings.Contains(r.stdout, "ESCAPED") || strings.Contains(r.stdout, hostCanary) {
		t.Fatalf("%s reached the host through a leaked fd: exit %d, output %q", what, r.code, r.stdout)
	}
	if r.code == 0 {
		t.Fatalf("%s: exit 0, want a failure (output %q)", what, r.stdout)
	}
}

func TestProcessArgsAndCwdThroughProcSelfFd(t *testing.T) {
	e := newEnv(t)
	h := newHostFixture(t, e)
	for n := 3; n <= 64; n++ {
		b := e.bundle(fmt.Sprintf("a%d", n), func(s *specs.Spec) { s.Process.Args = escapeArgs(n) })
		checkNoEscape(t, fmt.Sprintf("run with args[0] through fd %d", n), e.runLeaky(h, "run", "--bundle", b, fmt.Sprintf("a%d", n)))
		b = e.bundle(fmt.Sprintf("w%d", n), func(s *specs.Spec) {
			s.Process.Cwd = fmt.Sprintf("/proc/self/fd/%d", n)
			s.Process.Args = []string{"cat", "canary"}
		})
		checkNoEscape(t, fmt.Sprintf("run with cwd fd %d", n), e.runLeaky(h, "run", "--bundle", b, fmt.Sprintf("w%d", n)))
	}
	// create+start: the init holds the fds it had at create until start.
	for n := 3; n <= 20; n++ {
		id := fmt.Sprintf("s%d", n)
		b := e.bundle(id, func(s *specs.Spec) { s.Process.Args = escapeArgs(n) })
		if r := e.runLeaky(h, "create", "--bundle", b, id); r.code != 0 {
			continue // refused at create: nothing ran
		}
		r := e.runLeaky(h, "start", id)
		time.Sleep(20 * time.Millisecond)
		if strings.Contains(r.stdout, "ESCAPED") {
			t.Fatalf("start with args[0] through fd %d ran the host's binary", n)
		}
		e.run("delete", "--force", id)
	}
}

func TestExecArgsAndCwdThroughProcSelfFd(t *testing.T) {
	e := newEnv(t)
	h := newHostFixture(t, e)
	runningSleep(e, "c", nil)
	for n := 3; n <= 64; n++ {
		checkNoEscape(t, fmt.Sprintf("exec of args[0] through fd %d", n), e.runLeaky(h, append([]string{"exec", "c"}, escapeArgs(n)...)...))
		checkNoEscape(t, fmt.Sprintf("exec --cwd through fd %d", n),
			e.runLeaky(h, "exec", "--cwd", fmt.Sprintf("/proc/self/fd/%d", n), "c", "cat", "canary"))
	}
}

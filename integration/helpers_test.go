// Package integration runs the real minirun binary against the real kernel:
// each test builds a bundle in a temp dir (busybox plus a static probe) and
// checks what the container sees and what is left on the host.
package integration

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/minirun/minirun/integration/probe/report"
	"github.com/minirun/minirun/pkg/specgen"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

var (
	minirun  string // built binary
	probeBin string
	busybox  string
	skipWhy  string
)

func TestMain(m *testing.M) {
	os.Exit(setup(m))
}

func setup(m *testing.M) int {
	if os.Getuid() != 0 {
		skipWhy = "integration tests need root"
	} else if p, err := exec.LookPath("busybox"); err != nil {
		skipWhy = "busybox-static is not installed (apt-get install busybox-static)"
	} else {
		busybox = p
	}
	tmp, err := os.MkdirTemp("", "minirun-it-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	minirun, probeBin = os.Getenv("MINIRUN"), os.Getenv("PROBE")
	if probeBin != "" {
		// Prebuilt (the cgroup v2 VM has no Go toolchain).
		return runTests(m)
	}
	probeBin = filepath.Join(tmp, "probe")
	if minirun == "" {
		minirun = filepath.Join(tmp, "minirun")
		if out, err := exec.Command("go", "build", "-o", minirun, "../cmd/minirun").CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "build minirun: %v\n%s", err, out)
			return 1
		}
	}
	cmd := exec.Command("go", "build", "-o", probeBin, "./probe")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build probe: %v\n%s", err, out)
		return 1
	}
	return runTests(m)
}

func runTests(m *testing.M) int {
	if skipWhy != "" {
		fmt.Println("integration: skipping:", skipWhy)
	}
	return m.Run()
}

// cgroupV2 reports a pure cgroup v2 host (the VM); this machine kind is v1 hybrid.
func cgroupV2() bool {
	_, err := os.Stat("/sys/fs/cgroup/cgroup.controllers")
	return err == nil
}

func requireV1(t *testing.T) {
	if cgroupV2() {
		t.Skip("cgroup v1 test on a cgroup v2 host (cgroupv2_test.go covers v2)")
	}
}

// env is one test's world: its own state root, cgroup prefix and bundle.
type env struct {
	t      *testing.T
	root   string
	dir    string
	cgroup string // absolute cgroupsPath prefix owned by this test
}

func newEnv(t *testing.T) *env {
	t.Helper()
	if skipWhy != "" {
		t.Skip(skipWhy)
	}
	e := &env{t: t, root: t.TempDir(), dir: t.TempDir(),
		cgroup: fmt.Sprintf("/minirun-it/%s-%d", sanitize(t.Name()), time.Now().UnixNano()%1e9)}
	// A mapped container root must be able to reach its rootfs.
	must(t, os.Chmod(e.dir, 0o755))
	must(t, os.Chmod(filepath.Dir(e.dir), 0o755))
	t.Cleanup(e.cleanup)
	return e
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, s)
}

// cleanup force-deletes whatever the test left and fails on leftovers.
func (e *env) cleanup() {
	out, _ := exec.Command(minirun, "--root", e.root, "list", "-q").Output()
	for _, id := range strings.Fields(string(out)) {
		exec.Command(minirun, "--root", e.root, "delete", "--force", id).Run()
	}
	for _, d := range cgroupDirs(e.cgroup) {
		if _, err := os.Stat(d); err == nil {
			e.t.Errorf("cgroup left behind: %s", d)
			os.Remove(d)
		}
	}
	removeEmptyParents("/minirun-it")
	mi, _ := os.ReadFile("/proc/self/mountinfo")
	if strings.Contains(string(mi), e.dir) {
		e.t.Errorf("mounts left behind under %s", e.dir)
	}
}

func cgroupDirs(path string) []string {
	dirs := []string{filepath.Join("/sys/fs/cgroup", path)} // cgroup v2

	ents, _ := os.ReadDir("/sys/fs/cgroup")
	for _, ent := range ents {
		dirs = append(dirs, filepath.Join("/sys/fs/cgroup", ent.Name(), path))
	}
	return dirs
}

func removeEmptyParents(path string) {
	for _, d := range cgroupDirs(path) {
		os.Remove(d)
	}
}

// bundle writes a bundle whose rootfs has busybox and the probe; mutate
// adjusts the default spec. It returns the bundle path.
func (e *env) bundle(name string, mutate func(*specs.Spec)) string {
	e.t.Helper()
	b := filepath.Join(e.dir, name)
	rootfs := filepath.Join(b, "rootfs")
	for _, d := range []string{"bin", "proc", "sys", "dev", "etc", "tmp", "root"} {
		must(e.t, os.MkdirAll(filepath.Join(rootfs, d), 0o755))
	}
	copyFile(e.t, busybox, filepath.Join(rootfs, "bin/busybox"), 0o755)
	copyFile(e.t, probeBin, filepath.Join(rootfs, "bin/probe"), 0o755)
	for _, app := range []string{"sh", "ls", "cat", "echo", "id", "sleep", "ps", "hostname", "mount", "touch",
		"mkdir", "readlink", "grep", "stat", "true", "false", "kill", "head", "wc", "ulimit", "umask", "test", "cut", "dd", "tr", "mknod"} {
		os.Symlink("busybox", filepath.Join(rootfs, "bin", app))
	}
	os.WriteFile(filepath.Join(rootfs, "etc/passwd"), []byte("root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/tmp:/bin/sh\n"), 0o644)
	s := defaultSpec(e.cgroup + "/" + name)
	if mutate != nil {
		mutate(s)
	}
	writeJSON(e.t, filepath.Join(b, "config.json"), s)
	return b
}

// defaultSpec is `minirun spec` without a terminal, running the probe, in
// the test's own cgroup.
func defaultSpec(cgroupsPath string) *specs.Spec {
	s := specgen.Default()
	s.Process.Terminal = false
	s.Process.Args = []string{"/bin/probe"}
	s.Linux.CgroupsPath = cgroupsPath
	return s
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, src, dst string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(src)
	must(t, err)
	must(t, os.WriteFile(dst, b, mode))
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	must(t, err)
	must(t, os.WriteFile(path, b, 0o644))
}

// result is one minirun invocation.
type result struct {
	code           int
	stdout, stderr string
}

func (e *env) run(args ...string) result {
	e.t.Helper()
	return e.runIn("", args...)
}

// runIn runs minirun with --root and a timeout, from dir.
func (e *env) runIn(dir string, args ...string) result {
	e.t.Helper()
	cmd := exec.Command(minirun, append([]string{"--root", e.root}, args...)...)
	cmd.Dir = dir
	return e.runCmd(cmd, args)
}

// runCmd runs a prepared minirun command with a timeout and collects its output.
func (e *env) runCmd(cmd *exec.Cmd, args []string) result {
	e.t.Helper()
	// Files, not pipes: a detached container keeps the caller's stdio open,
	// and waiting for a pipe to close would wait for the container.
	so, err := os.CreateTemp(e.dir, "stdout")
	must(e.t, err)
	se, err := os.CreateTemp(e.dir, "stderr")
	must(e.t, err)
	defer func() { so.Close(); se.Close(); os.Remove(so.Name()); os.Remove(se.Name()) }()
	cmd.Stdout, cmd.Stderr = so, se
	done := make(chan error, 1)
	must(e.t, cmd.Start())
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		<-done
		e.t.Fatalf("minirun %v timed out", args)
	}
	outB, _ := os.ReadFile(so.Name())
	errB, _ := os.ReadFile(se.Name())
	return result{cmd.ProcessState.ExitCode(), string(outB), string(errB)}
}

// ok runs minirun and fails the test on a non-zero exit.
func (e *env) ok(args ...string) string {
	e.t.Helper()
	r := e.run(args...)
	if r.code != 0 {
		e.t.Fatalf("minirun %v: exit %d\nstdout: %s\nstderr: %s", args, r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// state returns the parsed state of id.
func (e *env) state(id string) map[string]any {
	e.t.Helper()
	var st map[string]any
	must(e.t, json.Unmarshal([]byte(e.ok("state", id)), &st))
	return st
}

func (e *env) pid(id string) int {
	e.t.Helper()
	return int(e.state(id)["pid"].(float64))
}

// probeReport is the probe's JSON output.
type probeReport = report.Report

func parseProbe(t *testing.T, out string) probeReport {
	t.Helper()
	var r probeReport
	if err := json.Unmarshal([]byte(lastLine(out)), &r); err != nil {
		t.Fatalf("probe output %q: %v", out, err)
	}
	return r
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// waitFor polls cond for up to 10s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < 1000; i++ {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func execShell(script string) (string, error) {
	out, err := exec.Command("sh", "-c", script).CombinedOutput()
	return string(out), err
}

// removeCgroupTree removes the empty cgroup directories a client (podman's
// conmon, a pod) made under path in every hierarchy.
func removeCgroupTree(path string) {
	for _, top := range cgroupDirs(path) {
		var dirs []string
		filepath.WalkDir(top, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				dirs = append(dirs, p)
			}
			return nil
		})
		for i := len(dirs) - 1; i >= 0; i-- {
			os.Remove(dirs[i])
		}
	}
}

// killProcessesMentioning kills what a test's daemons left running (a
// containerd shim, conmon): every process whose command line names dir.
func killProcessesMentioning(dir string) {
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, _ := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if strings.Contains(string(cmdline), dir) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

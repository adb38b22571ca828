package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// dockerd is a private Docker daemon with minirun registered as a runtime.
type dockerd struct {
	t    *testing.T
	dir  string
	sock string
	cmd  *exec.Cmd
}

func startDockerd(t *testing.T) *dockerd {
	t.Helper()
	if skipWhy != "" {
		t.Skip(skipWhy)
	}
	if _, err := exec.LookPath("dockerd"); err != nil {
		t.Skip("dockerd is not installed (apt-get install docker.io)")
	}
	dir, err := os.MkdirTemp("", "minirun-dockerd-")
	must(t, err)
	d := &dockerd{t: t, dir: dir, sock: filepath.Join(dir, "docker.sock")}
	log, _ := os.Create(filepath.Join(dir, "dockerd.log"))
	d.cmd = exec.Command("dockerd", "--data-root", filepath.Join(dir, "data"), "--exec-root", filepath.Join(dir, "exec"),
		"--pidfile", filepath.Join(dir, "pid"), "-H", "unix://"+d.sock, "--storage-driver", "overlay2",
		"--bridge=none", "--iptables=false", "--ip6tables=false", "--ip-forward=false", "--ip-masq=false",
		"--cgroup-parent", "/minirun-it-docker", "--add-runtime", "minirun="+minirun)
	d.cmd.Stdout, d.cmd.Stderr = log, log
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	must(t, d.cmd.Start())
	t.Cleanup(d.stop)
	waitFor(t, "dockerd to answer", func() bool { return exec.Command("docker", "-H", "unix://"+d.sock, "info").Run() == nil })
	d.importBusybox()
	return d
}

// stop ends the daemon (and the containerd it started), then removes its
// mounts and data, also when the test failed.
func (d *dockerd) stop() {
	exec.Command("docker", "-H", "unix://"+d.sock, "rm", "-f", "c1").Run()
	d.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { d.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		syscall.Kill(-d.cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
	mi, _ := os.ReadFile("/proc/self/mountinfo")
	for _, line := range strings.Split(string(mi), "\n") {
		if f := strings.Fields(line); len(f) > 4 && strings.HasPrefix(f[4], d.dir) {
			syscall.Unmount(f[4], syscall.MNT_DETACH)
		}
	}
	os.RemoveAll(d.dir)
	removeEmptyParents("/minirun-it-docker")
}

func (d *dockerd) docker(args ...string) (string, int) {
	d.t.Helper()
	cmd := exec.Command("docker", append([]string{"-H", "unix://" + d.sock}, args...)...)
	out, _ := cmd.CombinedOutput()
	return string(out), cmd.ProcessState.ExitCode()
}

func (d *dockerd) importBusybox() {
	img := filepath.Join(d.dir, "img")
	for _, sub := range []string{"bin", "etc", "tmp", "proc", "sys", "dev"} {
		must(d.t, os.MkdirAll(filepath.Join(img, sub), 0o755))
	}
	copyFile(d.t, busybox, filepath.Join(img, "bin/busybox"), 0o755)
	for _, a := range []string{"sh", "echo", "id", "cat", "ls", "sleep", "ps", "touch", "dd", "grep"} {
		os.Symlink("busybox", filepath.Join(img, "bin", a))
	}
	os.WriteFile(filepath.Join(img, "etc/passwd"), []byte("root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/tmp:/bin/sh\n"), 0o644)
	out, err := exec.Command("sh", "-c", fmt.Sprintf("tar -C %s -c . | docker -H unix://%s import - bb:latest", img, d.sock)).CombinedOutput()
	if err != nil {
		d.t.Fatalf("docker import: %v %s", err, out)
	}
}

func TestDockerRunsWithMinirun(t *testing.T) {
	d := startDockerd(t)
	run := []string{"run", "--rm", "--runtime", "minirun", "--network", "none"}
	check := func(name string, wantCode int, wantOut string, args ...string) {
		t.Helper()
		out, code := d.docker(append(append([]string{}, run...), args...)...)
		if code != wantCode || !strings.Contains(out, wantOut) {
			t.Errorf("%s: exit %d output %q, want exit %d containing %q", name, code, out, wantCode, wantOut)
		}
	}
	check("output", 0, "hello", "bb", "echo", "hello")
	check("exit code", 3, "", "bb", "sh", "-c", "exit 3")
	check("missing command", 127, "executable file not found", "bb", "nonexistent")
	check("not executable", 126, "permission denied", "bb", "/etc/passwd")
	check("default caps and seccomp", 0, "CapEff:\t00000000a80425fb", "bb", "grep", "-E", "CapEff|Seccomp", "/proc/self/status")
	check("user, read-only, pids, caps", 0, "uid=1000(user) gid=1000", "--user", "1000:1000", "--read-only", "--pids-limit", "50",
		"--cap-drop", "ALL", "bb", "sh", "-c", "id; touch /x 2>/dev/null && echo writable; exit 0")
	check("oom kill", 137, "", "--memory", "16m", "bb", "dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1")

	if out, code := d.docker("run", "-d", "--name", "c1", "--runtime", "minirun", "--network", "none", "bb", "sleep", "100"); code != 0 {
		t.Fatalf("run -d: %s", out)
	}
	for _, step := range [][]string{{"exec", "c1", "echo", "exec-ok"}, {"top", "c1"}, {"pause", "c1"}, {"unpause", "c1"},
		{"exec", "-u", "1000", "c1", "id"}, {"stop", "-t", "1", "c1"}, {"rm", "c1"}} {
		if out, code := d.docker(step...); code != 0 {
			t.Errorf("docker %v: exit %d %s", step, code, out)
		}
	}
}
